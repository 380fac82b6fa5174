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
    /// The stream throws ``HTTPClientError`` on failure.
    public func stream(_ request: HTTPClientRequest) -> AsyncThrowingStream<HTTPClientEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: HTTPClientEvent.self)
        let connection = HTTPClientConnection(request: request, options: options)
        continuation.onTermination = { _ in connection.cancel() }
        do {
            try Syscalls.spawnDetachedThread(name: "http-client") {
                do {
                    try connection.run { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        } catch {
            continuation.finish(
                throwing: HTTPClientError(.connectFailed, "could not start a client thread: \(error)", timeline: HTTPTimeline()))
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
