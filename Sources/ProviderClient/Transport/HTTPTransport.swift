import HTTPWire

/// Moves one HTTP request and streams back what happens, with monotonic timestamps.
///
/// Implementations: ``RawSocketTransport`` (HTTPWire's raw HTTP/1.1 client, `http://`, exact
/// timings), ``URLSessionTransport`` (`https://`), and ``ScriptedTransport`` for tests.
///
/// Transports enforce ``TransportRequest/timeouts`` themselves and must not read the body far
/// ahead of their consumer (the raw transport waits when more than 1 MiB is unconsumed).
///
/// The stream yields ``TransportEvent/connected(at:remoteAddress:)`` (if the transport knows),
/// one ``TransportEvent/head(_:at:)``, any number of ``TransportEvent/body(_:at:)`` and then
/// ``TransportEvent/end(at:)``; failures are thrown as ``TransportError``. Terminating the stream
/// (cancelling the consuming task or dropping the iterator) must close the connection so the
/// server sees it and stops generating.
public protocol HTTPTransport: Sendable {
    func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error>

    /// Whether the transport emits ``TransportEvent/connected(at:remoteAddress:)``. When false, the
    /// connect timeout is folded into the headers timeout. Default true.
    var reportsConnectEvents: Bool { get }
}

/// One request as the transport sends it.
public struct TransportRequest: Sendable {
    public var method: HTTPMethod
    /// `http` or `https`.
    public var scheme: String
    /// Host name or IP literal (IPv6 without brackets).
    public var host: String
    public var port: UInt16
    /// Origin-form target (`/api/chat?x=1`).
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The four timeouts, which the transport enforces itself (the raw transport in its socket
    /// waits; the others with a ``TimedExchange`` watchdog), so they are enforced in one layer.
    public var timeouts: ProviderTimeouts
    /// The largest body accepted for a 2xx response (more fails with ``TransportError/Code/tooLarge``
    /// as soon as it is known, from `Content-Length` or while reading); nil for none (streams).
    public var maximumBodyBytes: Int?
    /// The proxy to go through, if any. For `http://` the raw transport connects to the proxy and
    /// sends the absolute-form target.
    public var proxy: ProxyTarget?

    public init(
        method: HTTPMethod, scheme: String, host: String, port: UInt16, target: String, headers: HTTPHeaders = [:],
        body: [UInt8] = [], timeouts: ProviderTimeouts = ProviderTimeouts(), maximumBodyBytes: Int? = nil, proxy: ProxyTarget? = nil
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.target = target
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.maximumBodyBytes = maximumBodyBytes
        self.proxy = proxy
    }

    /// `host:port` with IPv6 brackets, as used in `Host` headers and absolute URLs.
    public var authority: String {
        // A byte search: Foundation's String.contains bridges to NSString (a measurable part of a load request).
        let shownHost = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
        return isDefault ? shownHost : "\(shownHost):\(port)"
    }

    /// The absolute URL (`http://127.0.0.1:11434/api/chat`).
    public var url: String { "\(scheme)://\(authority)\(target)" }
}

/// What a transport reports while a request runs, each with the instant it happened.
public enum TransportEvent: Sendable {
    /// TCP (and TLS) connection established; the request is about to be written.
    case connected(at: MonotonicInstant, remoteAddress: String?)
    /// The response status line and headers arrived.
    case head(HTTPResponseHead, at: MonotonicInstant)
    /// A piece of the (de-chunked) body arrived.
    case body([UInt8], at: MonotonicInstant)
    /// The body is complete.
    case end(at: MonotonicInstant)
}

/// A transport-level failure with a stable code; mapped to ``ProviderError`` by the classifier.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case connectionRefused, unreachable, dnsFailure, connectionReset, connectTimeout, headersTimeout
        case idleTimeout, totalTimeout, tlsFailure, proxyFailure, protocolError, truncatedBody, cancelled, other
        /// The body exceeded ``TransportRequest/maximumBodyBytes``.
        case tooLarge
    }

    public var code: Code
    public var message: String
    public var errno: Int32?
    /// Whether any response byte had been received when the failure happened.
    public var receivedResponseBytes: Bool

    public init(_ code: Code, _ message: String, errno: Int32? = nil, receivedResponseBytes: Bool = false) {
        self.code = code
        self.message = message
        self.errno = errno
        self.receivedResponseBytes = receivedResponseBytes
    }

    public var description: String {
        "\(code.rawValue): \(message)" + (errno.map { " (errno \($0))" } ?? "")
    }
}

extension HTTPTransport {
    public var reportsConnectEvents: Bool { true }
}
