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
        func complete(at now: UInt64) {
            let wasCancelled = state.withLock { s -> Bool in
                s.done = true
                return s.cancelled
            }
            switch delivery {
            case .stream(let continuation):
                if !wasCancelled { continuation.yield(.end(at: MonotonicInstant(nanoseconds: now))) }
                continuation.finish()
            case .whole(let parts):
                let (continuation, response) = parts.withLock { p -> (CheckedContinuation<KeepAliveTransport.WholeResponse, any Error>?, KeepAliveTransport.WholeResponse?) in
                    defer { p.continuation = nil }
                    guard let head = p.head else { return (p.continuation, nil) }
                    return (p.continuation, KeepAliveTransport.WholeResponse(
                        head: head, body: p.body, connectedAt: p.connectedAt, headAt: p.headAt, endedAt: MonotonicInstant(nanoseconds: now)))
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
            var endedAt: UInt64?
            socket = Self.exchange(job, on: socket, buffer: &buffer, reusable: &reusable, endedAt: &endedAt)
            // Back in the pool before the caller learns the response ended, so its next request finds it.
            let kept = reusable && checkIn(self)
            if let endedAt { job.complete(at: endedAt) }
            if !kept { break }
        }
        socket?.close()
    }

    /// Runs one request; returns the socket to keep (nil when it was closed).
    private static func exchange(
        _ job: Job, on kept: Socket?, buffer: inout [UInt8], reusable: inout Bool, endedAt: inout UInt64?
    ) -> Socket? {
        let request = job.request
        let started = MonotonicClock.now()
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

    private enum Outcome {
        /// The response ended at `at`; the job is completed by the caller (after the connection is pooled).
        case complete(keepAlive: Bool, at: UInt64)
        /// Closed or reset before any response byte.
        case staleConnection
        case failed(TransportError)
    }

    /// Writes the request and reads its response, under the request's timeouts: headers (from the
    /// request written to the head), idle (between reads once the head arrived) and total (from `started`).
    private static func run(_ job: Job, on socket: Socket, buffer: inout [UInt8], started: UInt64) -> Outcome {
        let request = job.request
        var headers = request.headers
        if !headers.contains("Host") { headers.replaceOrAdd(name: "Host", value: request.authority) }
        let bytes = HTTPClientRequest(
            method: request.method, host: request.host, port: request.port, target: request.target, headers: headers, body: request.body
        ).serialized()
        var parser = HTTPResponseParser(requestMethod: request.method)
        var receivedAny = false
        var head: HTTPResponseHead?
        var bodyCount = 0
        let timeouts = request.timeouts
        let totalDeadline = timeouts.total.map { started &+ nanoseconds($0) }
        do {
            try socket.writeAll(bytes, timeout: timeouts.headers)
            let written = MonotonicClock.now()
            var lastRead = written
            while true {
                // Headers: from the request written (partial head bytes do not extend it); idle: since the last read.
                let phase = head == nil ? timeouts.headers.map { written &+ nanoseconds($0) } : timeouts.idle.map { lastRead &+ nanoseconds($0) }
                let deadline = [phase, totalDeadline].compactMap { $0 }.min()
                let count: Int
                do {
                    count = try buffer.withUnsafeMutableBytes { raw in
                        try socket.readSome(into: raw, timeout: deadline.map { .nanoseconds(Int64($0 &- min($0, MonotonicClock.now()))) })
                    }
                } catch let error as SocketError where error.code == .timedOut {
                    return .failed(timeoutError(timeouts, head: head, bodyCount: bodyCount, total: totalDeadline, received: receivedAny))
                }
                let now = MonotonicClock.now()
                if count == 0 && !receivedAny { return .staleConnection }
                let events: [HTTPResponseParser.Event]
                if count == 0 {
                    // The server closed: a body or head it had announced and not finished is a truncation
                    // (as the raw-socket client reports it), not a malformed response.
                    do {
                        events = try parser.finish()
                    } catch {
                        return .failed(error.code == .truncatedHead
                            ? TransportError(.connectionReset, "the server closed the connection inside the response head", receivedResponseBytes: true)
                            : TransportError(.truncatedBody, error.description, receivedResponseBytes: true))
                    }
                } else {
                    events = try parser.consume(buffer[0..<count])
                }
                receivedAny = true
                for event in events {
                    switch event {
                    case .informational:
                        break
                    case .head(let h):
                        head = h
                        job.report(.head(h, at: MonotonicInstant(nanoseconds: now)))
                    case .body(let body):
                        bodyCount += body.count
                        if head?.status.isSuccess == false, bodyCount > job.maximumErrorBodyBytes {
                            // Enough of an error body to judge it; the rest is not read (nor the connection reused).
                            job.report(.body(Array(body.prefix(max(0, body.count - (bodyCount - job.maximumErrorBodyBytes)))), at: MonotonicInstant(nanoseconds: now)))
                            return .complete(keepAlive: false, at: now)
                        }
                        if let limit = request.maximumBodyBytes, head?.status.isSuccess == true, bodyCount > limit {
                            return .failed(TransportError(.tooLarge, "the body exceeds the limit of \(limit) bytes", receivedResponseBytes: true))
                        }
                        job.report(.body(body, at: MonotonicInstant(nanoseconds: now)))
                    case .end:
                        let closes = head?.headers.containsToken("close", in: "Connection") ?? true
                        return .complete(keepAlive: !closes && parser.framing != .untilClose && !job.isCancelled, at: now)
                    }
                }
                if count == 0 {
                    return .failed(TransportError(.truncatedBody, "the connection closed before the response ended", receivedResponseBytes: true))
                }
                lastRead = now
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

    private static func nanoseconds(_ duration: Duration) -> UInt64 { UInt64(max(0, duration.nanoseconds)) }

    /// The timeout that passed: total if its deadline is reached, else headers before the head, idle after it.
    private static func timeoutError(
        _ timeouts: RequestTimeouts, head: HTTPResponseHead?, bodyCount: Int, total: UInt64?, received: Bool
    ) -> TransportError {
        if let total, MonotonicClock.now() >= total {
            return TransportError(.totalTimeout, "total timeout (\(timeouts.total ?? .zero)) fired", receivedResponseBytes: received)
        }
        guard head != nil else {
            let limit = timeouts.headers.map { NumberText.duration(seconds: $0.secondsDouble) } ?? "?"
            return TransportError(.headersTimeout, "no response head within \(limit) of sending the request", receivedResponseBytes: received)
        }
        let limit = timeouts.idle.map { NumberText.duration(seconds: $0.secondsDouble) } ?? "?"
        return TransportError(.idleTimeout, "no body bytes for \(limit) after \(bodyCount) bytes", receivedResponseBytes: true)
    }
}
