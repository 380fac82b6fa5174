import Foundation
import HTTPWire
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one place where responses and failures become ``ProviderError/Code``s.
///
/// Pure functions: the same input always gives the same code. Provider error codes and types
/// (`insufficient_quota`, `model_not_found`, `authentication_error`) are checked before message
/// text, and message text before the bare HTTP status (docs/failures.md Appendix B order).
public enum ErrorClassifier {
    /// What an error body said, in a provider-neutral shape.
    public struct ErrorBody: Sendable, Hashable {
        /// The human message (`error`, `error.message`, `message` or `detail`), or the text body.
        public var message: String
        /// `error.code` (string or number) or `error.type`, whichever is more specific.
        public var providerCode: String?
        /// `error.type`.
        public var type: String?
        /// Whether the body was JSON with an error shape at all.
        public var isStructured: Bool
    }

    // MARK: - Bodies

    /// Extracts the error from a body: Ollama `{"error":"…"}`, OpenAI `{"error":{message,type,code}}`,
    /// vLLM `{"object":"error","message":…}`, FastAPI `{"detail":…}`, or plain text / empty.
    public static func errorBody(from bytes: [UInt8]) -> ErrorBody {
        if let json = try? JSONValue.parse(bytes), let body = errorBody(from: json) { return body }
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return ErrorBody(message: text, providerCode: nil, type: nil, isStructured: false)
    }

    /// Extracts the error from a JSON value; nil if it carries no error.
    public static func errorBody(from json: JSONValue) -> ErrorBody? {
        if let error = json["error"], !error.isNull, error != .bool(false) {
            if let text = error.stringValue { return ErrorBody(message: text, providerCode: nil, type: nil, isStructured: true) }
            let message = error["message"]?.stringValue ?? error.serialized()
            let type = error["type"]?.stringValue
            var code = error["code"]?.stringValue ?? error["code"]?.intValue.map(String.init)
            if code == nil || Int(code ?? "") != nil, let type { code = type }
            return ErrorBody(message: message, providerCode: code, type: type, isStructured: true)
        }
        if json["object"]?.stringValue == "error", let message = json["message"]?.stringValue {
            let type = json["type"]?.stringValue
            return ErrorBody(message: message, providerCode: json["code"]?.stringValue ?? type, type: type, isStructured: true)
        }
        if let detail = json["detail"] {
            return ErrorBody(message: detail.stringValue ?? detail.serialized(), providerCode: nil, type: nil, isStructured: true)
        }
        return nil
    }

    // MARK: - Responses

    /// Classifies an HTTP response that carries an error (status ≥ 400, or a 2xx with an error body).
    public static func classify(status: Int, body: ErrorBody) -> ProviderError.Code {
        if let code = classify(providerCode: body.providerCode) ?? classify(providerCode: body.type) { return code }
        if let code = classify(message: body.message, status: status) { return code }
        switch status {
        case 200..<300: return .streamError
        case 400, 422: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405, 501: return .endpointNotFound
        case 407: return .proxyFailure
        case 408: return .requestTimeout
        case 409: return .conflict
        case 413: return .badRequest
        case 429: return .rateLimited
        case 503, 529: return .overloaded
        case 502, 504, 520..<530: return .gatewayError
        case 500..<600: return .serverError
        default: return .unknown
        }
    }

    /// The code implied by a provider's `error.code` / `error.type`, if it is specific.
    public static func classify(providerCode: String?) -> ProviderError.Code? {
        switch providerCode?.lowercased() {
        case "insufficient_quota", "billing_hard_limit_reached": .quotaExceeded
        case "rate_limit_exceeded", "tokens", "requests", "rate_limit_error": .rateLimited
        case "invalid_api_key", "authentication_error", "invalid_authentication", "unauthorized": .unauthorized
        case "permission_denied", "permission_error", "unsupported_country_region_territory": .forbidden
        case "model_not_found": .modelNotFound
        case "context_length_exceeded", "exceed_context_size_error", "string_above_max_length": .contextLengthExceeded
        case "unavailable_error", "server_busy", "overloaded_error": .overloaded
        default: nil
        }
    }

    /// The code implied by well-known message texts (case-insensitive), if any.
    public static func classify(message: String, status: Int) -> ProviderError.Code? {
        let text = message.lowercased()
        func has(_ needle: String) -> Bool { text.contains(needle) }
        if has("unexpected endpoint or method") || text.hasPrefix("404 page not found") || text.hasPrefix("405 method not allowed")
            || has("invalid url (")
        {
            return .endpointNotFound
        }
        if has("maximum context length") || has("context length") || has("exceeds the available context size")
            || has("context window") || has("too many tokens")
        {
            return .contextLengthExceeded
        }
        if has("insufficient_quota") || has("exceeded your current quota") { return .quotaExceeded }
        if has("try pulling it first") || has("invalid model identifier") || has("no models loaded")
            || (has("model") && (has("not found") || has("does not exist")))
        {
            return .modelNotFound
        }
        if has("server busy") || has("maximum pending requests") || has("no slots available") || has("loading model")
            || has("overloaded")
        {
            return .overloaded
        }
        if has("rate limit") { return .rateLimited }
        if has("invalid api key") || has("incorrect api key") { return .unauthorized }
        return nil
    }

    // MARK: - Failures

    /// Classifies a thrown error: ``ProviderError`` (kept), ``TransportError``, `FramingError`,
    /// `JSONParseError`, `CancellationError`, `URLError`.
    public static func classify(_ error: any Error) -> ProviderError.Code {
        switch error {
        case let error as ProviderError: return error.code
        case let error as TransportError: return classify(transport: error.code)
        case is FramingError: return .malformedStream
        case is JSONParseError: return .malformedStream
        case is CancellationError: return .cancelled
        case let error as URLError: return classify(urlError: error.code)
        default: return .unknown
        }
    }

    /// Maps a transport code to a provider code.
    public static func classify(transport code: TransportError.Code) -> ProviderError.Code {
        switch code {
        case .connectionRefused: .connectionRefused
        case .unreachable: .unreachable
        case .dnsFailure: .dnsFailure
        case .connectionReset: .connectionReset
        case .connectTimeout: .connectTimeout
        case .headersTimeout: .headersTimeout
        case .idleTimeout: .idleTimeout
        case .totalTimeout: .totalTimeout
        case .tlsFailure: .tlsFailure
        case .proxyFailure: .proxyFailure
        case .protocolError: .malformedResponse
        case .tooLarge: .responseTooLarge
        case .truncatedBody: .truncatedStream
        case .cancelled: .cancelled
        case .other: .unknown
        }
    }

    /// Maps a Foundation `URLError` code.
    public static func classify(urlError code: URLError.Code) -> ProviderError.Code {
        switch code {
        case .cannotConnectToHost: .connectionRefused
        case .cannotFindHost, .dnsLookupFailed: .dnsFailure
        case .notConnectedToInternet, .internationalRoamingOff, .dataNotAllowed: .unreachable
        case .networkConnectionLost: .connectionReset
        case .timedOut: .headersTimeout
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            .tlsFailure
        case .cancelled: .cancelled
        case .badServerResponse, .cannotParseResponse: .malformedResponse
        case .userAuthenticationRequired, .userCancelledAuthentication: .unauthorized
        default: .unknown
        }
    }
}
