import Foundation
import HTTPWire

/// Every failure the provider client reports: a stable ``Code`` plus the context needed to
/// explain it (endpoint, attempt, HTTP status, a capped body snippet, elapsed time, the timeout
/// that fired, errno).
///
/// Classification lives in one pure function, ``ErrorClassifier/classify(status:headers:body:)``
/// and ``ErrorClassifier/classify(_:)``; retry decisions read only ``code``, never messages.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// A stable, payload-free classification. Raw values are part of llmcheck's JSON output.
    public enum Code: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        // Reachability
        /// Nothing listens on the port (`ECONNREFUSED`).
        case connectionRefused
        /// No route to the host or network (`EHOSTUNREACH`, `ENETUNREACH`).
        case unreachable
        /// The host name did not resolve.
        case dnsFailure
        /// The connection was reset or closed before a response head arrived.
        case connectionReset
        /// The proxy named by the environment or configuration failed.
        case proxyFailure
        /// The TLS handshake or certificate check failed (or `https://` to a plain HTTP port).
        case tlsFailure
        // Timeouts
        /// TCP connect did not complete in time.
        case connectTimeout
        /// Connected, but the response head did not arrive in time.
        case headersTimeout
        /// The body stalled longer than the idle timeout between two chunks.
        case idleTimeout
        /// The whole request exceeded its total deadline.
        case totalTimeout
        // HTTP statuses
        /// 400 / 422 — the request was rejected.
        case badRequest
        /// 401 — missing or wrong API key.
        case unauthorized
        /// 403 — forbidden (Ollama's Origin/Host policy answers 403 with an empty body).
        case forbidden
        /// A 404 (or LM Studio 400) whose body says the model does not exist.
        case modelNotFound
        /// The route does not exist (`404 page not found`, LM Studio's 200 `Unexpected endpoint`).
        case endpointNotFound
        /// Any other 404.
        case notFound
        /// 408 from the server.
        case requestTimeout
        /// 409.
        case conflict
        /// 429 with a rate-limit body.
        case rateLimited
        /// 429 with `insufficient_quota` (billing, will not succeed on retry).
        case quotaExceeded
        /// The prompt does not fit the model's context.
        case contextLengthExceeded
        /// 500 or another 5xx without a more specific meaning.
        case serverError
        /// 503 / 529 / "server busy" / llama.cpp "Loading model".
        case overloaded
        /// 502, 504, 524 from a gateway or proxy.
        case gatewayError
        // Streams and bodies
        /// The provider sent an error inside a 200 stream (NDJSON `{"error"}`, SSE error event).
        case streamError
        /// Bytes that cannot be framed or decoded (bad JSON line, oversized line).
        case malformedStream
        /// A non-streaming body that cannot be decoded.
        case malformedResponse
        /// The stream ended without its terminator (`done:true`, finish chunk + `[DONE]`).
        case truncatedStream
        /// A content type that cannot be the answer (HTML page, text where JSON was expected).
        case unexpectedContentType
        /// A non-streamed body, or the answer a stream accumulated, exceeded the client's limit
        /// (``ProviderClientConfiguration/maximumResponseBytes``); reading stopped there.
        case responseTooLarge
        // Local
        /// The caller cancelled the request.
        case cancelled
        /// The base URL, key or option is invalid.
        case invalidConfiguration
        /// No provider could serve the request (failover exhausted).
        case noProviderAvailable
        /// Anything else.
        case unknown

        public var description: String { rawValue }

        /// Whether a request that failed with this code may succeed if sent again unchanged.
        ///
        /// Mirrors openai-python: connection errors and timeouts, 408, 409, 429 and 5xx. (The
        /// retry policy also checks the status and `x-should-retry`.)
        public var isRetryable: Bool {
            switch self {
            case .connectionRefused, .unreachable, .dnsFailure, .connectionReset, .proxyFailure,
                .connectTimeout, .headersTimeout, .requestTimeout, .conflict, .rateLimited, .quotaExceeded,
                .serverError, .overloaded, .gatewayError:
                true
            case .idleTimeout, .totalTimeout, .tlsFailure, .badRequest, .unauthorized, .forbidden, .modelNotFound,
                .endpointNotFound, .notFound, .contextLengthExceeded, .streamError, .malformedStream,
                .malformedResponse, .truncatedStream, .unexpectedContentType, .responseTooLarge, .cancelled, .invalidConfiguration,
                .noProviderAvailable, .unknown:
                false
            }
        }

        /// Whether the code describes a timeout.
        public var isTimeout: Bool {
            self == .connectTimeout || self == .headersTimeout || self == .idleTimeout || self == .totalTimeout
        }
    }

    public var code: Code
    /// A one-line explanation (provider message or transport text), secrets masked.
    public var message: String
    /// The endpoint, described with the key masked.
    public var endpoint: String?
    /// 1-based attempt number on which this error happened.
    public var attempt: Int?
    /// HTTP status, if a response head arrived.
    public var status: Int?
    /// The start of the response body (capped, see ``ProviderClientConfiguration/maximumErrorBodyBytes``).
    public var bodySnippet: String?
    /// The provider's own error code or type (`insufficient_quota`, `invalid_api_key`, …).
    public var providerCode: String?
    /// Time from the start of the attempt to the failure.
    public var elapsed: Duration?
    /// `errno` of the failing syscall, when the transport knows it.
    public var errno: Int32?
    /// The `Retry-After` hint in seconds, when the response had one.
    public var retryAfter: Double?
    /// The response's `x-request-id`, if any.
    public var requestID: String?

    public init(
        _ code: Code, _ message: String, endpoint: String? = nil, attempt: Int? = nil, status: Int? = nil,
        bodySnippet: String? = nil, providerCode: String? = nil, elapsed: Duration? = nil, errno: Int32? = nil,
        retryAfter: Double? = nil, requestID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.attempt = attempt
        self.status = status
        self.bodySnippet = bodySnippet
        self.providerCode = providerCode
        self.elapsed = elapsed
        self.errno = errno
        self.retryAfter = retryAfter
        self.requestID = requestID
    }

    /// Which timeout fired, if this is a timeout (`connect`, `headers`, `idle`, `total`).
    public var timeoutName: String? {
        switch code {
        case .connectTimeout: "connect"
        case .headersTimeout: "headers"
        case .idleTimeout: "idle"
        case .totalTimeout: "total"
        default: nil
        }
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        var context: [String] = []
        if let status { context.append("HTTP \(status)") }
        if let providerCode { context.append("provider code \(providerCode)") }
        if let endpoint { context.append(endpoint) }
        if let attempt { context.append("attempt \(attempt)") }
        if let elapsed { context.append(String(format: "after %.3f s", elapsed.secondsDouble)) }
        if let errno { context.append("errno \(errno)") }
        if !context.isEmpty { text += " (" + context.joined(separator: ", ") + ")" }
        return text
    }
}
