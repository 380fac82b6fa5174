import HTTPWire

/// Paces streamed tokens against absolute deadlines, so write overhead and wake-up lateness
/// never accumulate: token *i* is due at `start + ttft + Σ gaps`, however late token *i-1* was.
struct Pacer {
    private var due: UInt64

    init() { due = MonotonicClock.now() }

    /// Waits until `gap` after the previous deadline.
    mutating func wait(_ gap: Duration, _ writer: any HTTPResponseWriter) throws {
        guard gap > .zero else { return }
        due &+= UInt64(max(0, gap.nanoseconds))
        let now = MonotonicClock.now()
        if due > now { try writer.pause(for: .nanoseconds(Int64(due - now))) }
    }
}
