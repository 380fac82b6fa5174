import HTTPWire

/// Paces streamed tokens against absolute deadlines, so write overhead and wake-up lateness
/// never accumulate: token *i* is due at `start + ttft + Σ gaps` as long as token *i-1* was less
/// than ``catchUpLimit`` late; after a longer block (a stall) the deadlines restart from then.
struct Pacer {
    private var due: UInt64

    init() { due = MonotonicClock.now() }

    /// How late a deadline may be before the pacer stops catching up: beyond it, writing was
    /// blocked (a `stall` fault, a client that does not read) and the stream resumes at its pace.
    static let catchUpLimit: UInt64 = 20_000_000

    /// Waits until `gap` after the previous deadline. Small delays are caught up (the rate stays
    /// exact); after a long block the next write comes `gap` after now, not all missed ones at once.
    mutating func wait(_ gap: Duration, _ writer: any HTTPResponseWriter) throws {
        guard gap > .zero else { return }
        let step = UInt64(max(0, gap.nanoseconds))
        let now = MonotonicClock.now()
        if now > due &+ step &+ Self.catchUpLimit { due = now }
        due &+= step
        if due > now { try writer.pause(for: .nanoseconds(Int64(due - now))) }
    }
}
