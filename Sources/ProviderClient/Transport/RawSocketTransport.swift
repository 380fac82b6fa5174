import HTTPWire

/// The `http://` transport on HTTPWire's raw HTTP/1.1 client: one fresh connection per request
/// on a dedicated thread, every body piece reported as read, with connect attempts per address.
///
/// Through a proxy, it connects to the proxy and sends the absolute-form target
/// (`GET http://host:port/path HTTP/1.1`) with the origin's `Host` and, when the proxy URL had
/// credentials, `Proxy-Authorization`. Terminating the stream shuts the socket.
///
/// The connection enforces every timeout itself (connect per address, headers, idle, total) and
/// reads at most 1 MiB ahead of the consumer (``RawHTTPClient/stream(_:mapError:_:)``).
public struct RawSocketTransport: HTTPTransport {
    /// A shared instance (the transport holds no state).
    public static let shared = RawSocketTransport()

    /// The largest error body read before the rest is dropped. Default 1 MiB.
    public var maximumErrorBodyBytes: Int

    public init(maximumErrorBodyBytes: Int = 1 << 20) {
        self.maximumErrorBodyBytes = maximumErrorBodyBytes
    }

    public func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        guard request.scheme == "http" else {
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
            continuation.finish(throwing: TransportError(.tlsFailure, "the raw-socket transport speaks plain http:// only; use URLSessionTransport for \(request.scheme)://"))
            return stream
        }
        var headers = request.headers
        var host = request.host
        var port = request.port
        var target = request.target
        if let proxy = request.proxy {
            host = proxy.host
            port = proxy.port
            target = request.url
            headers.replaceOrAdd(name: "Host", value: request.authority)
            if let authorization = proxy.authorizationHeader { headers.replaceOrAdd(name: "Proxy-Authorization", value: authorization) }
        } else if !headers.contains("Host") {
            headers.replaceOrAdd(name: "Host", value: request.authority)
        }
        let options = HTTPClientOptions(
            timeouts: request.timeouts, maximumBodyBytes: request.maximumBodyBytes, maximumErrorBodyBytes: maximumErrorBodyBytes)
        let connection = HTTPClientConnection(
            request: HTTPClientRequest(method: request.method, host: host, port: port, target: target, headers: headers, body: request.body),
            options: options)
        let viaProxy = request.proxy
        return RawHTTPClient.stream(connection, mapError: { error in
            guard let error = error as? HTTPClientError else { return TransportError(.other, "\(error)") }
            return Self.transportError(error, proxy: viaProxy)
        }) { event -> TransportEvent? in
            switch event {
            case .connected(let attempts):
                let last = attempts.last
                return .connected(at: last?.end ?? .now(), remoteAddress: last.map { "\($0.address)" })
            case .informational:
                return nil
            case .head(let head, let at):
                return .head(head, at: at)
            case .body(let bytes, let at):
                return .body(bytes, at: at)
            case .end(let timeline):
                return .end(at: timeline.end ?? .now())
            }
        }
    }

    /// Maps HTTPWire's client error to a ``TransportError``; connect-phase failures through a
    /// proxy become `.proxyFailure`.
    static func transportError(_ error: HTTPClientError, proxy: ProxyTarget?) -> TransportError {
        let code: TransportError.Code
        switch error.code {
        case .invalidRequest: code = .other
        case .nameResolution: code = .dnsFailure
        case .connectionRefused: code = .connectionRefused
        case .connectTimeout: code = .connectTimeout
        case .unreachable, .connectFailed: code = .unreachable
        case .connectionReset, .connectionClosed: code = .connectionReset
        case .headersTimeout: code = .headersTimeout
        case .idleTimeout: code = .idleTimeout
        case .totalTimeout: code = .totalTimeout
        case .malformedResponse: code = .protocolError
        case .tooLarge: code = error.responseHead == nil && error.parseError != nil ? .protocolError : .tooLarge
        case .truncatedBody: code = .truncatedBody
        case .cancelled: code = .cancelled
        }
        var message = error.message
        let attempts = error.timeline.connectAttempts
        if attempts.count > 1 { message += " (tried " + attempts.map { "\($0)" }.joined(separator: "; ") + ")" }
        let received = error.responseHead != nil || error.timeline.headersReceived != nil
        if let proxy, [.dnsFailure, .connectionRefused, .connectTimeout, .unreachable].contains(code) {
            return TransportError(.proxyFailure, "proxy \(proxy): \(message)", errno: error.errno, receivedResponseBytes: received)
        }
        return TransportError(code, message, errno: error.errno, receivedResponseBytes: received)
    }
}
