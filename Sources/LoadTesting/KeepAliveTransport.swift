import Dispatch
import HTTPWire
import ProviderClient

/// An `http://` transport for load generation that keeps connections open between requests, as pooled
/// HTTP clients (openai-python's httpx, most SDKs) do: each connection has one long-lived thread for its
/// blocking I/O, so a request costs neither a TCP handshake nor a thread start.
///
/// Plugged into ``ProviderClient`` through ``ProviderClientConfiguration/transport``, so requests, streams,
/// timeouts and errors go through the same encoders, decoders and classification as every other request.
/// A connection goes back to the pool only after a complete response that did not ask to close; a
/// reused connection the server had closed meanwhile is replaced once, transparently. `https://` and
/// proxied requests fall back to the default transports. Terminating a request's stream shuts its socket.
public final class KeepAliveTransport: HTTPTransport, Sendable {
    private let idle = LockedValue<[PooledConnection]>([])
    private let fallback: RawSocketTransport

    public init(maximumErrorBodyBytes: Int = 1 << 20) {
        fallback = RawSocketTransport(maximumErrorBodyBytes: maximumErrorBodyBytes)
    }

    deinit { for connection in idle.withLock({ $0 }) { connection.retire() } }

    public func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        guard request.scheme == "http" else { return URLSessionTransport.shared.execute(request) }
        guard request.proxy == nil else { return fallback.execute(request) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
        let job = PooledConnection.Job(request: request, continuation: continuation)
        continuation.onTermination = { _ in job.cancel() }
        let reused = idle.withLock { pool -> PooledConnection? in
            guard let index = pool.lastIndex(where: { $0.matches(request) }) else { return nil }
            return pool.remove(at: index)
        }
        if let reused {
            reused.submit(job)
        } else {
            do {
                try PooledConnection.start(host: request.host, port: request.port, first: job) { [weak self] connection in
                    guard let self else { return false }
                    self.idle.withLock { $0.append(connection) }
                    return true
                }
            } catch {
                continuation.finish(throwing: TransportError(.other, "could not start a client thread: \(error)"))
            }
        }
        return stream
    }
}
