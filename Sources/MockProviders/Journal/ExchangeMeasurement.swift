import HTTPWire

/// What went out on the wire for one exchange, as the journal records it: status, chunks and
/// bytes, when the head, the first byte and each body write left, the longest silence, and the
/// `Retry-After` headers actually sent.
///
/// The ``FaultInjector`` reports into it at the moments things are written; it measures, it never
/// decides anything (fault injection and measurement are separate).
final class ExchangeMeasurement {
    /// Monotonic time the request arrived.
    let arrivedAt: MonotonicInstant
    private(set) var status: Int?
    /// Logical chunks sent (one SSE event, one NDJSON line, or a whole plain body).
    private(set) var chunksSent = 0
    /// Body bytes of those chunks, before transfer framing.
    private(set) var bytesSent = 0
    private(set) var headAt: MonotonicInstant?
    private(set) var firstByteAt: MonotonicInstant?
    /// When each body write went out, as its time since arrival (the journal's form), the first
    /// ``JournalEntry/maximumRecordedWrites`` only.
    private var writeOffsets: [Duration] = []
    /// Body writes that went out (all of them, also beyond the recorded times).
    private(set) var writeCount = 0
    /// When the latest body write (or, before any, the head) went out; start of the current silence.
    private var lastSentAt: MonotonicInstant?
    /// Longest silence between the head and a body write or between two body writes so far.
    private var longestGap: Duration = .zero
    /// `Retry-After` and `retry-after-ms` as they went out in the response head.
    private(set) var sentRetryAfter: String?
    private(set) var sentRetryAfterMilliseconds: String?

    init(arrivedAt: MonotonicInstant) {
        self.arrivedAt = arrivedAt
    }

    /// The response head was decided (`status` and retry headers), and sent now unless `isHeld`
    /// (a head held back until the body length is known starts the silence when it really leaves).
    func headDecided(_ head: HTTPResponseHead, isHeld: Bool) {
        // One pass for the two fields read here (names compared only when the length fits).
        var retryAfter: String?
        var retryAfterMilliseconds: String?
        let fields = head.headers.fields
        for i in fields.indices {
            switch fields[i].name.utf8.count {
            case 11 where retryAfter == nil && fields[i].name.caseInsensitiveEquals("Retry-After"): retryAfter = fields[i].value
            case 14 where retryAfterMilliseconds == nil && fields[i].name.caseInsensitiveEquals("retry-after-ms"):
                retryAfterMilliseconds = fields[i].value
            default: break
            }
        }
        status = head.status.code
        sentRetryAfter = retryAfter
        sentRetryAfterMilliseconds = retryAfterMilliseconds
        headAt = .now()
        if !isHeld { lastSentAt = headAt }
    }

    /// A held-back head really went out now.
    func heldHeadSent() {
        lastSentAt = .now()
    }

    /// A logical chunk is about to go out (counted when `countsAsChunk`).
    func chunkStarted(byteCount: Int, countsAsChunk: Bool) {
        if firstByteAt == nil { firstByteAt = .now() }
        if countsAsChunk {
            chunksSent += 1
            bytesSent += byteCount
        }
    }

    /// A body write just went out: its time (bounded) and the silence before it.
    func bodyWritten() {
        let now = MonotonicInstant.now()
        writeCount += 1
        if writeOffsets.count < JournalEntry.maximumRecordedWrites { writeOffsets.append(sinceArrival(now)) }
        if let last = lastSentAt { longestGap = max(longestGap, last.duration(to: now)) }
        lastSentAt = now
    }

    /// The recorded body write times as offsets since arrival, handed over (none kept).
    func takeWriteOffsets() -> [Duration] {
        // Handed over as recorded: no second array per request.
        var offsets: [Duration] = []
        swap(&offsets, &writeOffsets)
        return offsets
    }

    /// When the head went out, since arrival; nil if it did not.
    var timeToHead: Duration? { headAt.map(sinceArrival) }

    /// When the first body byte went out, since arrival; nil if none did.
    var timeToFirstByte: Duration? { firstByteAt.map(sinceArrival) }

    /// The time from arrival to `instant` (zero if `instant` were earlier: the journal never shows a negative offset).
    func sinceArrival(_ instant: MonotonicInstant) -> Duration {
        instant > arrivedAt ? arrivedAt.duration(to: instant) : .zero
    }

    /// The longest silence after the head went out, counting the one from the last write to `end` (a stall the
    /// client sat through, or gave up on); nil if no head went out.
    func longestGap(until end: MonotonicInstant) -> Duration? {
        guard let last = lastSentAt else { return nil }
        return max(longestGap, last.duration(to: end), .zero)
    }
}
