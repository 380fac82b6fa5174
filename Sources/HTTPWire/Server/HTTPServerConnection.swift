/// One accepted connection: reads requests, calls the handler and is the handler's
/// ``HTTPResponseWriter`` (reset for every request, so no per-request allocation).
///
/// Between requests the connection is parked in the server's readiness queue; when bytes arrive
/// one pool thread claims it and calls ``serveAvailable(hasSpareWaiter:)``, which serves every
/// request that can be read without waiting. A request that has only partly arrived keeps its
/// thread until it is complete or times out (`408`), and a handler may block or sleep on that thread.
///
/// `@unchecked Sendable`: exactly one thread owns the connection at a time — the server hands it
/// over under its lock (the slot's busy flag) — and other threads reach the socket only through
/// ``Socket/shutdown(_:)``.
final class HTTPServerConnection: @unchecked Sendable {
    /// Where the response to the current request stands.
    enum ResponseState {
        /// Nothing sent yet.
        case awaitingHead
        /// The head is out (or raw bytes were written); the body goes out with this framing.
        case sendingBody(HTTPResponseFraming, written: Int)
        /// The body is complete.
        case finished
        /// No more I/O: the handler called `close()` (`byReset` false) or `reset()`, or a send failed.
        case aborted(byReset: Bool, headWasWritten: Bool)
    }

    /// What the owning thread does with the connection after ``serveAvailable(hasSpareWaiter:)``.
    enum Outcome {
        /// Nothing more to read now: park it until the next bytes arrive.
        case idle
        /// The socket is closed.
        case closed
    }

    /// The result of waiting for the client's bytes (``waitAndReceive(until:wakingOn:)``).
    enum Received {
        /// This many bytes are in ``readBuffer``.
        case bytes(Int)
        /// The client closed its side (or the socket failed).
        case peerClosed
        /// The deadline passed.
        case timedOut
        /// The wake pipe became readable (the server is stopping).
        case woken
    }

    let socket: Socket
    let id: Int
    let context: HTTPServer.Context
    private let remoteAddress: String?
    var parser: HTTPRequestParser
    var readBuffer: [UInt8]
    var out: [UInt8] = []
    private var requestCount = 0
    /// Whether a thread other than this one waits for ready connections while this one serves.
    private var hasSpareWaiter = true

    // Per-request state.
    private(set) var requestHead = HTTPRequestHead(method: .get, target: "/")
    var response = ResponseState.awaitingHead
    /// The connection ends after the current response.
    var closesAfterResponse = false
    /// `100 Continue` went out for the current request.
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
                    receivedAt: MonotonicInstant.now(), indexOnConnection: requestCount, connectionID: id)
                guard serve(request) else { return closeNow() }
                if context.isStopping { return closeNow() }
                continue
            }
            if hasRead { return .idle }
            hasRead = true
            switch receive() {
            case .bytes(let count): feedParser(count)
            case nil: return .idle  // a spurious wake-up: nothing to read
            default: return closeNow()  // the client closed, or the socket failed
            }
        }
    }

    /// Called right before this thread may block (a pause, a wait for the client, a write the client
    /// does not read): makes sure another thread serves the other connections meanwhile.
    func willBlock() {
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

    // MARK: - Reading

    /// One non-blocking read into ``readBuffer``: nil when nothing is there yet.
    func receive() -> Received? {
        let count: Int?
        do {
            count = try readBuffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
        } catch {
            return .peerClosed
        }
        guard let count else { return nil }
        return count == 0 ? .peerClosed : .bytes(count)
    }

    /// The one wait-until-readable-then-read of the connection: waits (announcing ``willBlock()``)
    /// until bytes arrive, the client closes, `wakeFD` becomes readable or the monotonic
    /// `deadline` (nil: none) passes.
    func waitAndReceive(until deadline: MonotonicInstant?, wakingOn wakeFD: Int32) -> Received {
        while true {
            let wait = MonotonicInstant.pollMilliseconds(until: deadline)
            if wait != 0 { willBlock() }
            guard
                let (events, woken) = try? Syscalls.pollOne(
                    socket.fd, events: .readable, wakeFD: wakeFD, timeoutMilliseconds: wait)
            else { return .peerClosed }
            if woken { return .woken }
            if events.isEmpty {
                if let deadline, MonotonicInstant.now() >= deadline { return .timedOut }
                continue
            }
            if let received = receive() { return received }
        }
    }

    /// Hands the first `count` bytes of ``readBuffer`` to the parser.
    func feedParser(_ count: Int) {
        readBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Reads the next complete request; nil when the connection should end (after answering
    /// any protocol error itself).
    private func readRequest() -> HTTPRequestParser.Request? {
        let configuration = context.configuration
        var requestDeadline: MonotonicInstant?
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
                    requestDeadline = MonotonicInstant.now() + max(.zero, configuration.requestReadTimeout)
                }
                if let head = parser.headAwaitingBody, !continueSent, head.version == .http1_1,
                    head.headers.containsToken("100-continue", in: "Expect")
                {
                    continueSent = true
                    guard (try? socket.writeAll(Self.continueBytes)) != nil else { return nil }
                }
            }
            // A started request waits for its read deadline (cut short only by a forced stop);
            // between requests the idle timeout applies and a stop ends the wait.
            let received =
                requestDeadline.map { waitAndReceive(until: $0, wakingOn: context.forcePipe) }
                ?? waitAndReceive(
                    until: MonotonicInstant.now() + max(.zero, configuration.idleTimeout),
                    wakingOn: context.stopPipe)
            switch received {
            case .bytes(let count):
                feedParser(count)
            case .timedOut:
                if requestDeadline != nil {
                    sendErrorResponse(
                        status: .requestTimeout,
                        text: "request not received in full within \(Socket.describe(configuration.requestReadTimeout))")
                }
                return nil
            case .peerClosed, .woken:
                return nil
            }
        }
    }

    private static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Runs the handler for one request. Returns whether the connection may serve another.
    private func serve(_ request: HTTPRequest) -> Bool {
        requestHead = request.head
        response = .awaitingHead
        closesAfterResponse = !request.head.isKeepAlive
        out.removeAll(keepingCapacity: true)
        do {
            try context.handler(request, self)
        } catch {
            switch response {
            case .aborted:
                break
            case .awaitingHead:
                let text = "handler failed: \(error)"
                try? respond(
                    status: .internalServerError, headers: ["Content-Type": "text/plain; charset=utf-8"],
                    text: String(text.prefix(500)))
            case .sendingBody, .finished:
                // The head is out: finishing would pass a broken response off as complete.
                _ = flush()
                lingeringClose()
                return false
            }
        }
        switch response {
        case .aborted(let byReset, _):
            if !byReset && !socket.isClosed { lingeringClose() }
            return false
        case .awaitingHead:
            try? respond(
                status: .internalServerError, headers: ["Content-Type": "text/plain; charset=utf-8"],
                text: "handler returned without responding\n")
        case .sendingBody:
            try? finish()
        case .finished:
            break
        }
        if case .aborted = response { return false }
        if !out.isEmpty { guard flush() else { return false } }
        // A stopping server is noticed through the stop pipe while waiting for the next request.
        return !closesAfterResponse
    }

    // MARK: - Closing

    func sendErrorResponse(status: HTTPStatus, text: String) {
        out.removeAll(keepingCapacity: true)
        let body = Array((text + "\n").utf8)
        HTTPResponseHead(
            status: status,
            headers: [
                "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.count),
                "Connection": "close",
            ]
        ).write(to: &out)
        out.append(contentsOf: body)
        _ = flush()
        lingeringClose()
    }

    /// Half-closes, drains what the client still sends (so our last bytes are not destroyed by an
    /// RST), then closes. Bounded to 1 s and 1 MiB; cut short when the server stops.
    func lingeringClose() {
        guard !socket.isClosed else { return }
        socket.shutdown(.write)
        let deadline = MonotonicInstant.now() + .seconds(1)
        var drained = 0
        while drained < 1 << 20 {
            let received = receive() ?? waitAndReceive(until: deadline, wakingOn: context.stopPipe)
            guard case .bytes(let count) = received else { break }  // the client's FIN, a stop or the deadline
            drained += count
        }
        socket.close()
    }
}
