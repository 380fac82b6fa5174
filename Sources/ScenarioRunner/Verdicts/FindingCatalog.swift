import Reporting

// MARK: - FindingCatalog

/// Every client-behaviour finding the verdicts can produce, with llmock-compatible meaning and advice.
public enum FindingCatalog {
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var severity: Finding.Severity
        public var summary: String
        public var advice: String
    }

    public static let retryAfterIgnored = Entry(
        id: "retry-after-ignored", severity: .error,
        summary: "The client retried sooner than the server's Retry-After asked.",
        advice: "Read `retry-after-ms` first, then `retry-after` (seconds or HTTP-date), and sleep at least that long before the next attempt; give up when the hint exceeds your cap."
    )
    public static let nonRetryableRetried = Entry(
        id: "non-retryable-retried", severity: .error,
        summary: "The client retried a request whose error cannot be fixed by retrying (400/401/403/404/422).",
        advice: "Retry only connection errors, timeouts, 408, 409, 429 and ≥ 500 (openai-python rules); surface authentication and not-found errors to the caller at once."
    )
    public static let retryStorm = Entry(
        id: "retry-storm", severity: .error,
        summary: "The client retried without backing off between attempts.",
        advice: "Sleep min(initial × 2^n, cap) × (1 − 0.25 × random) between attempts so a struggling server is not hammered."
    )
    public static let gaveUpEarly = Entry(
        id: "gave-up-early", severity: .warning,
        summary: "The client gave up on a retryable failure while retries remained.",
        advice: "Keep retrying 429/5xx and connection failures until the configured retries are used (unless Retry-After exceeds your cap or x-should-retry says false)."
    )
    public static let truncatedStreamAccepted = Entry(
        id: "truncated-stream-accepted", severity: .error,
        summary: "The client accepted a stream that ended without its terminator as a complete answer.",
        advice: "Treat a stream as complete only after `data: [DONE]` (SSE) or an object with `done: true` (NDJSON); an earlier end of the connection is an error."
    )
    public static let malformedChunkIgnored = Entry(
        id: "malformed-chunk-ignored", severity: .error,
        summary: "The client silently skipped a stream event that does not parse.",
        advice: "Raise a malformed-stream error when an event's data is not valid JSON instead of dropping it; silent drops lose answer text."
    )
    public static let noIdleTimeout = Entry(
        id: "no-idle-timeout", severity: .error,
        summary: "The client waited on a stalled stream far longer than its idle timeout.",
        advice: "Apply an idle (read) timeout that restarts on every received chunk, and close the connection when it fires."
    )
    public static let cancelledStreamKeptReading = Entry(
        id: "cancelled-stream-kept-reading", severity: .error,
        summary: "The client kept reading a stream after it was cancelled.",
        advice: "On cancellation, close the connection (shutdown the socket / cancel the task) so the server stops generating."
    )
    public static let secretToWrongHost = Entry(
        id: "secret-to-wrong-host", severity: .error,
        summary: "The client sent an API key to a server it was not configured for.",
        advice: "Bind each credential to its provider's base URL; during failover build the next request's headers from that provider's own settings."
    )

    /// Every entry, in documentation order.
    public static let all: [Entry] = [
        retryAfterIgnored, nonRetryableRetried, retryStorm, gaveUpEarly, truncatedStreamAccepted,
        malformedChunkIgnored, noIdleTimeout, cancelledStreamKeptReading, secretToWrongHost,
    ]

    public static var allIDs: [String] { all.map(\.id) }

    /// A finding for `entry` with evidence.
    public static func finding(_ entry: Entry, message: String? = nil, evidence: [String]) -> Finding {
        Finding(id: entry.id, severity: entry.severity, message: message ?? entry.summary, advice: entry.advice, evidence: evidence)
    }
}
