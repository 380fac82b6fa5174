import Foundation
import HTTPWire

/// The last few secret header values and their masked forms (``SecretMasking/mask(_:)``), so a
/// client that sends the same key on every request is masked once, not once per request.
///
/// Masking is a pure function of the value, so a hit returns what masking would. Bounded to
/// ``capacity`` values; the oldest is replaced first.
final class MaskedValueCache: @unchecked Sendable {
    // @unchecked: `entries` and `next` are guarded by `lock`.
    private let lock = NSLock()
    private var entries: [(value: String, masked: String)] = []
    private var next = 0
    /// Values kept. Default 8.
    let capacity: Int

    init(capacity: Int = 8) {
        self.capacity = max(1, capacity)
    }

    /// `SecretMasking.mask(value)`, remembered.
    func mask(_ value: String) -> String {
        lock.lock()
        // Bytes, not `String ==`: canonically equivalent values can mask to different bytes.
        for entry in entries where entry.value.hasSameBytes(as: value) {
            lock.unlock()
            return entry.masked
        }
        lock.unlock()
        let masked = SecretMasking.mask(value)
        lock.lock()
        if entries.count < capacity {
            entries.append((value, masked))
        } else {
            entries[next] = (value, masked)
            next = (next + 1) % capacity
        }
        lock.unlock()
        return masked
    }
}
