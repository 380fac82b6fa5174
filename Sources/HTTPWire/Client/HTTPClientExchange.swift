/// The state of one run of ``HTTPClientConnection``; lives on the running thread only.
struct HTTPClientExchange {
    let connection: HTTPClientConnection
    var request: HTTPClientRequest { connection.request }
    var options: HTTPClientOptions { connection.options }
    var timeline = HTTPTimeline()
    var socket: Socket?
    var wake: (read: Int32, write: Int32) = (-1, -1)
    var address: SocketAddress?
    var responseHead: HTTPResponseHead?
    var lastBytes: [UInt8] = []
    var totalDeadline: MonotonicInstant?
    /// Request bytes the kernel accepted (0: nothing of the request left).
    var requestBytesSent = 0
    /// Whether the whole response was read and the connection may carry another exchange.
    var isReusable = false

    init(connection: HTTPClientConnection) {
        self.connection = connection
        totalDeadline = connection.options.timeouts.total.map { timeline.start + $0 }
    }

    mutating func cleanUp() {
        _ = connection.register(socket: nil)
        socket?.close()
        socket = nil
        connection.closeWake(wake)
        wake = (-1, -1)
    }

    // MARK: - Errors

    func failure(
        _ code: HTTPClientError.Code, _ message: String, socketError: SocketError? = nil,
        parseError: HTTPResponseParseError? = nil, timeout: Duration? = nil
    ) -> HTTPClientError {
        var timeline = self.timeline
        let now = MonotonicInstant.now()
        timeline.end = now
        var error = HTTPClientError(code, message, timeline: timeline)
        error.address = address
        error.host = request.host
        error.socketError = socketError
        error.errno = socketError?.errno
        error.parseError = parseError
        error.timeout = timeout
        if timeout != nil { error.waited = timeline.start.duration(to: now) }
        error.responseHead = responseHead
        if !lastBytes.isEmpty { error.snippet = quote(lastBytes.suffix(200)) }
        return error
    }

    func cancelledError() -> HTTPClientError {
        failure(.cancelled, "the exchange was cancelled")
    }

    func totalTimeoutError() -> HTTPClientError {
        let limit = options.timeouts.total
        return failure(
            .totalTimeout, "total timeout of \(limit.map(Socket.describe) ?? "?") exceeded", timeout: limit)
    }

    // MARK: - Steps

    mutating func run(_ emit: (HTTPClientEvent) -> Void) throws(HTTPClientError) -> HTTPTimeline {
        let pool = connection.pool
        let key = pool.map { _ in HTTPConnectionPool.Key(request) }
        if let pool, let key, let kept = pool.take(key) {
            try adopt(kept)
            emit(.connected([]))
            do throws(HTTPClientError) {
                try exchange(emit)
            } catch where isStaleRetryable(error) {
                // The server closed the kept connection as the request went out: once more, fresh.
                pool.countRetry()
                socket?.close()
                socket = nil
                _ = connection.register(socket: nil)
                timeline.isReusedConnection = false
                timeline.requestWritten = nil
                lastBytes = []
                requestBytesSent = 0
                try connectFresh(emit)
                try exchange(emit)
            }
        } else {
            do {
                wake = try Syscalls.makePipe()
            } catch {
                throw failure(.connectFailed, "could not create a wake pipe", socketError: error as? SocketError)
            }
            guard connection.register(wakeWrite: wake.write) else { throw cancelledError() }
            try connectFresh(emit)
            try exchange(emit)
        }
        let end = MonotonicInstant.now()
        timeline.end = end
        emit(.end(timeline))
        // After `emit`: a consumer that failed on the last event cancelled, and keeps nothing.
        if let pool, let key, isReusable, let socket, connection.detachForReuse() {
            pool.giveBack(HTTPConnectionPool.Idle(key: key, socket: socket, address: address, wake: wake, since: end))
            self.socket = nil
            wake = (-1, -1)
        }
        return timeline
    }

    /// Resolves, connects and reports `.connected`.
    private mutating func connectFresh(_ emit: (HTTPClientEvent) -> Void) throws(HTTPClientError) {
        let addresses = try resolveAddresses()
        try connect(to: addresses)
        emit(.connected(timeline.connectAttempts))
    }

    /// Writes the request and reads the response.
    private mutating func exchange(_ emit: (HTTPClientEvent) -> Void) throws(HTTPClientError) {
        let writeError = writeRequest()
        try readResponse(emit, writeError: writeError)
    }

    /// Takes over a kept connection (its wake pipe comes with it: it was never written to).
    private mutating func adopt(_ kept: HTTPConnectionPool.Idle) throws(HTTPClientError) {
        wake = kept.wake
        socket = kept.socket
        address = kept.address
        timeline.isReusedConnection = true
        guard connection.register(wakeWrite: wake.write), connection.register(socket: kept.socket) else { throw cancelledError() }
    }

    /// Whether a failure on a reused connection may be retried on a fresh one: the server closed or
    /// reset it before answering anything, and sending the request again cannot run it twice —
    /// none of it was written, or its method is idempotent (GET, HEAD, OPTIONS, PUT, DELETE) or it
    /// carries an `Idempotency-Key`. A POST whose bytes went out is not retried: the server may
    /// have acted on it.
    private func isStaleRetryable(_ error: HTTPClientError) -> Bool {
        guard timeline.isReusedConnection, error.code == .connectionClosed || error.code == .connectionReset,
            responseHead == nil, lastBytes.isEmpty, !connection.isCancelled
        else { return false }
        if requestBytesSent == 0 { return true }
        return [.get, .head, .options, .put, .delete].contains(request.method) || request.headers.contains("Idempotency-Key")
    }

    mutating func resolveAddresses() throws(HTTPClientError) -> [SocketAddress] {
        if let given = request.addresses {
            guard !given.isEmpty else { throw failure(.invalidRequest, "an empty address list was given") }
            return given.map { $0.port == 0 ? $0.with(port: request.port) : $0 }
        }
        if let literal = SocketAddress(ipAddress: request.host, port: request.port) { return [literal] }
        timeline.nameResolutionStart = .now()
        defer { timeline.nameResolutionEnd = .now() }
        do {
            let found = try NameResolver.resolve(host: request.host, port: request.port)
            if connection.isCancelled { throw cancelledError() }
            return found
        } catch let error as HTTPClientError {
            throw error
        } catch {
            let socketError = error as? SocketError
            timeline.nameResolutionEnd = .now()
            throw failure(
                .nameResolution,
                "cannot resolve \"\(request.host)\": \(socketError?.message ?? "\(error)")", socketError: socketError)
        }
    }

    mutating func connect(to addresses: [SocketAddress]) throws(HTTPClientError) {
        var lastError: SocketError?
        for candidate in addresses {
            address = candidate
            let start = MonotonicInstant.now()
            if let totalDeadline, start >= totalDeadline { throw totalTimeoutError() }
            do {
                let attempt = try Socket(family: candidate.family)
                guard connection.register(socket: attempt) else {
                    attempt.close()
                    throw cancelledError()
                }
                socket = attempt
                try connectOne(attempt, to: candidate)
                timeline.connectAttempts.append(
                    .init(address: candidate, start: start, end: .now(), outcome: .success))
                try? attempt.setNoDelay(true)
                return
            } catch let error as HTTPClientError {
                throw error
            } catch {
                let socketError =
                    (error as? SocketError)
                    ?? SocketError(code: .other, errno: 0, syscall: "connect", message: "\(error)")
                if connection.isCancelled { throw cancelledError() }
                timeline.connectAttempts.append(
                    .init(
                        address: candidate, start: start, end: .now(),
                        outcome: .failure(socketError.code, errno: socketError.errno)))
                socket?.close()
                socket = nil
                _ = connection.register(socket: nil)
                lastError = socketError
            }
        }
        let tried = addresses.map(\.description).joined(separator: ", ")
        guard let lastError else { throw failure(.connectFailed, "no address to connect to") }
        switch lastError.code {
        case .connectionRefused:
            throw failure(.connectionRefused, "connection refused by \(tried) (nothing listening?)", socketError: lastError)
        case .timedOut:
            throw failure(
                .connectTimeout,
                "connect to \(tried) did not complete within \(options.timeouts.connect.map(Socket.describe) ?? "the system limit")",
                socketError: lastError, timeout: options.timeouts.connect)
        case .hostUnreachable, .networkUnreachable:
            throw failure(.unreachable, "\(tried): \(lastError.message)", socketError: lastError)
        default:
            throw failure(.connectFailed, "connect to \(tried) failed: \(lastError.message)", socketError: lastError)
        }
    }

    /// Non-blocking connect bounded by the connect and total deadlines, woken by cancel.
    func connectOne(_ socket: Socket, to address: SocketAddress) throws {
        if try Syscalls.startConnect(socket.fd, to: address) { return }
        let connectDeadline = options.timeouts.connect.map { MonotonicInstant.now() + $0 }
        while true {
            let deadline = MonotonicInstant.earliest(connectDeadline, totalDeadline)
            let (events, woken) = try Syscalls.pollOne(
                socket.fd, events: .writable, wakeFD: wake.read, timeoutMilliseconds: MonotonicInstant.pollMilliseconds(until: deadline))
            if woken { throw cancelledError() }
            if events.isEmpty {
                let now = MonotonicInstant.now()
                if let totalDeadline, now >= totalDeadline { throw totalTimeoutError() }
                if let connectDeadline, now >= connectDeadline {
                    throw SocketError(
                        code: .timedOut, errno: Syscalls.timedOutErrno, syscall: "connect",
                        message: "no answer within \(options.timeouts.connect.map(Socket.describe) ?? "?")",
                        address: address.description)
                }
                continue
            }
            let pending = try Syscalls.pendingSocketError(socket.fd)
            if pending == 0 { return }
            throw SocketError(errno: pending, syscall: "connect", address: address.description)
        }
    }

    /// Writes the request; returns the failure instead of throwing, because the server may have
    /// answered (e.g. 413) before closing.
    mutating func writeRequest() -> HTTPClientError? {
        guard let socket else { return failure(.connectFailed, "no socket") }
        let bytes = request.serialized()
        let writeDeadline = MonotonicInstant.earliest(options.timeouts.headers.map { MonotonicInstant.now() + $0 }, totalDeadline)
        var offset = 0
        do {
            while offset < bytes.count {
                let sent = try bytes.withUnsafeBytes { raw in
                    try Syscalls.sendBytes(socket.fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
                if let sent {
                    offset += sent
                    requestBytesSent = offset
                    continue
                }
                let (events, woken) = try Syscalls.pollOne(
                    socket.fd, events: .writable, wakeFD: wake.read,
                    timeoutMilliseconds: MonotonicInstant.pollMilliseconds(until: writeDeadline))
                if woken { return cancelledError() }
                if events.isEmpty, let writeDeadline, MonotonicInstant.now() >= writeDeadline {
                    if let totalDeadline, MonotonicInstant.now() >= totalDeadline { return totalTimeoutError() }
                    return failure(
                        .headersTimeout, "the server did not accept the request body within \(options.timeouts.headers.map(Socket.describe) ?? "?")",
                        timeout: options.timeouts.headers)
                }
            }
        } catch {
            if connection.isCancelled { return cancelledError() }
            let socketError = error as? SocketError
            timeline.requestWritten = .now()
            return failure(
                .connectionReset, "writing the request failed after \(offset) of \(bytes.count) bytes: \(socketError?.message ?? "\(error)")",
                socketError: socketError)
        }
        timeline.requestWritten = .now()
        return nil
    }
}
