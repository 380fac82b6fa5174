import Foundation
import HTTPWire

/// A bounded, thread-safe log of the requests a mock served, oldest dropped first.
public final class RequestJournal: @unchecked Sendable {
    // @unchecked: `entries`, `nextID` and `dropped` are guarded by `lock`.
    private let lock = NSLock()
    private var entries: [JournalEntry] = []
    private var start = 0
    private var nextID = 1
    private var dropped = 0
    /// Most entries kept. Default 10 000.
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Reserves the next request id.
    func makeID() -> Int {
        lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
    }

    /// Appends a finished entry, dropping the oldest beyond ``capacity``.
    func append(_ entry: JournalEntry) {
        lock.withLock {
            if entries.count - start >= capacity {
                start += 1
                dropped += 1
                if start > 1024, start * 2 > entries.count {
                    entries.removeFirst(start)
                    start = 0
                }
            }
            entries.append(entry)
        }
    }

    /// Every kept entry in completion order; optionally only those with `id > afterID`.
    public func entries(after afterID: Int = 0) -> [JournalEntry] {
        lock.withLock { entries[start...].filter { $0.id > afterID } }
    }

    /// How many entries were dropped because of ``capacity``.
    public var droppedCount: Int { lock.withLock { dropped } }

    /// Forgets every entry (ids keep increasing).
    public func clear() {
        lock.withLock {
            entries.removeAll()
            start = 0
            dropped = 0
        }
    }
}
