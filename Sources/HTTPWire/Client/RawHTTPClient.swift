/// An HTTP/1.1 client for `http://` on raw sockets with exact byte timings.
///
/// Each exchange uses a fresh connection on a dedicated thread. Events arrive as they happen:
/// every body piece is reported as read from the socket, never coalesced. Dropping the stream
/// or cancelling the consuming task shuts the socket, so the server sees the client leave.
///
/// ```swift
/// let client = RawHTTPClient()
/// let request = HTTPClientRequest(url: "http://127.0.0.1:11434/api/tags")!
/// for try await event in client.stream(request) {
///     if case .body(let bytes, let at) = event { framer.consume(bytes) }
/// }
/// ```
public struct RawHTTPClient: Sendable {
    public var options: HTTPClientOptions

    public init(options: HTTPClientOptions = .init()) {
        self.options = options
    }

    /// Runs one exchange, streaming its events.
    ///
    /// The socket is read no further ahead of the consumer than
    /// ``HTTPClientOptions/maximumBufferedBytes``: when the consumer lags, the reading thread
    /// waits (and the server's writes back up in TCP). The stream throws ``HTTPClientError`` on
    /// failure; it ends without an error when the consuming task is cancelled.
    public func stream(_ request: HTTPClientRequest) -> AsyncThrowingStream<HTTPClientEvent, any Error> {
        Self.stream(HTTPClientConnection(request: request, options: options)) { $0 }
    }

    /// Runs `connection` on a dedicated thread and hands its events, mapped by `transform`, to
    /// the returned stream through a ``BackpressureChannel`` (the one mechanism that bounds what
    /// the client holds). Errors thrown by the exchange pass through `mapError`.
    public static func stream<Event: Sendable>(
        _ connection: HTTPClientConnection,
        mapError: @escaping @Sendable (any Error) -> any Error = { $0 },
        _ transform: @escaping @Sendable (HTTPClientEvent) -> Event?
    ) -> AsyncThrowingStream<Event, any Error> {
        let channel = BackpressureChannel<Event>(limit: connection.options.maximumBufferedBytes) { connection.cancel() }
        let stream = channel.makeStream()
        do {
            try Syscalls.spawnDetachedThread(name: "http-client") {
                do {
                    try connection.run { event in
                        guard let mapped = transform(event) else { return }
                        if case .body(let bytes, _) = event {
                            channel.send(mapped, cost: bytes.count)
                        } else {
                            channel.send(mapped, cost: 0)
                        }
                    }
                    channel.finish()
                } catch {
                    channel.finish(throwing: mapError(error))
                }
            }
        } catch {
            channel.finish(
                throwing: mapError(
                    HTTPClientError(.connectFailed, "could not start a client thread: \(error)", timeline: HTTPTimeline())))
        }
        return stream
    }

    /// Runs one exchange and collects the whole response (error bodies capped at
    /// ``HTTPClientOptions/maximumErrorBodyBytes``).
    ///
    /// - Throws: ``HTTPClientError``; `.cancelled` if the task is cancelled.
    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        for try await event in stream(request) {
            switch event {
            case .connected, .informational:
                break
            case .head(let value, _):
                head = value
            case .body(let bytes, _):
                body.append(contentsOf: bytes)
            case .end(let timeline):
                guard let head else { break }
                return HTTPClientResponse(head: head, body: body, timeline: timeline, isBodyTruncated: timeline.isBodyCapped)
            }
        }
        throw HTTPClientError(.cancelled, "the exchange was cancelled", timeline: HTTPTimeline())
    }
}
