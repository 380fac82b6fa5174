import ProviderClient

/// Why a load request failed, as counted in reports (`errors`: class → count).
///
/// HTTP errors are counted by status (`http_429`, `http_500`…); broken streams each have a class of their own,
/// so a 200 response whose stream broke is never a success.
public enum LoadErrorClass {
    /// A stream chunk (SSE data, NDJSON line) or a non-streamed body that does not decode.
    public static let malformedChunk = "malformed_chunk"
    /// The stream ended without `data: [DONE]` / `"done":true`.
    public static let noTerminator = "no_terminator"
    /// The stream ended properly but no chunk carried a finish reason (`finish_reason` / `done_reason`).
    public static let noFinishReason = "no_finish_reason"
    /// The connection was reset or closed early.
    public static let reset = "reset"
    /// The provider reported an error inside a 200 stream.
    public static let midStreamError = "mid_stream_error"
    /// The response's Content-Type cannot be the answer (an HTML page, text for JSON).
    public static let wrongContentType = "wrong_content_type"
    /// Connect, headers, idle or total timeout.
    public static let timeout = "timeout"
    /// Nothing accepted the connection (refused, unreachable, DNS, TLS, proxy).
    public static let connectFailed = "connect_failed"
    /// The run was interrupted while the request was in flight (not counted as failed).
    public static let cancelled = "cancelled"

    /// Every stream class, in report order.
    public static let streamClasses = [malformedChunk, noTerminator, noFinishReason, reset, midStreamError, wrongContentType]

    /// The class of a failed request.
    public static func classify(_ error: ProviderError) -> String {
        if let status = error.status, status >= 400 { return "http_\(status)" }
        switch error.code {
        case .malformedStream, .malformedResponse: return malformedChunk
        case .truncatedStream: return noTerminator
        case .connectionReset: return reset
        case .streamError: return midStreamError
        case .unexpectedContentType: return wrongContentType
        case .connectTimeout, .headersTimeout, .idleTimeout, .totalTimeout: return timeout
        case .connectionRefused, .unreachable, .dnsFailure, .tlsFailure, .proxyFailure: return connectFailed
        case .cancelled: return cancelled
        default:
            if let status = error.status, !(200..<300).contains(status) { return "http_\(status)" }
            return error.code.rawValue
        }
    }

    /// Whether a class counts as a failure (everything but ``cancelled``).
    public static func isFailure(_ errorClass: String) -> Bool { errorClass != cancelled }
}
