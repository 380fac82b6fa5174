/// One accepted connection: reads requests, calls the handler and is the handler's
/// ``HTTPResponseWriter`` (reset for every request, so no per-request allocation).
///
/// Between requests the connection is parked in the server's readiness queue; when bytes arrive
/// one pool thread claims it and calls ``serveAvailable()``, which serves every request that can
/// be read without waiting. A request that has only partly arrived keeps its thread until it is
/// complete or times out (`408`), and a handler may block or sleep on that thread.
///
/// `@unchecked Sendable`: exactly one thread owns the connection at a time — the server hands it
/// over under its lock (the slot's busy flag) — and other threads reach the socket only through
/// ``Socket/shutdown(_:)``.
final class HTTPServerConnection: HTTPResponseWriter, @unchecked Sendable {
    private enum BodyMode {
        /// HEAD request or 1xx/204/304: body bytes are dropped.
        case none
        case chunked
        case length(Int)
        /// Close-delimited (HTTP/1.0 without length) or raw/unknown framing.
        case untilClose
    }

    /// What the owning thread does with the connection after ``serveAvailable()``.
    enum Outcome {
        /// Nothing more to read now: park it until the next bytes arrive.
        case idle
        /// The socket is closed.
        case closed
    }

    let socket: Socket
    let id: Int
    private let context: HTTPServer.Context
    private let remoteAddress: String?
    private var parser: HTTPRequestParser
    private var readBuffer: [UInt8]
    private var out: [UInt8] = []
    private var requestCount = 0
    /// Whether a thread other than this one waits for ready connections while this one serves.
    private var hasSpareWaiter = true

    // Per-request state.
    private(set) var requestHead = HTTPRequestHead(method: .get, target: "/")
    private(set) var isHeadWritten = false
    private var mode = BodyMode.none
    private var bodyBytesWritten = 0
    private var isFinished = false
    private var closeAfterResponse = false
    /// The handler called `close()` or `reset()`, or the socket failed: no more I/O.
    private var isAborted = false
    private var wasReset = false
    private var continueSent = false

    init(socket: Socket, id: Int, peer: SocketAddress?, context: HTTPServer.Context) {
        self.socket = socket
        self.id = id
        self.context = context
        self.remoteAddress = peer?.description
        self.parser = HTTPRequestParser(limits: context.configuration.limits)
        self.readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
        out.reserveCapacity(4096)
    }

    // MARK: - Serving

    /// Serves every request that is available without waiting for the client between requests.
    ///
    /// Reads the socket once; whatever arrives later is reported by the readiness queue when the
    /// server re-arms the connection (one-shot readiness re-checks the socket at that moment).
    ///
    /// - Parameter hasSpareWaiter: whether another thread already waits for ready connections;
    ///   if not, one is started before this thread blocks (see ``willBlock()``).
    func serveAvailable(hasSpareWaiter: Bool) -> Outcome {
        self.hasSpareWaiter = hasSpareWaiter
        var hasRead = false
        while true {
            if socket.isClosed { return .closed }
            if parser.hasPartialRequest {
                // A complete request is served at once; a partial one keeps this thread until it
                // is complete (the request read timeout applies).
                guard let parsed = readRequest() else { return closeNow() }
                requestCount += 1
                let request = HTTPRequest(
                    head: parsed.head, body: parsed.body, remoteAddress: remoteAddress,
                    receivedAt: MonotonicClock.now(), indexOnConnection: requestCount, connectionID: id)
                guard serve(request) else { return closeNow() }
                if context.isStopping { return closeNow() }
                continue
            }
            if hasRead { return .idle }
            hasRead = true
            let count: Int?
            do {
                count = try readBuffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
            } catch {
                return closeNow()
            }
            guard let count else { return .idle }  // a spurious wake-up: nothing to read
            if count == 0 { return closeNow() }  // the client closed
            readBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Called right before this thread may block (a pause, a wait for the client, a write the client
    /// does not read): makes sure another thread serves the other connections meanwhile.
    private func willBlock() {
        guard !hasSpareWaiter else { return }
        hasSpareWaiter = true
        context.ensureWaitingThread()
    }

    /// Ends the connection (see ``closeAfterCleanEnd()``) unless that already happened.
    func closeNow() -> Outcome {
        if !socket.isClosed { closeAfterCleanEnd() }
        return .closed
    }

    /// Closes at once when the client has nothing more in flight (the common case after
    /// `Connection: close`), otherwise drains first so unread input does not turn our FIN into
    /// an RST that destroys the response.
    private func closeAfterCleanEnd() {
        let pending = (try? Syscalls.pollOne(socket.fd, events: .readable, timeoutMilliseconds: 0).events) ?? []
        if parser.bufferedByteCount == 0 && pending.isEmpty {
            socket.close()
        } else {
            lingeringClose()
        }
    }

    /// Reads the next complete request; nil when the connection should end (after answering
    /// any protocol error itself).
    private func readRequest() -> HTTPRequestParser.Request? {
        let configuration = context.configuration
        var requestDeadline: UInt64?
        while true {
            do {
                if let request = try parser.nextRequest() {
                    continueSent = false
                    return request
                }
            } catch {
                sendErrorResponse(status: error.status, text: error.reason)
                return nil
            }
            if parser.hasPartialRequest {
                if requestDeadline == nil {
                    requestDeadline = MonotonicClock.now() &+ UInt64(max(0, configuration.requestReadTimeout.nanoseconds))
                }
                if let head = parser.headAwaitingBody, !continueSent, head.version == .http1_1,
                    head.headers.containsToken("100-continue", in: "Expect")
                {
                    continueSent = true
                    guard (try? socket.writeAll(Self.continueBytes)) != nil else { return nil }
                }
            }
            // Wait for bytes.
            willBlock()
            let waitMilliseconds: Int32
            let wakeFD: Int32
            if let requestDeadline {
                waitMilliseconds = Syscalls.pollMilliseconds(until: requestDeadline)
                wakeFD = context.forcePipe
            } else {
                waitMilliseconds = Syscalls.pollMilliseconds(configuration.idleTimeout)
                wakeFD = context.stopPipe
            }
            let events: Syscalls.PollEvents
            let woken: Bool
            do {
                (events, woken) = try Syscalls.pollOne(
                    socket.fd, events: .readable, wakeFD: wakeFD, timeoutMilliseconds: waitMilliseconds)
            } catch {
                return nil
            }
            if woken { return nil }
            if events.isEmpty {
                if let requestDeadline, MonotonicClock.now() >= requestDeadline {
                    sendErrorResponse(
                        status: .requestTimeout,
                        text: "request not received in full within \(Socket.describe(configuration.requestReadTimeout))")
                    return nil
                }
                if requestDeadline == nil { return nil }  // idle timeout
                continue
            }
            let count: Int?
            do {
                count = try readBuffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
            } catch {
                return nil
            }
            guard let count else { continue }
            if count == 0 { return nil }
            readBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    private static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Runs the handler for one request. Returns whether the connection may serve another.
    private func serve(_ request: HTTPRequest) -> Bool {
        requestHead = request.head
        isHeadWritten = false
        mode = .none
        bodyBytesWritten = 0
        isFinished = false
        closeAfterResponse = !request.head.isKeepAlive
        out.removeAll(keepingCapacity: true)
        do {
            try context.handler(request, self)
        } catch {
            if !isHeadWritten && !isAborted {
                let text = "handler failed: \(error)"
                try? respond(
                    status: .internalServerError, headers: ["Content-Type": "text/plain; charset=utf-8"],
                    text: String(text.prefix(500)))
            } else if !isAborted {
                // The head is out: finishing would pass a broken response off as complete.
                _ = flush()
                lingeringClose()
                return false
            }
        }
        if isAborted {
            if !wasReset && !socket.isClosed { lingeringClose() }
            return false
        }
        if !isHeadWritten {
            try? respond(
                status: .internalServerError, headers: ["Content-Type": "text/plain; charset=utf-8"],
                text: "handler returned without responding\n")
        } else if !isFinished {
            try? finish()
        }
        if isAborted { return false }
        if !out.isEmpty { guard flush() else { return false } }
        // A stopping server is noticed through the stop pipe while waiting for the next request.
        return !closeAfterResponse
    }

    // MARK: - HTTPResponseWriter

    func writeHead(_ head: HTTPResponseHead) throws {
        try ensureUsable()
        if isHeadWritten { throw HTTPServerError(.headAlreadyWritten, "writeHead called twice") }
        let code = head.status.code
        if (100..<200).contains(code) && code != 101 {
            // Interim response: goes out now, the final head follows later.
            appendHead(head, extra: nil)
            try flushOrThrow()
            return
        }
        var extraConnection: String?
        let headers = head.headers
        if headers.containsToken("close", in: "Connection") { closeAfterResponse = true }
        var extraTransferEncoding = false
        if requestHead.method == .head || !head.status.mayHaveBody {
            mode = .none
        } else if let transferEncoding = headers["Transfer-Encoding"] {
            if transferEncoding.split(separator: ",").last.map({ $0.trimmingSpaces().caseInsensitiveEquals("chunked") })
                == true
            {
                mode = .chunked
            } else {
                mode = .untilClose
                closeAfterResponse = true
            }
        } else if let lengthText = headers["Content-Length"], let length = Int(lengthText) ?? Int(lengthText.trimmingSpaces()) {
            mode = .length(length)
        } else if requestHead.version == .http1_1 {
            mode = .chunked
            extraTransferEncoding = true
        } else {
            mode = .untilClose
            closeAfterResponse = true
        }
        if closeAfterResponse {
            if !headers.containsToken("close", in: "Connection") { extraConnection = "close" }
        } else if requestHead.version == .http1_0 && !headers.contains("Connection") {
            extraConnection = "keep-alive"
        }
        appendHead(head, extra: (extraTransferEncoding, extraConnection))
        isHeadWritten = true
    }

    func writeBody(_ bytes: [UInt8]) throws {
        try ensureUsable()
        if isFinished { throw HTTPServerError(.alreadyFinished, "writeBody after finish") }
        if !isHeadWritten { try writeHead(HTTPResponseHead(status: .ok)) }
        if !bytes.isEmpty {
            switch mode {
            case .none:
                break
            case .chunked:
                appendChunkSize(bytes.count)
                out.append(contentsOf: bytes)
                out.append(0x0D)
                out.append(0x0A)
            case .length, .untilClose:
                out.append(contentsOf: bytes)
            }
            bodyBytesWritten += bytes.count
        }
        try flushOrThrow()
    }

    func finish() throws {
        try ensureUsable()
        if isFinished { throw HTTPServerError(.alreadyFinished, "finish called twice") }
        if !isHeadWritten {
            try writeHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": "0"]))
        }
        switch mode {
        case .chunked:
            out.append(contentsOf: Self.lastChunk)
        case .length(let length):
            if bodyBytesWritten != length { closeAfterResponse = true }
        case .untilClose:
            closeAfterResponse = true
        case .none:
            break
        }
        isFinished = true
        try flushOrThrow()
    }

    func writeRaw(_ bytes: [UInt8]) throws {
        try ensureUsable()
        if !isHeadWritten {
            isHeadWritten = true
            mode = .untilClose
        }
        closeAfterResponse = true
        out.append(contentsOf: bytes)
        try flushOrThrow()
    }

    func close() {
        guard !isAborted else { return }
        _ = flush()
        isAborted = true
        socket.shutdown(.write)
    }

    func reset() {
        guard !isAborted || !wasReset else { return }
        if !isAborted { _ = flush() }
        isAborted = true
        wasReset = true
        socket.setLingerZeroAndClose()
    }

    func pause(for duration: Duration) throws {
        if !isAborted && !out.isEmpty { try flushOrThrow() }
        if duration > .zero { willBlock() }
        let deadline = MonotonicClock.now() &+ UInt64(max(0, duration.nanoseconds))
        while true {
            let now = MonotonicClock.now()
            if now >= deadline { break }
            let remaining = deadline - now
            if remaining <= 2_000_000 {
                if context.isForced { throw HTTPServerError(.serverStopping, "server stopping during pause") }
                Syscalls.sleepPrecisely(until: deadline)
                break
            }
            // Coarse part: wait on the force pipe, waking 1-2 ms early for the precise sleep.
            let coarse = Int32(clamping: (remaining - 1_500_000) / 1_000_000)
            let (forced, _) = try Syscalls.pollOne(
                context.forcePipe, events: .readable, timeoutMilliseconds: coarse)
            if !forced.isEmpty { throw HTTPServerError(.serverStopping, "server stopping during pause") }
        }
        if context.isForced { throw HTTPServerError(.serverStopping, "server stopping during pause") }
    }

    func waitForPeerClose(timeout: Duration?) -> Bool {
        if !isAborted && !out.isEmpty { guard flush() else { return true } }
        if socket.isClosed { return true }
        willBlock()
        let deadline = timeout.map { MonotonicClock.now() &+ UInt64(max(0, $0.nanoseconds)) }
        while true {
            let wait = deadline.map { Syscalls.pollMilliseconds(until: $0) } ?? -1
            guard
                let (events, woken) = try? Syscalls.pollOne(
                    socket.fd, events: .readable, wakeFD: context.forcePipe, timeoutMilliseconds: wait)
            else { return true }
            if woken { return false }
            if events.isEmpty {
                if let deadline, MonotonicClock.now() >= deadline { return false }
                continue
            }
            let count: Int?
            do {
                count = try readBuffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
            } catch {
                return true
            }
            guard let count else { continue }
            if count == 0 { return true }
            // Keep pipelined bytes for the next request (bounded).
            if parser.bufferedByteCount < 1 << 20 {
                readBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }

    // MARK: - Output

    private static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private func ensureUsable() throws {
        if isAborted {
            throw wasReset || socket.isClosed
                ? HTTPServerError(.peerClosed, "connection closed")
                : HTTPServerError(.alreadyFinished, "connection was closed by the handler")
        }
    }

    private func appendChunkSize(_ count: Int) {
        var shift = (Int.bitWidth - count.leadingZeroBitCount + 3) / 4 * 4 - 4
        if shift < 0 { shift = 0 }
        while shift >= 0 {
            out.append(Self.hexDigits[(count >> shift) & 0xF])
            shift -= 4
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    private func appendHead(_ head: HTTPResponseHead, extra: (transferEncoding: Bool, connection: String?)?) {
        head.write(to: &out, addingChunkedTransferEncoding: extra?.transferEncoding ?? false, connection: extra?.connection)
    }

    /// Sends the pending output; on failure marks the connection aborted and returns false.
    private func flush() -> Bool {
        do {
            try flushOrThrow()
            return true
        } catch {
            return false
        }
    }

    private func flushOrThrow() throws {
        guard !out.isEmpty else { return }
        if isAborted || socket.isClosed { throw HTTPServerError(.peerClosed, "connection closed") }
        do {
            // A client that stops reading for a whole idle timeout is treated as gone.
            try out.withUnsafeBytes {
                try socket.writeAll($0, timeout: context.configuration.idleTimeout, beforeWaiting: { willBlock() })
            }
            out.removeAll(keepingCapacity: true)
        } catch let error as SocketError {
            out.removeAll(keepingCapacity: true)
            isAborted = true
            socket.shutdown(.both)
            if context.isForced { throw HTTPServerError(.serverStopping, "server stopped the connection", underlying: error) }
            switch error.code {
            case .brokenPipe, .connectionReset:
                throw HTTPServerError(.peerClosed, "client went away", underlying: error)
            case .timedOut:
                throw HTTPServerError(.peerClosed, "client stopped reading (idle timeout)", underlying: error)
            default:
                throw HTTPServerError(.ioFailure, "send failed", underlying: error)
            }
        }
    }

    // MARK: - Closing

    private func sendErrorResponse(status: HTTPStatus, text: String) {
        out.removeAll(keepingCapacity: true)
        let body = Array((text + "\n").utf8)
        appendHead(
            HTTPResponseHead(
                status: status,
                headers: [
                    "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.count),
                    "Connection": "close",
                ]), extra: nil)
        out.append(contentsOf: body)
        _ = flush()
        lingeringClose()
    }

    /// Half-closes, drains what the client still sends (so our last bytes are not destroyed by an
    /// RST), then closes. Bounded to 1 s and 1 MiB; cut short when the server stops.
    private func lingeringClose() {
        guard !socket.isClosed else { return }
        socket.shutdown(.write)
        let deadline = MonotonicClock.now() &+ 1_000_000_000
        var drained = 0
        while drained < 1 << 20 {
            let received: Int?
            do {
                received = try readBuffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
            } catch {
                break
            }
            if let count = received {
                if count == 0 { break }  // the client's FIN: done
                drained += count
                continue
            }
            // Nothing yet: wait (bounded) for more bytes or the client's FIN.
            willBlock()
            guard
                let (events, woken) = try? Syscalls.pollOne(
                    socket.fd, events: .readable, wakeFD: context.stopPipe,
                    timeoutMilliseconds: Syscalls.pollMilliseconds(until: deadline))
            else { break }
            if woken || events.isEmpty { break }
        }
        socket.close()
    }
}
