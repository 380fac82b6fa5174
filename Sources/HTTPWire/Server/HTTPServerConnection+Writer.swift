extension HTTPServerConnection: HTTPResponseWriter {
    var isHeadWritten: Bool {
        switch response {
        case .awaitingHead: false
        case .sendingBody, .finished: true
        case .aborted(_, let headWasWritten): headWasWritten
        }
    }

    func writeHead(_ head: HTTPResponseHead) throws {
        try ensureUsable()
        guard case .awaitingHead = response else { throw HTTPServerError(.headAlreadyWritten, "writeHead called twice") }
        let code = head.status.code
        if (100..<200).contains(code) && code != 101 {
            // Interim response: goes out now, the final head follows later.
            head.write(to: &out)
            try flushOrThrow()
            return
        }
        let decision = HTTPResponseFraming.decide(
            for: head, requestMethod: requestHead.method, requestVersion: requestHead.version,
            requestKeepsAlive: !closesAfterResponse)
        closesAfterResponse = decision.closesConnection
        head.write(
            to: &out, addingChunkedTransferEncoding: decision.addsChunkedTransferEncoding,
            connection: decision.connectionField)
        response = .sendingBody(decision.framing, written: 0)
    }

    func writeBody(_ bytes: [UInt8]) throws {
        try ensureUsable()
        if case .finished = response { throw HTTPServerError(.alreadyFinished, "writeBody after finish") }
        if case .awaitingHead = response { try writeHead(HTTPResponseHead(status: .ok)) }
        guard case .sendingBody(let framing, let written) = response else { return }
        if !bytes.isEmpty {
            switch framing {
            case .none: break
            case .chunked: ChunkedBodyEncoder.appendChunk(bytes, to: &out)
            case .length, .untilClose: out.append(contentsOf: bytes)
            }
            response = .sendingBody(framing, written: written + bytes.count)
        }
        try flushOrThrow()
    }

    func finish() throws {
        try ensureUsable()
        if case .finished = response { throw HTTPServerError(.alreadyFinished, "finish called twice") }
        if case .awaitingHead = response {
            try writeHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": "0"]))
        }
        guard case .sendingBody(let framing, let written) = response else { return }
        switch framing {
        case .chunked: out.append(contentsOf: ChunkedBodyEncoder.lastChunk)
        case .length(let length): if written != length { closesAfterResponse = true }
        case .untilClose: closesAfterResponse = true
        case .none: break
        }
        response = .finished
        try flushOrThrow()
    }

    func writeRaw(_ bytes: [UInt8]) throws {
        try ensureUsable()
        if case .awaitingHead = response { response = .sendingBody(.untilClose, written: 0) }
        closesAfterResponse = true
        out.append(contentsOf: bytes)
        try flushOrThrow()
    }

    func close() {
        if case .aborted = response { return }
        _ = flush()
        if case .aborted = response {} else { response = .aborted(byReset: false, headWasWritten: isHeadWritten) }
        socket.shutdown(.write)
    }

    func reset() {
        if case .aborted(true, _) = response { return }
        if case .aborted = response {} else { _ = flush() }
        response = .aborted(byReset: true, headWasWritten: isHeadWritten)
        socket.setLingerZeroAndClose()
    }

    /// Sleeps precisely while watching the client: a client that closes ends the pause at once
    /// (``HTTPServerError/Code/peerClosed``), so no delay holds a thread and a descriptor for a
    /// client that left. Bytes the client pipelines meanwhile are kept for the next request.
    func pause(for duration: Duration) throws {
        if !isAborted && !out.isEmpty { try flushOrThrow() }
        if duration > .zero { willBlock() }
        let deadline = MonotonicInstant.now() + max(.zero, duration)
        // The last 2 ms are slept precisely; the coarse part wakes 1.5 ms early for that sleep.
        let preciseFrom = deadline - .milliseconds(2)
        let coarseDeadline = deadline - .microseconds(1500)
        var watchesClient = !socket.isClosed && !isAborted
        while true {
            let now = MonotonicInstant.now()
            if now >= deadline { break }
            if now >= preciseFrom {
                if context.isForced { throw HTTPServerError(.serverStopping, "server stopping during pause") }
                deadline.sleepUntil()
                break
            }
            guard watchesClient else {
                let (forced, _) = try Syscalls.pollOne(
                    context.forcePipe, events: .readable, timeoutMilliseconds: MonotonicInstant.pollMilliseconds(until: coarseDeadline))
                if !forced.isEmpty { throw HTTPServerError(.serverStopping, "server stopping during pause") }
                continue
            }
            switch waitAndReceive(until: coarseDeadline, wakingOn: context.forcePipe) {
            case .timedOut: continue
            case .woken: throw HTTPServerError(.serverStopping, "server stopping during pause")
            case .peerClosed:
                response = .aborted(byReset: false, headWasWritten: isHeadWritten)
                socket.shutdown(.both)
                throw HTTPServerError(.peerClosed, "client went away during a pause")
            case .bytes(let count):
                // Pipelined bytes stay for the next request, up to a bound; beyond it the client is
                // no longer watched (reading on would lose its bytes).
                feedParser(count)
                if parser.bufferedByteCount >= 1 << 20 { watchesClient = false }
            }
        }
        if context.isForced { throw HTTPServerError(.serverStopping, "server stopping during pause") }
    }

    func waitForPeerClose(timeout: Duration?) -> Bool {
        if !isAborted && !out.isEmpty { guard flush() else { return true } }
        if socket.isClosed { return true }
        let deadline = timeout.map { MonotonicInstant.now() + max(.zero, $0) }
        while true {
            switch waitAndReceive(until: deadline, wakingOn: context.forcePipe) {
            case .peerClosed: return true
            case .woken, .timedOut: return false
            case .bytes(let count):
                // Keep pipelined bytes for the next request (bounded).
                if parser.bufferedByteCount < 1 << 20 { feedParser(count) }
            }
        }
    }

    // MARK: - Output

    var isAborted: Bool {
        if case .aborted = response { return true }
        return false
    }

    private func ensureUsable() throws {
        guard case .aborted(let byReset, _) = response else { return }
        throw byReset || socket.isClosed
            ? HTTPServerError(.peerClosed, "connection closed")
            : HTTPServerError(.alreadyFinished, "connection was closed by the handler")
    }

    /// Sends the pending output; on failure marks the connection aborted and returns false.
    func flush() -> Bool {
        do {
            try flushOrThrow()
            return true
        } catch {
            return false
        }
    }

    func flushOrThrow() throws {
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
            response = .aborted(byReset: false, headWasWritten: isHeadWritten)
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
}
