import HTTPWire

/// One attempt of a request, as the retry loop saw it. Read it from ``ChatResult/attempts`` or
/// from ``ProviderClient/lastAttempts()`` after a failure.
public struct AttemptRecord: Sendable, Hashable, CustomStringConvertible {
    /// 1-based attempt number.
    public var number: Int
    /// When the attempt started.
    public var started: MonotonicInstant
    /// When the attempt ended.
    public var ended: MonotonicInstant
    /// How long the attempt took.
    public var duration: Duration { started.duration(to: ended) }
    /// `ok`, or the failure code.
    public var outcome: String
    /// HTTP status, if a head arrived.
    public var status: Int?
    /// Delay chosen before the next attempt (seconds), nil if no retry followed.
    public var delayBeforeNext: Double?
    /// Why the policy retried or stopped.
    public var reason: String?

    public init(number: Int, started: MonotonicInstant, ended: MonotonicInstant, outcome: String, status: Int? = nil, delayBeforeNext: Double? = nil, reason: String? = nil) {
        self.number = number
        self.started = started
        self.ended = ended
        self.outcome = outcome
        self.status = status
        self.delayBeforeNext = delayBeforeNext
        self.reason = reason
    }

    public var description: String {
        var text = "attempt \(number): \(outcome)"
        if let status { text += " (HTTP \(status))" }
        if let delayBeforeNext { text += ", retry in \(RetryPolicy.format(delayBeforeNext)) s" }
        if let reason { text += " — \(reason)" }
        return text
    }
}
