import Foundation
import HTTPWire

/// The last few secret header values and their masked forms (``SecretMasking/mask(_:)``), so a
/// client that sends the same key on every request is masked once, not once per request.
///
/// Masking is a pure function of the value, so a hit returns what masking would. Bounded to
/// ``capacity`` values; the oldest is replaced first.
final class MaskedValueCache: Sendable {
    private struct State {
        var entries: [(value: String, masked: String)] = []
        var next = 0
    }

    private let state = LockedValue(State())
    /// Values kept. Default 8.
    let capacity: Int

    init(capacity: Int = 8) {
        self.capacity = max(1, capacity)
    }

    /// `SecretMasking.mask(value)`, remembered.
    func mask(_ value: String) -> String {
        // Bytes, not `String ==`: canonically equivalent values can mask to different bytes.
        let hit: String? = state.withLock { state in
            state.entries.first { $0.value.hasSameBytes(as: value) }?.masked
        }
        if let hit { return hit }
        let masked = SecretMasking.mask(value)
        state.withLock { state in
            if state.entries.count < capacity {
                state.entries.append((value, masked))
            } else {
                state.entries[state.next] = (value, masked)
                state.next = (state.next + 1) % capacity
            }
        }
        return masked
    }
}
