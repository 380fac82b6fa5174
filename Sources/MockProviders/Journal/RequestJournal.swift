import HTTPWire

/// A bounded, thread-safe log of the requests a mock served, oldest dropped first.
///
/// A fixed ring: appending is O(1) (at most one old entry is released per append), so the
/// journal never stalls the connection threads that share its lock.
public final class RequestJournal: Sendable {
    /// The ring and its counters, under one lock.
    private struct Ring {
        /// Entries are moved in (``append(_:)`` consumes its argument) and moved out when
        /// evicted, so no field of a ``JournalEntry`` is retained or released on the way.
        var slots: [JournalEntry?] = []
        /// Index of the oldest entry.
        var head = 0
        var count = 0
        var nextID = 1
        var dropped = 0
    }

    private let ring = LockedValue(Ring())
    /// Most entries kept. Default 10 000.
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Reserves the next request id.
    func makeID() -> Int {
        ring.withLock { ring in
            let id = ring.nextID
            ring.nextID += 1
            return id
        }
    }

    /// Appends a finished entry, dropping the oldest beyond ``capacity``.
    func append(_ entry: consuming JournalEntry) {
        let capacity = self.capacity
        var entry = Optional(entry)
        let evicted: JournalEntry? = ring.withLock { ring in
            if ring.slots.count < capacity {
                ring.slots.append(entry.take())
                ring.count += 1
                return nil
            } else if ring.count < capacity {
                ring.slots[(ring.head + ring.count) % capacity] = entry.take()
                ring.count += 1
                return nil
            } else {
                let old = ring.slots[ring.head].take()
                ring.slots[ring.head] = entry.take()
                ring.head = (ring.head + 1) % capacity
                ring.dropped += 1
                return old
            }
        }
        _ = evicted  // released outside the lock
    }

    /// Every kept entry in completion order; optionally only those with `id > afterID`.
    public func entries(after afterID: Int = 0) -> [JournalEntry] {
        let capacity = self.capacity
        return ring.withLock { ring in
            var out: [JournalEntry] = []
            out.reserveCapacity(ring.count)
            for i in 0..<ring.count {
                if let e = ring.slots[(ring.head + i) % capacity], e.id > afterID { out.append(e) }
            }
            return out
        }
    }

    /// How many entries were dropped because of ``capacity``.
    public var droppedCount: Int { ring.withLock { $0.dropped } }

    /// Forgets every entry (ids keep increasing).
    public func clear() {
        let old: [JournalEntry?] = ring.withLock { ring in
            defer {
                ring.slots = []
                ring.head = 0
                ring.count = 0
                ring.dropped = 0
            }
            return ring.slots
        }
        _ = old  // released outside the lock
    }
}
