import HTTPWire
import MockProviders

// MARK: - ObservedExchange

/// One request as a mock server saw it (its journal entry), in the neutral form the verdicts judge.
///
/// Times are ``HTTPWire/MonotonicInstant``s, comparable with the runner's own.
public struct ObservedExchange: Sendable, Hashable {
    /// How the exchange ended, from the server's side.
    public enum Ending: Sendable, Hashable {
        /// The response was written in full.
        case completed
        /// The client closed the connection after `chunks` body chunks had been written.
        case clientClosed(chunks: Int)
        /// The server closed early or cut the body on purpose (a fault) after `chunks` chunks.
        case serverClosed(chunks: Int)
        /// The connection was reset (by a fault or by the peer).
        case reset(chunks: Int)
        /// Still open when the journal was read (server stopped with it in flight).
        case unfinished(chunks: Int)
    }

    /// A fault the mock applied to this exchange, reduced to what verdicts need: the fault table's own
    /// category (``MockProviders/FaultSpec/Effect``), so there is one list of effects.
    public typealias FaultEffect = FaultSpec.Effect

    /// Name of the scenario server that saw the exchange.
    public var server: String
    /// 1-based order of arrival at that server.
    public var sequence: Int
    public var connectionID: Int
    public var method: String
    public var path: String
    /// Harness correlation: `X-LLMCheck-Scenario`, when the client sent it.
    public var scenarioID: String?
    /// Harness correlation: `X-LLMCheck-Request` (step and request index, e.g. `s0.r1`), when the client sent it.
    public var requestID: String?
    /// Harness correlation: `X-LLMCheck-Attempt` (1-based), when the client sent it (the real client through
    /// `ProviderClientConfiguration.attemptHeaderName`, the misbehaving client always).
    public var attemptNumber: Int?
    /// `X-Test-Id`, when the client sent it (test isolation; `LLMCHECK_TEST_ID` for command clients).
    public var testID: String?
    /// The client's own request identity, `X-Request-ID` or `Idempotency-Key`, when it sent one (the same value on
    /// every attempt of one request for clients that set it, e.g. openai-python's idempotency key).
    public var clientRequestID: String?
    /// Fingerprint of the request body, when the mock recorded one (same body = same request, for clients that send
    /// no request id).
    public var bodyFingerprint: UInt64?
    /// The credential presented (`Authorization`, `x-api-key`, `api-key`), masked as the journal recorded it.
    public var credential: String?
    /// When the request had been read.
    public var receivedAt: MonotonicInstant
    /// When the exchange ended (response done, closed or reset); nil if unknown.
    public var endedAt: MonotonicInstant?
    /// Response status, if a head was sent.
    public var status: Int?
    /// The delay the `retry-after-ms` / `Retry-After` header the mock actually sent asked for, in ms.
    public var retryAfterMilliseconds: Double?
    /// The `x-should-retry` header the server sent, if any (it overrides the status rules).
    public var shouldRetry: Bool?
    /// Faults applied.
    public var faults: [FaultEffect]
    /// Longest time the client stayed connected without being sent a byte after the head, in ms, as the mock
    /// measured it between its body writes (and from the last write to the end of the exchange).
    public var longestSilenceMilliseconds: Double?
    /// Body chunks written (stream events for streams).
    public var chunksSent: Int
    public var ending: Ending

    public init(
        server: String, sequence: Int, connectionID: Int = 0, method: String = "POST", path: String,
        scenarioID: String? = nil, requestID: String? = nil, attemptNumber: Int? = nil, testID: String? = nil, clientRequestID: String? = nil, bodyFingerprint: UInt64? = nil, credential: String? = nil, receivedAt: MonotonicInstant,
        endedAt: MonotonicInstant? = nil, status: Int? = nil, retryAfterMilliseconds: Double? = nil, shouldRetry: Bool? = nil, faults: [FaultEffect] = [],
        longestSilenceMilliseconds: Double? = nil, chunksSent: Int = 0, ending: Ending = .completed
    ) {
        self.server = server
        self.sequence = sequence
        self.connectionID = connectionID
        self.method = method
        self.path = path
        self.scenarioID = scenarioID
        self.requestID = requestID
        self.attemptNumber = attemptNumber
        self.testID = testID
        self.clientRequestID = clientRequestID
        self.bodyFingerprint = bodyFingerprint
        self.credential = credential
        self.receivedAt = receivedAt
        self.endedAt = endedAt
        self.status = status
        self.retryAfterMilliseconds = retryAfterMilliseconds
        self.shouldRetry = shouldRetry
        self.faults = faults
        self.longestSilenceMilliseconds = longestSilenceMilliseconds
        self.chunksSent = chunksSent
        self.ending = ending
    }

    /// Whether a well-behaved client may retry after this exchange (openai-python rules): 408, 409, 429, ≥ 500,
    /// or a connection failure before any response head.
    public var isRetryableFailure: Bool {
        if let shouldRetry { return shouldRetry }
        if let status {
            return status == 408 || status == 409 || status == 429 || status >= 500
        }
        switch ending {
        case .reset, .serverClosed: return true
        default: return false
        }
    }

    /// Whether the response was a client error that must not be retried (400, 401, 403, 404, 422).
    public var isNonRetryableStatus: Bool {
        guard let status, shouldRetry != true else { return false }
        return [400, 401, 403, 404, 422].contains(status)
    }

    /// Whether the body was cut short on purpose (a stream the client must not accept).
    public var wasTruncated: Bool {
        // Only a stream that started (a 2xx head went out) can be truncated; a reset before the head is a
        // connection failure, judged by the retry rules.
        guard let status, (200..<300).contains(status) else { return false }
        if faults.contains(.truncate) || faults.contains(.reset) { return true }
        switch ending {
        case .serverClosed, .reset: return true
        default: return false
        }
    }
}
