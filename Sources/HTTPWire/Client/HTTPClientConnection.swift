/// One blocking HTTP/1.1 exchange over a fresh TCP connection, with a full timeline.
///
/// ``run(_:)`` resolves the host (or uses the given addresses), tries every address in order
/// (recording each attempt), writes the request, then parses the response and reports each
/// event as it happens. ``cancel()`` may be called from any thread: it shuts the socket (so the
/// server sees the client leave) and wakes the blocked call, which throws `.cancelled`.
///
/// `@unchecked Sendable`: `cancelled`, `socket` and the wake pipe are guarded by `lock`; all
/// other state lives on the thread running ``run(_:)``.
public final class HTTPClientConnection: @unchecked Sendable {
    public let request: HTTPClientRequest
    public let options: HTTPClientOptions

    private let lock = Lock()
    private var cancelled = false
    private var socket: Socket?
    private var wakeWrite: Int32 = -1

    public init(request: HTTPClientRequest, options: HTTPClientOptions = .init()) {
        self.request = request
        self.options = options
    }

    /// Aborts the exchange from any thread: shuts the socket and wakes ``run(_:)``.
    public func cancel() {
        lock.withLock {
            guard !cancelled else { return }
            cancelled = true
            socket?.shutdown(.both)
            if wakeWrite >= 0 {
                let byte: [UInt8] = [1]
                _ = byte.withUnsafeBytes { try? Syscalls.writeBytes(wakeWrite, $0) }
            }
        }
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { lock.withLock { cancelled } }

    // MARK: - Exchange

    /// Runs the exchange, calling `emit` on this thread for every event, and returns the timeline.
    ///
    /// - Throws: ``HTTPClientError`` (its timeline covers everything up to the failure).
    @available(*, noasync, message: "blocks; use RawHTTPClient from async code")
    @discardableResult
    public func run(_ emit: (HTTPClientEvent) -> Void) throws -> HTTPTimeline {
        var exchange = Exchange(connection: self)
        defer { exchange.cleanUp() }
        return try exchange.run(emit)
    }

    fileprivate func register(socket newSocket: Socket?) -> Bool {
        lock.withLock {
            socket = newSocket
            if cancelled { newSocket?.shutdown(.both) }
            return !cancelled
        }
    }

    fileprivate func register(wakeWrite fd: Int32) -> Bool {
        lock.withLock {
            wakeWrite = fd
            return !cancelled
        }
    }
}

/// The state of one run; lives on the running thread only.
private struct Exchange {
    let connection: HTTPClientConnection
    var request: HTTPClientRequest { connection.request }
    var options: HTTPClientOptions { connection.options }
    var timeline = HTTPTimeline()
    var socket: Socket?
    var wake: (read: Int32, write: Int32) = (-1, -1)
    var address: SocketAddress?
    var responseHead: HTTPResponseHead?
    var lastBytes: [UInt8] = []
    var totalDeadline: UInt64?

    init(connection: HTTPClientConnection) {
        self.connection = connection
        totalDeadline = connection.options.timeouts.total.map { timeline.start &+ UInt64(max(0, $0.nanoseconds)) }
    }

    mutating func cleanUp() {
        _ = connection.register(socket: nil)
        socket?.close()
        socket = nil
        connection.lockedCloseWake(wake)
        wake = (-1, -1)
    }

    // MARK: - Errors

    func failure(
        _ code: HTTPClientError.Code, _ message: String, socketError: SocketError? = nil,
        parseError: HTTPResponseParseError? = nil, timeout: Duration? = nil
    ) -> HTTPClientError {
        var timeline = self.timeline
        let now = MonotonicClock.now()
        timeline.end = now
        var error = HTTPClientError(code, message, timeline: timeline)
        error.address = address
        error.host = request.host
        error.socketError = socketError
        error.errno = socketError?.errno
        error.parseError = parseError
        error.timeout = timeout
        if timeout != nil { error.waitedNanoseconds = now &- timeline.start }
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
        do {
            wake = try Syscalls.makePipe()
        } catch {
            throw failure(.connectFailed, "could not create a wake pipe", socketError: error as? SocketError)
        }
        guard connection.register(wakeWrite: wake.write) else { throw cancelledError() }
        let addresses = try resolveAddresses()
        try connect(to: addresses)
        emit(.connected(timeline.connectAttempts))
        let writeError = writeRequest()
        try readResponse(emit, writeError: writeError)
        timeline.end = MonotonicClock.now()
        emit(.end(timeline))
        return timeline
    }

    private mutating func resolveAddresses() throws(HTTPClientError) -> [SocketAddress] {
        if let given = request.addresses {
            guard !given.isEmpty else { throw failure(.invalidRequest, "an empty address list was given") }
            return given.map { $0.port == 0 ? $0.with(port: request.port) : $0 }
        }
        if let literal = SocketAddress(ipAddress: request.host, port: request.port) { return [literal] }
        timeline.nameResolutionStart = MonotonicClock.now()
        defer { timeline.nameResolutionEnd = MonotonicClock.now() }
        do {
            let found = try NameResolver.resolve(host: request.host, port: request.port)
            if connection.isCancelled { throw cancelledError() }
            return found
        } catch let error as HTTPClientError {
            throw error
        } catch {
            let socketError = error as? SocketError
            timeline.nameResolutionEnd = MonotonicClock.now()
            throw failure(
                .nameResolution,
                "cannot resolve \"\(request.host)\": \(socketError?.message ?? "\(error)")", socketError: socketError)
        }
    }

    private mutating func connect(to addresses: [SocketAddress]) throws(HTTPClientError) {
        var lastError: SocketError?
        for candidate in addresses {
            address = candidate
            let start = MonotonicClock.now()
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
                    .init(address: candidate, start: start, end: MonotonicClock.now(), outcome: .success))
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
                        address: candidate, start: start, end: MonotonicClock.now(),
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
    private func connectOne(_ socket: Socket, to address: SocketAddress) throws {
        if try Syscalls.startConnect(socket.fd, to: address) { return }
        let now = MonotonicClock.now()
        let connectDeadline = options.timeouts.connect.map { now &+ UInt64(max(0, $0.nanoseconds)) }
        while true {
            let deadline = earliest(connectDeadline, totalDeadline)
            let (events, woken) = try Syscalls.pollOne(
                socket.fd, events: .writable, wakeFD: wake.read,
                timeoutMilliseconds: deadline.map { Syscalls.pollMilliseconds(until: $0) } ?? -1)
            if woken { throw cancelledError() }
            if events.isEmpty {
                let now = MonotonicClock.now()
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
    private mutating func writeRequest() -> HTTPClientError? {
        guard let socket else { return failure(.connectFailed, "no socket") }
        let bytes = request.serialized()
        let writeDeadline = earliest(
            options.timeouts.headers.map { MonotonicClock.now() &+ UInt64(max(0, $0.nanoseconds)) }, totalDeadline)
        var offset = 0
        do {
            while offset < bytes.count {
                let sent = try bytes.withUnsafeBytes { raw in
                    try Syscalls.sendBytes(socket.fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
                if let sent {
                    offset += sent
                    continue
                }
                let (events, woken) = try Syscalls.pollOne(
                    socket.fd, events: .writable, wakeFD: wake.read,
                    timeoutMilliseconds: writeDeadline.map { Syscalls.pollMilliseconds(until: $0) } ?? -1)
                if woken { return cancelledError() }
                if events.isEmpty, let writeDeadline, MonotonicClock.now() >= writeDeadline {
                    if let totalDeadline, MonotonicClock.now() >= totalDeadline { return totalTimeoutError() }
                    return failure(
                        .headersTimeout, "the server did not accept the request body within \(options.timeouts.headers.map(Socket.describe) ?? "?")",
                        timeout: options.timeouts.headers)
                }
            }
        } catch {
            if connection.isCancelled { return cancelledError() }
            let socketError = error as? SocketError
            timeline.requestWritten = MonotonicClock.now()
            return failure(
                .connectionReset, "writing the request failed after \(offset) of \(bytes.count) bytes: \(socketError?.message ?? "\(error)")",
                socketError: socketError)
        }
        timeline.requestWritten = MonotonicClock.now()
        return nil
    }

    private mutating func readResponse(
        _ emit: (HTTPClientEvent) -> Void, writeError: HTTPClientError?
    ) throws(HTTPClientError) {
        if let writeError, writeError.code == .cancelled || writeError.code == .totalTimeout { throw writeError }
        guard let socket else { throw failure(.connectFailed, "no socket") }
        var parser = HTTPResponseParser(requestMethod: request.method, maximumHeadBytes: options.maximumHeadBytes)
        var buffer = [UInt8](repeating: 0, count: max(1024, options.readBufferSize))
        let written = timeline.requestWritten ?? MonotonicClock.now()
        let headersDeadline = options.timeouts.headers.map { written &+ UInt64(max(0, $0.nanoseconds)) }
        var lastRead = written
        var bodyLimit = options.maximumBodyBytes
        var bodyCount = 0
        while true {
            let phaseDeadline =
                responseHead == nil
                ? headersDeadline : options.timeouts.idle.map { lastRead &+ UInt64(max(0, $0.nanoseconds)) }
            let deadline = earliest(phaseDeadline, totalDeadline)
            let events: Syscalls.PollEvents
            let woken: Bool
            do {
                (events, woken) = try Syscalls.pollOne(
                    socket.fd, events: .readable, wakeFD: wake.read,
                    timeoutMilliseconds: deadline.map { Syscalls.pollMilliseconds(until: $0) } ?? -1)
            } catch {
                throw failure(.connectionReset, "poll failed", socketError: error as? SocketError)
            }
            if woken { throw cancelledError() }
            if events.isEmpty {
                let now = MonotonicClock.now()
                if let totalDeadline, now >= totalDeadline { throw totalTimeoutError() }
                if let phaseDeadline, now >= phaseDeadline {
                    if responseHead == nil {
                        if let writeError { throw writeError }
                        let limit = options.timeouts.headers
                        throw failure(
                            .headersTimeout,
                            "no response head within \(limit.map(Socket.describe) ?? "?") of sending the request"
                                + (parser.isComplete || lastBytes.isEmpty ? "" : " (\(lastBytes.count) partial head bytes)"),
                            timeout: limit)
                    }
                    let limit = options.timeouts.idle
                    throw failure(
                        .idleTimeout,
                        "no body bytes for \(limit.map(Socket.describe) ?? "?") after \(bodyCount) bytes",
                        timeout: limit)
                }
                continue
            }
            let received: Int?
            do {
                received = try buffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
            } catch {
                if connection.isCancelled { throw cancelledError() }
                let socketError = error as? SocketError
                if responseHead == nil, let writeError { throw writeError }
                throw failure(
                    .connectionReset,
                    responseHead == nil
                        ? "connection reset before the response head" : "connection reset after \(bodyCount) body bytes",
                    socketError: socketError)
            }
            guard let count = received else { continue }
            let at = MonotonicClock.now()
            lastRead = at
            var parsed: [HTTPResponseParser.Event]
            if count == 0 {
                if connection.isCancelled { throw cancelledError() }
                do {
                    parsed = try parser.finish()
                } catch {
                    if error.code == .truncatedHead {
                        if let writeError { throw writeError }
                        throw failure(
                            .connectionClosed,
                            lastBytes.isEmpty
                                ? "the server closed the connection without sending a response"
                                : "the server closed the connection inside the response head",
                            parseError: error)
                    }
                    throw failure(.truncatedBody, error.description, parseError: error)
                }
            } else {
                lastBytes.append(contentsOf: buffer[0..<count])
                if lastBytes.count > 400 { lastBytes.removeFirst(lastBytes.count - 200) }
                do {
                    parsed = try parser.consume(buffer[0..<count])
                } catch {
                    throw failure(error.code == .headTooLarge ? .tooLarge : .malformedResponse, error.description, parseError: error)
                }
            }
            for event in parsed {
                switch event {
                case .informational(let head):
                    emit(.informational(head, at: at))
                case .head(let head):
                    responseHead = head
                    timeline.headersReceived = at
                    if head.status.code >= 400 {
                        bodyLimit = min(bodyLimit ?? .max, options.maximumErrorBodyBytes)
                    }
                    emit(.head(head, at: at))
                case .body(var piece):
                    if let limit = bodyLimit, bodyCount + piece.count > limit {
                        if responseHead.map({ $0.status.code >= 400 }) == true {
                            piece.removeLast(bodyCount + piece.count - limit)
                            if !piece.isEmpty {
                                recordPiece(piece.count, at: at)
                                bodyCount += piece.count
                                emit(.body(piece, at: at))
                            }
                            timeline.isBodyCapped = true
                            return
                        }
                        throw failure(.tooLarge, "the body exceeds the limit of \(limit) bytes")
                    }
                    recordPiece(piece.count, at: at)
                    bodyCount += piece.count
                    emit(.body(piece, at: at))
                case .end:
                    return
                }
            }
            if count == 0 { return }
        }
    }

    private mutating func recordPiece(_ count: Int, at: UInt64) {
        if timeline.firstBodyByte == nil { timeline.firstBodyByte = at }
        timeline.bodyPieces.append(.init(at: at, byteCount: count))
    }
}

extension HTTPClientConnection {
    fileprivate func lockedCloseWake(_ wake: (read: Int32, write: Int32)) {
        lock.withLock {
            wakeWrite = -1
            if wake.read >= 0 { Syscalls.closeDescriptor(wake.read) }
            if wake.write >= 0 { Syscalls.closeDescriptor(wake.write) }
        }
    }
}

private func earliest(_ a: UInt64?, _ b: UInt64?) -> UInt64? {
    switch (a, b) {
    case (nil, nil): nil
    case (let x?, nil): x
    case (nil, let y?): y
    case (let x?, let y?): min(x, y)
    }
}
