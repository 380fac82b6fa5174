import HTTPWire

/// Paces streamed tokens against absolute deadlines, so write overhead and wake-up lateness
/// never accumulate: token *i* is due at `start + ttft + Σ gaps` as long as token *i-1* was less
/// than ``catchUpLimit`` late; after a longer block (a stall) the deadlines restart from then.
struct Pacer {
    private var due: MonotonicInstant

    init() { due = .now() }

    /// How late a deadline may be before the pacer stops catching up: beyond it, writing was
    /// blocked (a `stall` fault, a client that does not read) and the stream resumes at its pace.
    static let catchUpLimit: Duration = .milliseconds(20)

    /// Waits until `gap` after the previous deadline. Small delays are caught up (the rate stays
    /// exact); after a long block the next write comes `gap` after now, not all missed ones at once.
    mutating func wait(_ gap: Duration, _ writer: any HTTPResponseWriter) throws {
        guard gap > .zero else { return }
        let now = MonotonicInstant.now()
        if now > due + gap + Self.catchUpLimit { due = now }
        due += gap
        if due > now { try writer.pause(for: due - now) }
    }
}
