extension HTTPClientExchange {
    /// Reads and parses the response, emitting each event; returns at the end of the body.
    ///
    /// Deadlines: the headers timeout runs from the request written to the final head, the idle
    /// timeout from the last read (or from when `emit` returned, so a slow consumer is not taken
    /// for a silent server), and the total deadline bounds everything.
    mutating func readResponse(_ emit: (HTTPClientEvent) -> Void, writeError: HTTPClientError?) throws(HTTPClientError) {
        if let writeError, writeError.code == .cancelled || writeError.code == .totalTimeout { throw writeError }
        guard let socket else { throw failure(.connectFailed, "no socket") }
        var parser = HTTPResponseParser(requestMethod: request.method, maximumHeadBytes: options.maximumHeadBytes)
        // Not zero-filled: `recv` writes before anything is read, and clearing 64 KiB per exchange
        // was a measurable share of a proxied request.
        let bufferSize = max(1024, options.readBufferSize)
        var buffer = [UInt8](unsafeUninitializedCapacity: bufferSize) { _, count in count = bufferSize }
        let written = timeline.requestWritten ?? .now()
        let headersDeadline = options.timeouts.headers.map { written + $0 }
        var lastRead = written
        var bodyLimit = options.maximumBodyBytes
        var bodyCount = 0
        while true {
            let phaseDeadline = responseHead == nil ? headersDeadline : options.timeouts.idle.map { lastRead + $0 }
            let deadline = MonotonicInstant.earliest(phaseDeadline, totalDeadline)
            let events: Syscalls.PollEvents
            let woken: Bool
            do {
                (events, woken) = try Syscalls.pollOne(
                    socket.fd, events: .readable, wakeFD: wake.read, timeoutMilliseconds: MonotonicInstant.pollMilliseconds(until: deadline))
            } catch {
                throw failure(.connectionReset, "poll failed", socketError: error as? SocketError)
            }
            if woken { throw cancelledError() }
            if events.isEmpty {
                let now = MonotonicInstant.now()
                if let totalDeadline, now >= totalDeadline { throw totalTimeoutError() }
                if let phaseDeadline, now >= phaseDeadline { throw phaseTimeoutError(parser: parser, writeError: writeError, bodyCount: bodyCount) }
                continue
            }
            let received: Int?
            do {
                received = try buffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(socket.fd, into: $0) }
            } catch {
                if connection.isCancelled { throw cancelledError() }
                if responseHead == nil, let writeError { throw writeError }
                throw failure(
                    .connectionReset,
                    responseHead == nil ? "connection reset before the response head" : "connection reset after \(bodyCount) body bytes",
                    socketError: error as? SocketError)
            }
            guard let count = received else { continue }
            let at = MonotonicInstant.now()
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
                    if head.status.code >= 400 { bodyLimit = min(bodyLimit ?? .max, options.maximumErrorBodyBytes) }
                    if let limit = bodyLimit, head.status.code < 400, case .contentLength(let length) = parser.framing, length > limit {
                        throw failure(.tooLarge, "the response announces \(length) body bytes, more than the limit of \(limit)")
                    }
                    emit(.head(head, at: at))
                case .body(var piece):
                    if let limit = bodyLimit, bodyCount + piece.count > limit {
                        guard responseHead.map({ $0.status.code >= 400 }) == true else {
                            throw failure(.tooLarge, "the body exceeds the limit of \(limit) bytes")
                        }
                        piece.removeLast(bodyCount + piece.count - limit)
                        if !piece.isEmpty {
                            recordPiece(piece.count, at: at)
                            bodyCount += piece.count
                            emit(.body(piece, at: at))
                        }
                        timeline.isBodyCapped = true
                        return
                    }
                    recordPiece(piece.count, at: at)
                    bodyCount += piece.count
                    emit(.body(piece, at: at))
                case .end:
                    isReusable = count > 0 && keepsAlive(parser)
                    return
                }
            }
            if count == 0 { return }
            // `emit` may have waited for a slow consumer: idleness counts from now.
            lastRead = MonotonicInstant.now()
        }
    }

    /// Whether the connection may carry another exchange after this complete response: HTTP/1.1,
    /// `Connection: close` on neither side, a body delimited by length or chunks (or none) and no
    /// byte received beyond it.
    private func keepsAlive(_ parser: HTTPResponseParser) -> Bool {
        guard let head = responseHead, head.version == .http1_1, !timeline.isBodyCapped,
            parser.isComplete, parser.start == parser.buffer.count, parser.framing != .untilClose,
            !head.headers.containsToken("close", in: "Connection"), !request.headers.containsToken("close", in: "Connection")
        else { return false }
        return true
    }

    private func phaseTimeoutError(parser: HTTPResponseParser, writeError: HTTPClientError?, bodyCount: Int) -> HTTPClientError {
        if responseHead == nil {
            if let writeError { return writeError }
            let limit = options.timeouts.headers
            return failure(
                .headersTimeout,
                "no response head within \(limit.map(Socket.describe) ?? "?") of sending the request"
                    + (parser.isComplete || lastBytes.isEmpty ? "" : " (\(lastBytes.count) partial head bytes)"),
                timeout: limit)
        }
        let limit = options.timeouts.idle
        return failure(.idleTimeout, "no body bytes for \(limit.map(Socket.describe) ?? "?") after \(bodyCount) bytes", timeout: limit)
    }

    private mutating func recordPiece(_ count: Int, at: MonotonicInstant) {
        timeline.recordBodyPiece(count, at: at)
    }
}
