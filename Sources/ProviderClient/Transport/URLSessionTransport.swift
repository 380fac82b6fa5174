import Foundation
import HTTPWire
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `https://` transport: one long-lived `URLSession` with a session-level data delegate that
/// streams bytes as they arrive (`bytes(for:)` does not exist on Linux, and
/// `AsyncBytes.lines` drops the blank lines SSE needs).
///
/// Callbacks arrive on one serial `OperationQueue`, so every stream's `finish` follows its last
/// `yield`. Redirects are not followed (the 3xx is returned, as the raw transport does). The
/// session is created once and never invalidated (per-request sessions leak on Linux).
/// Proxies: on Linux, FoundationNetworking's libcurl reads the proxy variables itself.
public final class URLSessionTransport: NSObject, HTTPTransport, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: NSObject subclass; all mutable state lives in `state` (a LockedValue) and
    // delegate callbacks run on `queue`.
    private struct Stream {
        var continuation: AsyncThrowingStream<TransportEvent, any Error>.Continuation
        var sawHead = false
    }

    /// The shared instance (one session for the whole process).
    public static let shared = URLSessionTransport()

    private struct State {
        var streams: [Int: Stream] = [:]
        var session: URLSession?
    }

    private let state = LockedValue(State())
    private let queue: OperationQueue

    /// Whether an `https://` request to a local or private host first checks that the port speaks
    /// TLS (``PlainHTTPPortCheck``), so a plain-HTTP port fails in seconds with "use http://"
    /// instead of waiting for the headers timeout. Default true.
    public let checksPlainHTTPPorts: Bool

    public init(checksPlainHTTPPorts: Bool = true) {
        self.checksPlainHTTPPorts = checksPlainHTTPPorts
        queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "llmcheck.URLSessionTransport"
        super.init()
    }

    public var reportsConnectEvents: Bool { false }

    private var session: URLSession {
        state.withLock { state in
            if let session = state.session { return session }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.urlCache = nil
            configuration.httpCookieStorage = nil
            configuration.timeoutIntervalForResource = 7 * 24 * 3600
            let created = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
            state.session = created
            return created
        }
    }

    public func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
        guard let url = URL(string: request.url) else {
            continuation.finish(throwing: TransportError(.other, "invalid URL \(request.url)"))
            return stream
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method.rawValue
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        // URLSession's timeout is an idle interval; the TimedExchange watchdog enforces the real ones.
        let longest = [request.timeouts.headers, request.timeouts.idle, request.timeouts.total].compactMap { $0 }.max()
        urlRequest.timeoutInterval = (longest ?? .seconds(7 * 24 * 3600)).secondsDouble + 1
        let started = LockedValue<(task: URLSessionDataTask?, isTerminated: Bool)>((nil, false))
        let start: @Sendable () -> Void = { [self, urlRequest] in
            let task = session.dataTask(with: urlRequest)
            let go = started.withLock { state -> Bool in
                guard !state.isTerminated else { return false }
                state.task = task
                return true
            }
            guard go else { return }
            self.state.withLock { $0.streams[task.taskIdentifier] = Stream(continuation: continuation) }
            task.resume()
        }
        if request.scheme == "https", request.proxy == nil, checksPlainHTTPPorts, PlainHTTPPortCheck.appliesTo(host: request.host) {
            let check = Task {
                let verdict = await PlainHTTPPortCheck.verdict(host: request.host, port: request.port)
                if case .plainHTTP(let reply) = verdict {
                    continuation.finish(throwing: TransportError(
                        .tlsFailure,
                        "port \(request.port) speaks plain HTTP, not TLS (no TLS answer to a handshake; a clear-text request got '\(reply)'): use http://"))
                    return
                }
                if !Task.isCancelled { start() }
            }
            continuation.onTermination = { _ in
                check.cancel()
                started.withLock { state in
                    state.isTerminated = true
                    state.task?.cancel()
                }
            }
        } else {
            continuation.onTermination = { _ in
                started.withLock { state in
                    state.isTerminated = true
                    state.task?.cancel()
                }
            }
            start()
        }
        return TimedExchange(stream, timeouts: request.timeouts, reportsConnect: false).events
    }

    // MARK: - Delegate

    public func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let now = MonotonicInstant.now()
        if let http = response as? HTTPURLResponse {
            var headers = HTTPHeaders()
            for (name, value) in http.allHeaderFields {
                headers.add(name: "\(name)", value: "\(value)")
            }
            let head = HTTPResponseHead(status: HTTPStatus(code: http.statusCode), headers: headers)
            let continuation: AsyncThrowingStream<TransportEvent, any Error>.Continuation? = state.withLock { state in
                state.streams[dataTask.taskIdentifier]?.sawHead = true
                return state.streams[dataTask.taskIdentifier]?.continuation
            }
            continuation?.yield(.head(head, at: now))
        }
        completionHandler(.allow)
    }

    public func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let now = MonotonicInstant.now()
        let continuation = state.withLock { $0.streams[dataTask.taskIdentifier]?.continuation }
        continuation?.yield(.body([UInt8](data), at: now))
    }

    public func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    public func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let now = MonotonicInstant.now()
        guard let entry = state.withLock({ $0.streams.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let error {
            entry.continuation.finish(throwing: Self.transportError(error, sawHead: entry.sawHead))
        } else {
            entry.continuation.yield(.end(at: now))
            entry.continuation.finish()
        }
    }

    /// Maps a Foundation error to a ``TransportError``.
    static func transportError(_ error: any Error, sawHead: Bool) -> TransportError {
        guard let urlError = error as? URLError else { return TransportError(.other, "\(error)", receivedResponseBytes: sawHead) }
        let code: TransportError.Code
        switch urlError.code {
        case .cannotConnectToHost: code = .connectionRefused
        case .cannotFindHost, .dnsLookupFailed: code = .dnsFailure
        case .notConnectedToInternet: code = .unreachable
        case .networkConnectionLost: code = .connectionReset
        case .timedOut: code = sawHead ? .idleTimeout : .headersTimeout
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted, .serverCertificateHasUnknownRoot,
            .serverCertificateNotYetValid, .clientCertificateRejected, .clientCertificateRequired:
            code = .tlsFailure
        case .cancelled: code = .cancelled
        case .badServerResponse, .cannotParseResponse: code = .protocolError
        default:
            // libcurl's OpenSSL failures arrive as URLError.unknown with the SSL text.
            let text = urlError.localizedDescription.lowercased()
            code = text.contains("ssl routines") || text.contains("ssl_") || text.contains("tls") ? .tlsFailure : .other
        }
        var message = urlError.localizedDescription
        if message.lowercased().contains("wrong version number") {
            message += " (the server answered without TLS: if it is a local server, use http://)"
        }
        return TransportError(code, message, receivedResponseBytes: sawHead)
    }
}
