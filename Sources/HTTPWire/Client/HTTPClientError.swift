/// A failed exchange of ``RawHTTPClient``, with a stable code and everything known so far.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// A payload-free classification, stable across platforms.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The URL or request could not be used (not `http://`, bad host).
        case invalidRequest
        /// `getaddrinfo` failed (unknown host, no DNS).
        case nameResolution
        /// Every address refused the connection (nothing listening).
        case connectionRefused
        /// Connecting took longer than ``HTTPClientTimeouts/connect`` on every address.
        case connectTimeout
        /// Host or network unreachable.
        case unreachable
        /// Connecting failed for another reason (see ``errno``).
        case connectFailed
        /// The server reset the connection (RST), or writing the request failed.
        case connectionReset
        /// The server closed the connection before a complete response head.
        case connectionClosed
        /// No response head within ``HTTPClientTimeouts/headers``.
        case headersTimeout
        /// No body bytes for ``HTTPClientTimeouts/idle``.
        case idleTimeout
        /// The exchange exceeded ``HTTPClientTimeouts/total``.
        case totalTimeout
        /// The bytes are not valid HTTP/1.x.
        case malformedResponse
        /// The connection closed inside the body (short of Content-Length, no last chunk).
        case truncatedBody
        /// The caller cancelled (stream dropped or task cancelled).
        case cancelled
        /// The body exceeded the client's size limit.
        case tooLarge
    }

    public var code: Code
    /// What happened, in one sentence.
    public var message: String
    /// The timeline up to the failure.
    public var timeline: HTTPTimeline
    /// The address involved (the connected one, or the last tried).
    public var address: SocketAddress?
    /// The host as requested.
    public var host: String?
    /// The errno / `EAI_*` code behind the failure, if any.
    public var errno: Int32?
    /// The socket error behind the failure, if any.
    public var socketError: SocketError?
    /// The parse error behind a malformed or truncated response.
    public var parseError: HTTPResponseParseError?
    /// For timeouts: the configured limit that fired.
    public var timeout: Duration?
    /// For timeouts: how long the exchange had waited when it fired.
    public var waited: Duration?
    /// The response head, if it arrived before the failure.
    public var responseHead: HTTPResponseHead?
    /// The last bytes received (quoted, ≤ ~200 bytes), for diagnosis.
    public var snippet: String?

    public init(_ code: Code, _ message: String, timeline: HTTPTimeline) {
        self.code = code
        self.message = message
        self.timeline = timeline
    }

    /// Whether the failure happened before any response byte (safe to retry an idempotent request).
    public var isBeforeResponse: Bool { responseHead == nil && timeline.headersReceived == nil }

    /// Whether the code is one of the three timeouts after connect, or the connect timeout.
    public var isTimeout: Bool {
        [.connectTimeout, .headersTimeout, .idleTimeout, .totalTimeout].contains(code)
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let address { text += " [\(address)]" } else if let host { text += " [\(host)]" }
        if let errno, errno != 0 { text += " (errno \(errno))" }
        if let snippet, !snippet.isEmpty, parseError == nil { text += " — last bytes \(snippet)" }
        return text
    }
}
