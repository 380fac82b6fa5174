import HTTPWire

/// Thrown inside a handler when a fault ended the exchange on purpose; the engine catches it.
struct ExchangeEnded: Error {
    var outcome: JournalEntry.Outcome
}

/// Applies the wire faults chosen for one exchange to a response from any source, writing it to
/// a downstream ``HTTPResponseWriter`` (the server connection).
///
/// It is itself an ``HTTPResponseWriter``: a personality or fixture replay writes through it as
/// if there were no faults. **Entry point for anything else that produces a response** — such as a
/// proxy relaying a real upstream's stream — is ``relay(head:nextEvent:)``: give it the upstream's
/// head and a function returning the next complete event (one SSE event or NDJSON line, split from
/// the raw bytes with ``StreamEventSplitter``), and the same faults apply at the same points.
///
/// "After N chunks" faults fire just before chunk N+1 would be written, or at ``finish()`` if the
/// response has only N chunks. What went out is recorded in ``measurement`` (measuring is kept
/// apart from injecting). Every wait (`delay_*`, `stall`, `drip`) ends when the client leaves.
final class FaultInjector: HTTPResponseWriter {
    let base: any HTTPResponseWriter
    /// What went out, for the journal.
    let measurement: ExchangeMeasurement
    /// How the exchange ended, as far as the injector saw.
    private(set) var outcome: JournalEntry.Outcome = .completed
    /// The `status=` fault to answer with instead of the normal response, if any (the first one).
    let statusAnswer: FaultSpec.StatusFault?

    // The faults of this exchange, by the point where they act (see `init`).
    private var delayHeaders: Duration?
    private var delayBody: Duration?
    private var resetBeforeHeaders = false
    private var afterChunks: [Int: [FaultSpec.Action]] = [:]
    private var malformedChunks: Set<Int> = []
    private var contentTypeOverride: String??
    private var lengthDelta: Int?
    private var dripRate: Int?
    private var breaksChunking = false

    // Writing state.
    private var framing = StreamEventSplitter.Framing.plain
    /// Chunked framing written by the injector itself (`bad_chunked` needs to break it).
    private var writesOwnChunking = false
    /// A head held back until the body length is known (`length_mismatch`).
    private var pendingHead: HTTPResponseHead?
    private var buffered: [UInt8] = []
    private(set) var isFinished = false

    init(base: any HTTPResponseWriter, faults: [FaultSpec], arrivedAt: MonotonicInstant) {
        self.base = base
        self.measurement = ExchangeMeasurement(arrivedAt: arrivedAt)
        var statusAnswer: FaultSpec.StatusFault?
        // Each fault is filed at its placement, which the `FaultKind` table declares; what it does
        // there is read from its value.
        for fault in faults {
            let action = fault.action
            switch action.placement {
            case .insteadOfAnswer:
                if statusAnswer == nil, case .status(let s) = action { statusAnswer = s }
            case .beforeHead:
                switch action {
                case .delayHeaders(let d): delayHeaders = (delayHeaders ?? .zero) + d
                case .reset: resetBeforeHeaders = true
                default: break
                }
            case .onHead:
                switch action {
                case .contentType(let v): contentTypeOverride = .some(v)
                case .lengthMismatch(let d): lengthDelta = d
                default: break
                }
            case .beforeBody:
                if case .delayBody(let d) = action { delayBody = (delayBody ?? .zero) + d }
            case .afterChunks(let n):
                // `bad_chunked` also takes over the chunked framing from the head on.
                if case .brokenChunked = action { breaksChunking = true }
                afterChunks[n, default: []].append(action)
            case .onChunk(let n):
                malformedChunks.insert(n)
            case .everyWrite:
                if case .drip(let r) = action { dripRate = r }
            }
        }
        self.statusAnswer = statusAnswer
    }

    // MARK: - Relaying any source

    /// Writes a response produced elsewhere (a real upstream's stream) through the faults: the head,
    /// then every event `nextEvent` returns until it returns nil, then the end of the body.
    ///
    /// - Throws: ``HTTPServerError`` when the client went away, or an internal marker when a fault
    ///   ended the exchange on purpose (``outcome`` says which).
    func relay(head: HTTPResponseHead, nextEvent: () throws -> [UInt8]?) throws {
        try writeHead(head)
        while let event = try nextEvent() { try writeBody(event) }
        try finish()
    }

    // MARK: - HTTPResponseWriter

    var requestHead: HTTPRequestHead { base.requestHead }
    var isHeadWritten: Bool { base.isHeadWritten || pendingHead != nil }

    func writeHead(_ head: HTTPResponseHead) throws {
        if resetBeforeHeaders {
            base.reset()
            throw ExchangeEnded(outcome: .reset(afterChunks: 0))
        }
        if let d = delayHeaders { try pause(for: d) }
        var head = head
        // Only a fault placed after chunks writes an event of its own (`stream_error`): without one
        // the body's framing is never needed, and the lookup is skipped.
        if !afterChunks.isEmpty { framing = StreamEventSplitter.Framing(contentType: head.headers["Content-Type"]) }
        if let override = contentTypeOverride {
            if let value = override { head.headers["Content-Type"] = value } else { head.headers.remove(name: "Content-Type") }
        }
        if lengthDelta != nil {
            // Content-Length is only known at the end: hold the head and the body back.
            head.headers.remove(name: "Transfer-Encoding")
            pendingHead = head
            measurement.headDecided(head, isHeld: true)
            return
        }
        if breaksChunking {
            head.headers.remove(name: "Content-Length")
            head.headers["Transfer-Encoding"] = "chunked"
            writesOwnChunking = true
            try guarded { try base.writeRaw(head.serialized()) }
        } else {
            try guarded { try base.writeHead(head) }
        }
        measurement.headDecided(head, isHeld: false)
    }

    func writeBody(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if measurement.chunksSent == 0, let d = delayBody {
            delayBody = nil
            try pause(for: d)
        }
        if !afterChunks.isEmpty { try fireAfterChunkFaults(pending: bytes) }
        if !malformedChunks.isEmpty, malformedChunks.contains(measurement.chunksSent + 1) {
            return try send(FaultInjector.corrupt(bytes))
        }
        try send(bytes)
    }

    func finish() throws {
        guard !isFinished else { return }
        if !afterChunks.isEmpty { try fireAfterChunkFaults(pending: nil) }
        isFinished = true
        if var head = pendingHead, let delta = lengthDelta {
            pendingHead = nil
            // Both are bounded (the body by the server's memory, the offset by the grammar).
            head.headers["Content-Length"] = String(max(0, CheckedNumber.sum(buffered.count, delta) ?? 0))
            try guarded { try base.writeRaw(head.serialized()) }
            measurement.heldHeadSent()
            try writeRaw(buffered, isBody: true)
            base.close()
            throw ExchangeEnded(outcome: .closedByFault(afterChunks: measurement.chunksSent))
        }
        if writesOwnChunking {
            try writeRaw(ChunkedBodyEncoder.lastChunk)
            base.close()
            return
        }
        try guarded { try base.finish() }
    }

    func writeRaw(_ bytes: [UInt8]) throws { try guarded { try base.writeRaw(bytes) } }
    func close() { base.close() }
    func reset() { base.reset() }

    func pause(for duration: Duration) throws {
        try guarded { try base.pause(for: duration) }
    }

    func waitForPeerClose(timeout: Duration?) -> Bool { base.waitForPeerClose(timeout: timeout) }

    // MARK: - Faults after N chunks

    private func fireAfterChunkFaults(pending: [UInt8]?) throws {
        let sent = measurement.chunksSent
        guard let actions = afterChunks.removeValue(forKey: sent) else { return }
        for action in actions {
            switch action {
            case .stall(_, let duration?):
                if base.waitForPeerClose(timeout: duration) { throw ExchangeEnded(outcome: .clientGaveUp(afterChunks: sent)) }
            case .stall(_, nil):
                let closed = base.waitForPeerClose(timeout: nil)
                base.close()
                throw ExchangeEnded(outcome: closed ? .clientGaveUp(afterChunks: sent) : .serverStopped(afterChunks: sent))
            case .close:
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: sent))
            case .reset:
                base.reset()
                throw ExchangeEnded(outcome: .reset(afterChunks: sent))
            case .cut:
                if let pending, pending.count > 1 { try send(Array(pending.prefix(pending.count / 2)), countsAsChunk: false) }
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: sent))
            case .brokenChunked:
                let data = pending ?? []
                try writeRaw(Array("zz\(String(data.count, radix: 16))\r\n".utf8) + data + [13, 10], isBody: true)
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: sent))
            case .streamError(_, let message):
                try send(framing.errorEvent(message ?? "an error was encountered while running the model"))
                if writesOwnChunking {
                    try writeRaw(ChunkedBodyEncoder.lastChunk)
                    base.close()
                } else {
                    try guarded { try base.finish() }
                }
                isFinished = true
                throw ExchangeEnded(outcome: .completed)
            case .delayHeaders, .delayBody, .malformed, .contentType, .lengthMismatch, .drip, .status:
                break  // placed elsewhere (see the `FaultKind` table)
            }
        }
    }

    // MARK: - Sending

    /// Sends one logical chunk through the length hold-back, the injector's own chunking or the drip.
    private func send(_ bytes: [UInt8], countsAsChunk: Bool = true) throws {
        measurement.chunkStarted(byteCount: bytes.count, countsAsChunk: countsAsChunk)
        if pendingHead != nil {
            buffered += bytes
            return
        }
        if writesOwnChunking { return try writeRaw(ChunkedBodyEncoder.chunk(bytes), isBody: true) }
        guard let rate = dripRate else {
            try guarded { try base.writeBody(bytes) }
            measurement.bodyWritten()
            return
        }
        try drip(bytes, rate: rate) { piece in try base.writeBody(piece) }
    }

    /// Writes raw bytes (at the drip rate, if any); `isBody` records each write's time (not for
    /// framing such as the last chunk's `0\r\n\r\n`).
    private func writeRaw(_ bytes: [UInt8], isBody: Bool = false) throws {
        guard let rate = dripRate else {
            try guarded { try base.writeRaw(bytes) }
            if isBody { measurement.bodyWritten() }
            return
        }
        try drip(bytes, rate: rate, recording: isBody) { piece in try base.writeRaw(piece) }
    }

    /// Writes `bytes` in pieces of 1/20 s worth at `rate` bytes per second, pausing after each.
    private func drip(_ bytes: [UInt8], rate: Int, recording: Bool = true, _ write: ([UInt8]) throws -> Void) throws {
        let piece = max(1, rate / 20)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try guarded { try write(Array(bytes[offset..<end])) }
            if recording { measurement.bodyWritten() }
            try pause(for: .nanoseconds(Int64(Double(end - offset) / Double(rate) * 1e9)))
            offset = end
        }
    }

    /// Runs a socket write or wait; a failure means the peer went away (or the server stops).
    private func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let ended as ExchangeEnded {
            throw ended
        } catch {
            if case .completed = outcome {
                let sent = measurement.chunksSent
                if let e = error as? HTTPServerError, e.code == .serverStopping {
                    outcome = .serverStopped(afterChunks: sent)
                } else {
                    outcome = .clientClosed(afterChunks: sent)
                }
            }
            throw error
        }
    }

    /// Truncates the JSON inside a chunk to half its length, keeping any framing around it
    /// (`data: ` before, newlines after).
    static func corrupt(_ bytes: [UInt8]) -> [UInt8] {
        guard let open = bytes.firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) else {
            return Array("{\"".utf8) + bytes
        }
        let close = bytes.lastIndex(where: { $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "]") }) ?? (bytes.count - 1)
        let cut = open + max(1, (close - open + 1) / 2)
        return Array(bytes[..<cut]) + Array(bytes[(close + 1)...])
    }
}
