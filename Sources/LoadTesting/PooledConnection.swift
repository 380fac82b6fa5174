import Dispatch
import HTTPWire
import ProviderClient

/// One kept-alive connection and the thread that serves its requests one at a time.
final class PooledConnection: Sendable {
    /// One request on this connection, delivered either as a stream of events or, for a caller that
    /// wants only the whole response (``KeepAliveTransport/exchangeWhole(_:)``), in one hand-over.
    final class Job: Sendable {
        enum Delivery: Sendable {
            case stream(AsyncThrowingStream<TransportEvent, any Error>.Continuation)
            case whole(LockedValue<WholeParts>)
        }

        /// What a whole exchange has received so far, and where it goes when done.
        struct WholeParts: Sendable {
            var connectedAt: MonotonicInstant?
            var head: HTTPResponseHead?
            var headAt = MonotonicInstant(nanoseconds: 0)
            var body: [UInt8] = []
            var continuation: CheckedContinuation<KeepAliveTransport.WholeResponse, any Error>?
        }

        let request: TransportRequest
        let delivery: Delivery
        /// The most of an error response's body that is read (the transport's setting).
        let maximumErrorBodyBytes: Int
        private let state = LockedValue<(cancelled: Bool, done: Bool, socket: Socket?)>((false, false, nil))

        init(request: TransportRequest, delivery: Delivery, maximumErrorBodyBytes: Int) {
            self.request = request
            self.delivery = delivery
            self.maximumErrorBodyBytes = maximumErrorBodyBytes
        }

        /// Called when the stream terminates or the waiting task is cancelled: unless the exchange already
        /// ended, shuts the socket so a blocked read returns.
        func cancel() {
            let socket = state.withLock { s -> Socket? in
                guard !s.done else { return nil }
                s.cancelled = true
                return s.socket
            }
            socket?.shutdown()
        }

        func report(_ event: TransportEvent) {
            switch delivery {
            case .stream(let continuation):
                continuation.yield(event)
            case .whole(let parts):
                parts.withLock { p in
                    switch event {
                    case .connected(let at, _): p.connectedAt = at
                    case .head(let head, let at): (p.head, p.headAt) = (head, at)
                    case .body(let bytes, _): p.body += bytes
                    case .end: break
                    }
                }
            }
        }

        /// Marks the exchange complete (a later cancellation leaves the socket alone) and delivers it.
        func complete(at now: MonotonicInstant) {
            let wasCancelled = state.withLock { s -> Bool in
                s.done = true
                return s.cancelled
            }
            switch delivery {
            case .stream(let continuation):
                if !wasCancelled { continuation.yield(.end(at: now)) }
                continuation.finish()
            case .whole(let parts):
                let (continuation, response) = parts.withLock { p -> (CheckedContinuation<KeepAliveTransport.WholeResponse, any Error>?, KeepAliveTransport.WholeResponse?) in
                    defer { p.continuation = nil }
                    guard let head = p.head else { return (p.continuation, nil) }
                    return (p.continuation, KeepAliveTransport.WholeResponse(
                        head: head, body: p.body, connectedAt: p.connectedAt, headAt: p.headAt, endedAt: now))
                }
                if let response, !wasCancelled {
                    continuation?.resume(returning: response)
                } else {
                    continuation?.resume(throwing: WholeFailure(error: TransportError(.cancelled, "the request was cancelled"), head: response?.head))
                }
            }
        }

        func fail(_ error: any Error) {
            switch delivery {
            case .stream(let continuation):
                continuation.finish(throwing: error)
            case .whole(let parts):
                let (continuation, head) = parts.withLock { p in
                    defer { p.continuation = nil }
                    return (p.continuation, p.head)
                }
                continuation?.resume(throwing: WholeFailure(error: error, head: head))
            }
        }

        var isCancelled: Bool { state.withLock { $0.cancelled } }

        /// Binds the socket; false if the job was cancelled meanwhile.
        func bind(_ socket: Socket?) -> Bool {
            state.withLock { s in
                s.socket = socket
                return !s.cancelled
            }
        }
    }

    /// How a whole exchange failed: the transport's error, and the response head if one had arrived.
    struct WholeFailure: Error {
        let error: any Error
        let head: HTTPResponseHead?
    }

    let host: String
    let port: UInt16
    private let wake = DispatchSemaphore(value: 0)
    private let next = LockedValue<(job: Job?, retired: Bool)>((nil, false))

    private init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    func matches(_ request: TransportRequest) -> Bool { request.host == host && request.port == port }

    /// Opens a connection thread that serves `first`, then waits for more; `checkIn` returns it to a pool
    /// after each reusable exchange (false: the pool is gone, the thread ends).
    /// With `handOff`, the thread serves `first` only: after a reusable exchange it offers the open socket
    /// to `handOff` (true: taken, the thread ends without closing it) before the caller learns the response
    /// ended. ``WholeExchangeLoop`` connects this way, off the cooperative pool, then drives the connection itself.
    static func start(
        host: String, port: UInt16, first: Job, checkIn: @escaping @Sendable (PooledConnection) -> Bool,
        handOff: (@Sendable (Socket) -> Bool)? = nil
    ) throws {
        let connection = PooledConnection(host: host, port: port)
        connection.next.withLock { $0.job = first }
        try Syscalls.spawnDetachedThread(name: "llmcheck-load") { connection.serve(checkIn: checkIn, handOff: handOff) }
    }

    func submit(_ job: Job) {
        next.withLock { $0.job = job }
        wake.signal()
    }

    /// Ends the thread once it is idle.
    func retire() {
        next.withLock { $0.retired = true }
        wake.signal()
    }

    private func serve(checkIn: @Sendable (PooledConnection) -> Bool, handOff: (@Sendable (Socket) -> Bool)?) {
        var socket: Socket?
        // One read buffer for the connection's lifetime (a fresh 64 KiB array per read was a measurable
        // part of each request's CPU).
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let (job, retired) = next.withLock { s -> (Job?, Bool) in
                defer { s.job = nil }
                return (s.job, s.retired)
            }
            if retired && job == nil { break }
            guard let job else {
                wake.wait()
                continue
            }
            var reusable = false
            var endedAt: MonotonicInstant?
            socket = Self.exchange(job, on: socket, buffer: &buffer, reusable: &reusable, endedAt: &endedAt)
            if let handOff {
                if reusable, let open = socket, handOff(open) { socket = nil }
                if let endedAt { job.complete(at: endedAt) }
                break
            }
            // Back in the pool before the caller learns the response ended, so its next request finds it.
            let kept = reusable && checkIn(self)
            if let endedAt { job.complete(at: endedAt) }
            if !kept { break }
        }
        socket?.close()
    }

    /// Runs one request; returns the socket to keep (nil when it was closed).
    private static func exchange(
        _ job: Job, on kept: Socket?, buffer: inout [UInt8], reusable: inout Bool, endedAt: inout MonotonicInstant?
    ) -> Socket? {
        let request = job.request
        let started = MonotonicInstant.now()
        var socket = kept
        var attempt = 0
        while true {
            attempt += 1
            let isReused = socket != nil
            if socket == nil {
                do {
                    socket = try connect(request)
                } catch {
                    job.fail(error)
                    return nil
                }
            }
            guard let current = socket, job.bind(current) else {
                job.fail(TransportError(.cancelled, "the request was cancelled"))
                socket?.close()
                return nil
            }
            job.report(.connected(at: .now(), remoteAddress: "\(request.host):\(request.port)"))
            switch run(job, on: current, buffer: &buffer, started: started) {
            case .complete(let keep, let at):
                reusable = keep
                endedAt = at
                return current
            case .staleConnection where isReused && attempt == 1:
                current.close()
                socket = nil
                continue  // the server closed an idle connection: one more try on a fresh one
            case .staleConnection:
                job.fail(TransportError(.connectionReset, "the connection closed before a response head arrived"))
                current.close()
                return nil
            case .failed(let error):
                job.fail(error)
                current.close()
                return nil
            }
        }
    }

    private static func connect(_ request: TransportRequest) throws -> Socket {
        let addresses: [SocketAddress]
        do {
            if let literal = SocketAddress(ipAddress: request.host, port: request.port) {
                addresses = [literal]
            } else {
                addresses = try NameResolver.resolve(host: request.host, port: request.port)
            }
        } catch {
            throw TransportError(.dnsFailure, "cannot resolve \(request.host): \(error)")
        }
        var last: (any Error)?
        for address in addresses {
            do {
                let socket = try Socket.connect(to: address, timeout: request.timeouts.connect)
                try? socket.setNoDelay()
                return socket
            } catch {
                last = error
            }
        }
        let code: TransportError.Code
        switch (last as? SocketError)?.code {
        case .connectionRefused?: code = .connectionRefused
        case .timedOut?: code = .connectTimeout
        default: code = .unreachable
        }
        throw TransportError(code, "cannot connect to \(request.host):\(request.port): \(last.map { "\($0)" } ?? "no address")",
                             errno: (last as? SocketError)?.errno)
    }

    /// Writes the request and reads its response, under the request's timeouts: headers (from the
    /// request written to the head), idle (between reads once the head arrived) and total (from `started`).
    private static func run(_ job: Job, on socket: Socket, buffer: inout [UInt8], started: MonotonicInstant) -> ExchangeOutcome {
        let request = job.request
        var reader = ResponseReader(method: request.method)
        let timeouts = request.timeouts
        let totalDeadline = timeouts.total.map { started + $0 }
        do {
            try socket.writeAll(ResponseReader.requestBytes(request), timeout: timeouts.headers)
            let written = MonotonicInstant.now()
            var lastRead = written
            while true {
                let deadline = reader.deadline(timeouts, written: written, lastRead: lastRead, total: totalDeadline)
                let count: Int
                do {
                    count = try buffer.withUnsafeMutableBytes { raw in
                        try socket.readSome(into: raw, timeout: deadline?.remaining)
                    }
                } catch let error as SocketError where error.code == .timedOut {
                    return .failed(reader.timeoutError(timeouts, total: totalDeadline))
                }
                let now = MonotonicInstant.now()
                let outcome = buffer.withUnsafeBytes { raw in
                    reader.consume(UnsafeRawBufferPointer(rebasing: raw[0..<count]), at: now, for: job)
                }
                if let outcome { return outcome }
                lastRead = now
            }
        } catch {
            return reader.failure(error, for: job)
        }
    }
}
