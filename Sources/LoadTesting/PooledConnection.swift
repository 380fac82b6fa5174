import Dispatch
import HTTPWire
import ProviderClient

/// One kept-alive connection and the thread that serves its requests one at a time.
final class PooledConnection: Sendable {
    /// One request on this connection.
    final class Job: Sendable {
        let request: TransportRequest
        let continuation: AsyncThrowingStream<TransportEvent, any Error>.Continuation
        private let state = LockedValue<(cancelled: Bool, done: Bool, socket: Socket?)>((false, false, nil))

        init(request: TransportRequest, continuation: AsyncThrowingStream<TransportEvent, any Error>.Continuation) {
            self.request = request
            self.continuation = continuation
        }

        /// Called when the stream terminates: unless the exchange already ended, shuts the socket so a
        /// blocked read returns.
        func cancel() {
            let socket = state.withLock { s -> Socket? in
                guard !s.done else { return nil }
                s.cancelled = true
                return s.socket
            }
            socket?.shutdown()
        }

        /// Marks the exchange complete (the stream's termination then leaves the socket alone) and finishes.
        func complete(at now: UInt64) {
            let wasCancelled = state.withLock { s -> Bool in
                s.done = true
                return s.cancelled
            }
            if !wasCancelled { continuation.yield(.end(at: MonotonicInstant(nanoseconds: now))) }
            continuation.finish()
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
    static func start(host: String, port: UInt16, first: Job, checkIn: @escaping @Sendable (PooledConnection) -> Bool) throws {
        let connection = PooledConnection(host: host, port: port)
        connection.next.withLock { $0.job = first }
        try Syscalls.spawnDetachedThread(name: "llmcheck-load") { connection.serve(checkIn: checkIn) }
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

    private func serve(checkIn: @Sendable (PooledConnection) -> Bool) {
        var socket: Socket?
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
            var endedAt: UInt64?
            socket = Self.exchange(job, on: socket, reusable: &reusable, endedAt: &endedAt)
            // Back in the pool before the caller learns the response ended, so its next request finds it.
            let kept = reusable && checkIn(self)
            if let endedAt { job.complete(at: endedAt) }
            if !kept { break }
        }
        socket?.close()
    }

    /// Runs one request; returns the socket to keep (nil when it was closed).
    private static func exchange(_ job: Job, on kept: Socket?, reusable: inout Bool, endedAt: inout UInt64?) -> Socket? {
        let request = job.request
        var socket = kept
        var attempt = 0
        while true {
            attempt += 1
            let isReused = socket != nil
            if socket == nil {
                do {
                    socket = try connect(request)
                } catch {
                    job.continuation.finish(throwing: error)
                    return nil
                }
            }
            guard let current = socket, job.bind(current) else {
                job.continuation.finish(throwing: TransportError(.cancelled, "the request was cancelled"))
                socket?.close()
                return nil
            }
            job.continuation.yield(.connected(at: .now(), remoteAddress: "\(request.host):\(request.port)"))
            switch run(job, on: current) {
            case .complete(let keep, let at):
                reusable = keep
                endedAt = at
                return current
            case .staleConnection where isReused && attempt == 1:
                current.close()
                socket = nil
                continue  // the server closed an idle connection: one more try on a fresh one
            case .staleConnection:
                job.continuation.finish(throwing: TransportError(.connectionReset, "the connection closed before a response head arrived"))
                current.close()
                return nil
            case .failed(let error):
                job.continuation.finish(throwing: error)
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

    private enum Outcome {
        /// The response ended at `at`; the job is completed by the caller (after the connection is pooled).
        case complete(keepAlive: Bool, at: UInt64)
        /// Closed or reset before any response byte.
        case staleConnection
        case failed(TransportError)
    }

    private static func run(_ job: Job, on socket: Socket) -> Outcome {
        let request = job.request
        var headers = request.headers
        if !headers.contains("Host") { headers.replaceOrAdd(name: "Host", value: request.authority) }
        let bytes = HTTPClientRequest(
            method: request.method, host: request.host, port: request.port, target: request.target, headers: headers, body: request.body
        ).serialized()
        var parser = HTTPResponseParser(requestMethod: request.method)
        var receivedAny = false
        var head: HTTPResponseHead?
        do {
            try socket.writeAll(bytes)
            while true {
                let piece = try socket.readSome(max: 64 * 1024, timeout: nil)
                let now = MonotonicClock.now()
                if piece.isEmpty && !receivedAny { return .staleConnection }
                let events = piece.isEmpty ? try parser.finish() : try parser.consume(piece)
                receivedAny = true
                for event in events {
                    switch event {
                    case .informational:
                        break
                    case .head(let h):
                        head = h
                        job.continuation.yield(.head(h, at: MonotonicInstant(nanoseconds: now)))
                    case .body(let body):
                        job.continuation.yield(.body(body, at: MonotonicInstant(nanoseconds: now)))
                    case .end:
                        let closes = head?.headers.containsToken("close", in: "Connection") ?? true
                        return .complete(keepAlive: !closes && parser.framing != .untilClose && !job.isCancelled, at: now)
                    }
                }
                if piece.isEmpty {
                    return .failed(TransportError(.truncatedBody, "the connection closed before the response ended", receivedResponseBytes: true))
                }
            }
        } catch {
            if job.isCancelled { return .failed(TransportError(.cancelled, "the request was cancelled", receivedResponseBytes: receivedAny)) }
            if !receivedAny, let socketError = error as? SocketError, [.connectionReset, .brokenPipe].contains(socketError.code) {
                return .staleConnection
            }
            if error is HTTPResponseParseError {
                return .failed(TransportError(.protocolError, "malformed response: \(error)", receivedResponseBytes: true))
            }
            return .failed(TransportError(.connectionReset, "\(error)", errno: (error as? SocketError)?.errno, receivedResponseBytes: receivedAny))
        }
    }
}
