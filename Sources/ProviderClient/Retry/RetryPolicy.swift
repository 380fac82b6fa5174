import Foundation
import HTTPWire

/// When and how long to wait before sending a failed request again (openai-python parity).
///
/// * Retried: connection errors and timeouts before a response, and statuses 408, 409, 429 and
///   ≥ 500. `x-should-retry: true|false` overrides the status rule.
/// * Never retried once any response content has been delivered to the caller.
/// * Delay: `retry-after-ms`, then `retry-after` (seconds, or an HTTP date). With
///   ``RetryAfterRule-swift.enum/openAIPython3`` (default, openai-python ≥ 3) a hint in
///   `0 < hint ≤ 120 s` is slept exactly and a larger hint means *do not retry*; with
///   ``RetryAfterRule-swift.enum/openAIPython1`` (1.x/2.x) a hint in `0 < hint ≤ 60 s` is used
///   and anything else falls back to backoff. Backoff is `min(0.5·2ⁿ, 8)·(1 − 0.25·random)`.
public struct RetryPolicy: Sendable {
    /// How `Retry-After` hints outside the accepted range are treated.
    public enum RetryAfterRule: Sendable, Hashable {
        /// openai-python ≥ 3: use hints up to ``RetryPolicy/maximumRetryAfter`` (120 s); give up beyond.
        case openAIPython3
        /// openai-python 1.x/2.x: use hints up to 60 s; otherwise back off and retry anyway.
        case openAIPython1
    }

    /// Retries after the first attempt. Default 2 (3 attempts in total).
    public var maxRetries: Int
    /// First backoff delay. Default 0.5 s.
    public var initialDelay: Double
    /// Largest backoff delay. Default 8 s.
    public var maximumDelay: Double
    /// Largest accepted server hint in seconds. Default 120 (openai-python 3); 60 with `.openAIPython1`.
    public var maximumRetryAfter: Double
    /// Default `.openAIPython3`.
    public var retryAfterRule: RetryAfterRule
    /// Whether 429 `insufficient_quota` is retried. Default true (openai-python retries it, although it cannot succeed).
    public var retriesQuotaExceeded: Bool

    public init(
        maxRetries: Int = 2, initialDelay: Double = 0.5, maximumDelay: Double = 8, maximumRetryAfter: Double? = nil,
        retryAfterRule: RetryAfterRule = .openAIPython3, retriesQuotaExceeded: Bool = true
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.retryAfterRule = retryAfterRule
        self.maximumRetryAfter = maximumRetryAfter ?? (retryAfterRule == .openAIPython3 ? 120 : 60)
        self.retriesQuotaExceeded = retriesQuotaExceeded
    }

    /// openai-python's defaults.
    public static let `default` = RetryPolicy()
    /// No retries at all.
    public static let none = RetryPolicy(maxRetries: 0)

    /// The outcome of asking the policy about one failure.
    public struct Decision: Sendable, Hashable {
        /// Whether to send the request again.
        public var shouldRetry: Bool
        /// How long to wait first (seconds), when retrying.
        public var delay: Double
        /// Why, in words (`retry-after-ms 1500`, `backoff n=1`, `status 400 is not retried`, …).
        public var reason: String
    }

    /// Decides about a failed attempt.
    ///
    /// - Parameters:
    ///   - code: the classified failure.
    ///   - status: the HTTP status if a response head arrived.
    ///   - headers: the response headers (for `x-should-retry` and `retry-after*`).
    ///   - retriesTaken: retries already made (0 after the first attempt).
    ///   - contentDelivered: whether any content reached the caller (then never retry).
    ///   - now: the current wall-clock time, for HTTP-date hints.
    ///   - random: a number in `0..<1` for jitter.
    public func decide(
        code: ProviderError.Code, status: Int?, headers: HTTPHeaders?, retriesTaken: Int, contentDelivered: Bool,
        now: Date, random: Double
    ) -> Decision {
        if contentDelivered { return Decision(shouldRetry: false, delay: 0, reason: "content was already delivered") }
        if code == .cancelled { return Decision(shouldRetry: false, delay: 0, reason: "cancelled") }
        if retriesTaken >= maxRetries {
            return Decision(shouldRetry: false, delay: 0, reason: "no retries left (\(maxRetries) allowed)")
        }
        let hint = headers.flatMap { Self.retryAfter(from: $0, now: now) }
        let retryable: Bool
        var why: String
        if let status {
            if retryAfterRule == .openAIPython3, let hint, hint.seconds.isFinite, hint.seconds > maximumRetryAfter {
                return Decision(shouldRetry: false, delay: 0, reason: "\(hint.source) \(Self.format(hint.seconds)) s exceeds \(Self.format(maximumRetryAfter)) s")
            }
            let header = headers?["x-should-retry"]
            if header == "true" {
                retryable = true
                why = "x-should-retry: true"
            } else if header == "false" {
                retryable = false
                why = "x-should-retry: false"
            } else {
                retryable = status == 408 || status == 409 || status == 429 || status >= 500
                why = "status \(status)"
                if retryable, code == .quotaExceeded, !retriesQuotaExceeded {
                    return Decision(shouldRetry: false, delay: 0, reason: "insufficient_quota is not retried")
                }
            }
        } else {
            retryable = code.isRetryable
            why = code.rawValue
        }
        guard retryable else { return Decision(shouldRetry: false, delay: 0, reason: "\(why) is not retried") }
        let upper = retryAfterRule == .openAIPython3 ? maximumRetryAfter : min(60, maximumRetryAfter)
        if let hint, hint.seconds > 0, hint.seconds <= upper {
            return Decision(shouldRetry: true, delay: hint.seconds, reason: "\(why); \(hint.source) \(Self.format(hint.seconds)) s")
        }
        let delay = backoff(retriesTaken: retriesTaken, random: random)
        return Decision(shouldRetry: true, delay: delay, reason: "\(why); backoff n=\(retriesTaken) \(Self.format(delay)) s")
    }

    /// `min(initial·2ⁿ, maximum)·(1 − 0.25·random)`.
    public func backoff(retriesTaken: Int, random: Double) -> Double {
        let base = min(initialDelay * pow(2, Double(min(retriesTaken, 30))), maximumDelay)
        return base * (1 - 0.25 * min(max(random, 0), 1))
    }

    /// The server's retry hint in seconds: `retry-after-ms` (float ms), then `retry-after` as float
    /// seconds, then as an HTTP date minus `now`.
    public static func retryAfter(from headers: HTTPHeaders, now: Date) -> (seconds: Double, source: String)? {
        if let text = headers["retry-after-ms"], let ms = Double(text.trimmingSpaces()), ms.isFinite {
            return (ms / 1000, "retry-after-ms")
        }
        guard let text = headers["retry-after"]?.trimmingSpaces() else { return nil }
        if let seconds = Double(text), seconds.isFinite { return (seconds, "retry-after") }
        if let date = httpDate(text) { return (date.timeIntervalSince(now), "retry-after date") }
        return nil
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) or RFC 850 date.
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
