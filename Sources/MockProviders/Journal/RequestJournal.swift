import Foundation

/// A bounded, thread-safe log of the requests a mock served, oldest dropped first.
///
/// A fixed ring: appending is O(1) (at most one old entry is released per append), so the
/// journal never stalls the connection threads that share its lock.
public final class RequestJournal: @unchecked Sendable {
    // @unchecked: `ring`, `head`, `count`, `nextID` and `dropped` are guarded by `lock`.
    private let lock = NSLock()
    /// Entries are moved in (``append(_:)`` consumes its argument) and moved out when evicted, so
    /// no field of a ``JournalEntry`` is retained or released on the way.
    private var ring: [JournalEntry?]
    /// Index of the oldest entry.
    private var head = 0
    private var count = 0
    private var nextID = 1
    private var dropped = 0
    /// Most entries kept. Default 10 000.
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        ring = []
    }

    /// Reserves the next request id.
    func makeID() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let id = nextID
        nextID += 1
        return id
    }

    /// Appends a finished entry, dropping the oldest beyond ``capacity``.
    func append(_ entry: consuming JournalEntry) {
        var evicted: JournalEntry?
        lock.lock()
        if ring.count < capacity {
            ring.append(consume entry)
            count += 1
        } else if count < capacity {
            ring[(head + count) % capacity] = consume entry
            count += 1
        } else {
            evicted = ring[head].take()
            ring[head] = consume entry
            head = (head + 1) % capacity
            dropped += 1
        }
        lock.unlock()
        _ = evicted  // released outside the lock
    }

    /// Every kept entry in completion order; optionally only those with `id > afterID`.
    public func entries(after afterID: Int = 0) -> [JournalEntry] {
        lock.withLock {
            var out: [JournalEntry] = []
            out.reserveCapacity(count)
            for i in 0..<count {
                if let e = ring[(head + i) % capacity], e.id > afterID { out.append(e) }
            }
            return out
        }
    }

    /// How many entries were dropped because of ``capacity``.
    public var droppedCount: Int { lock.withLock { dropped } }

    /// Forgets every entry (ids keep increasing).
    public func clear() {
        let old: [JournalEntry?] = lock.withLock {
            defer {
                ring = []
                head = 0
                count = 0
                dropped = 0
            }
            return ring
        }
        _ = old
    }
}
