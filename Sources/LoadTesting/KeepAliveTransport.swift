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
/// reused connection the server had closed meanwhile is replaced once, transparently. The connection
/// enforces the request's timeouts itself in its reads (headers, idle, total; connect per address), as the
/// raw-socket transport does. `https://` and proxied requests fall back to the default transports.
/// Terminating a request's stream shuts its socket.
public final class KeepAliveTransport: HTTPTransport, Sendable {
    private let idle = LockedValue<[PooledConnection]>([])
    private let fallback: RawSocketTransport
    private let maximumErrorBodyBytes: Int
    private let loopThreads: Int
    /// The readiness loop of whole exchanges, started at the first one.
    private let wholeLoop = LockedValue<WholeExchangeLoop?>(nil)

    /// - Parameter loopThreads: threads that drive the non-streamed (whole) exchanges' connections from one
    ///   readiness queue. Default 2: against one thread, 10–12 % more requests/s in 2 of 3 alternating rounds on
    ///   a loaded 2-core machine (−1 % in the third; one thread descheduled no longer stalls every connection);
    ///   CPU per request alike.
    public init(maximumErrorBodyBytes: Int = 1 << 20, loopThreads: Int = 2) {
        self.maximumErrorBodyBytes = maximumErrorBodyBytes
        self.loopThreads = loopThreads
        fallback = RawSocketTransport(maximumErrorBodyBytes: maximumErrorBodyBytes)
    }

    deinit {
        for connection in idle.withLock({ $0 }) { connection.retire() }
        wholeLoop.withLock { $0 }?.stop()
    }

    public func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        guard request.scheme == "http" else { return URLSessionTransport.shared.execute(request) }
        guard request.proxy == nil else { return fallback.execute(request) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
        let job = PooledConnection.Job(request: request, delivery: .stream(continuation), maximumErrorBodyBytes: maximumErrorBodyBytes)
        continuation.onTermination = { _ in job.cancel() }
        dispatch(job)
        return stream
    }

    /// A whole response and when each step of it arrived.
    public struct WholeResponse: Sendable {
        public var head: HTTPResponseHead
        public var body: [UInt8]
        public var connectedAt: MonotonicInstant?
        public var headAt: MonotonicInstant
        public var endedAt: MonotonicInstant
    }

    /// Whether ``exchangeWhole(_:)`` can carry `request` (plain `http://`, no proxy).
    public func canExchangeWhole(_ request: TransportRequest) -> Bool { request.scheme == "http" && request.proxy == nil }

    /// Sends `request` on a kept-alive connection and hands back the whole response at once, for callers
    /// that need no body piece by piece (a non-streamed load request). The connections of whole exchanges
    /// are driven by a ``WholeExchangeLoop`` (one readiness queue, no thread per connection) with the same
    /// response reading, timeouts and body limits as ``execute(_:)``. Cancelling the calling task shuts the socket.
    ///
    /// - Throws: ``WholeExchangeError`` with the ``TransportError`` and the response head if one had arrived.
    public func exchangeWhole(_ request: TransportRequest) async throws(WholeExchangeError) -> WholeResponse {
        let parts = LockedValue(PooledConnection.Job.WholeParts())
        let job = PooledConnection.Job(request: request, delivery: .whole(parts), maximumErrorBodyBytes: maximumErrorBodyBytes)
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    parts.withLock { $0.continuation = continuation }
                    dispatchWhole(job)
                }
            } onCancel: {
                job.cancel()
            }
        } catch let failure as PooledConnection.WholeFailure {
            throw WholeExchangeError(error: failure.error, head: failure.head)
        } catch {
            throw WholeExchangeError(error: error, head: nil)
        }
    }

    /// A failed ``exchangeWhole(_:)``.
    public struct WholeExchangeError: Error {
        /// A ``TransportError`` (or whatever stopped the exchange).
        public let error: any Error
        /// The response head, when one had arrived before the failure.
        public let head: HTTPResponseHead?
    }

    /// Hands a whole exchange to the readiness loop (started now if needed), or to a connection thread
    /// when the loop cannot start.
    private func dispatchWhole(_ job: PooledConnection.Job) {
        let loop = wholeLoop.withLock { loop -> WholeExchangeLoop? in
            if loop == nil { loop = try? WholeExchangeLoop.start(threads: loopThreads) }
            return loop
        }
        if let loop { loop.submit(job) } else { dispatch(job) }
    }

    /// Hands `job` to an idle connection to its host, or to a new one.
    private func dispatch(_ job: PooledConnection.Job) {
        let request = job.request
        let reused = idle.withLock { pool -> PooledConnection? in
            guard let index = pool.lastIndex(where: { $0.matches(request) }) else { return nil }
            return pool.remove(at: index)
        }
        if let reused {
            reused.submit(job)
            return
        }
        do {
            try PooledConnection.start(host: request.host, port: request.port, first: job) { [weak self] connection in
                guard let self else { return false }
                self.idle.withLock { $0.append(connection) }
                return true
            }
        } catch {
            job.fail(TransportError(.other, "could not start a client thread: \(error)"))
        }
    }
}
