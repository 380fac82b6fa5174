import Foundation
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
    public static let noBackoff = Entry(
        id: "no-backoff", severity: .error,
        summary: "The client retried without backing off between attempts.",
        advice: "Sleep min(initial × 2^n, cap) × (1 − 0.25 × random) between attempts so a struggling server is not hammered."
    )
    public static let retryStorm = Entry(
        id: "retry-storm", severity: .error,
        summary: "The client made more attempts for one request than its retry policy allows.",
        advice: "Cap retries (openai-python: 2 after the first attempt) and count them per request, not per connection."
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

    public static let duplicateAfterSuccess = Entry(
        id: "duplicate-after-success", severity: .error,
        summary: "The client sent the same request again after it had already succeeded.",
        advice: "Stop once a response completed; a relay or retry wrapper that replays finished calls doubles cost and side effects."
    )
    public static let keptReadingAfterFailure = Entry(
        id: "kept-reading-after-failure", severity: .warning,
        summary: "The client stayed connected to a stream after it had already reported failure.",
        advice: "When you give up on a request (timeout, malformed data), close its connection so the server stops generating."
    )

    /// Every entry, in documentation order.
    public static let all: [Entry] = [
        retryAfterIgnored, nonRetryableRetried, noBackoff, retryStorm, gaveUpEarly, truncatedStreamAccepted,
        malformedChunkIgnored, noIdleTimeout, cancelledStreamKeptReading, keptReadingAfterFailure, duplicateAfterSuccess,
        secretToWrongHost,
    ]

    /// llmock's finding codes, accepted as aliases wherever a finding id is named.
    public static let llmockAliases: [String: String] = [
        "retry_after_ignored": "retry-after-ignored", "retried_non_retryable": "non-retryable-retried",
        "retry_storm": "retry-storm", "no_backoff": "no-backoff", "gave_up": "gave-up-early",
        "truncated_stream_accepted": "truncated-stream-accepted", "malformed_chunk_ignored": "malformed-chunk-ignored",
        "no_read_timeout": "no-idle-timeout",
    ]

    /// The canonical id for `name`: itself, an llmock alias, or the name with `_` read as `-`; nil if unknown.
    public static func canonicalID(_ name: String) -> String? {
        if allIDs.contains(name) { return name }
        if let alias = llmockAliases[name] { return alias }
        let dashed = name.replacingOccurrences(of: "_", with: "-")
        return allIDs.contains(dashed) ? dashed : nil
    }

    public static var allIDs: [String] { all.map(\.id) }

    /// A finding for `entry` with evidence.
    public static func finding(_ entry: Entry, message: String? = nil, evidence: [String]) -> Finding {
        Finding(id: entry.id, severity: entry.severity, message: message ?? entry.summary, advice: entry.advice, evidence: evidence)
    }
}
