import HTTPWire

/// Applies TCP toxics (``ToxicKind``) to the writes that pass through it, as Toxiproxy applies
/// them to bytes: downstream it sits between the faults and the client socket; upstream it sits
/// between the upstream's events and the faults (so the faults see the toxic's timing).
///
/// Byte counts are those of the head and the body (before chunked framing).
final class ToxicWriter: HTTPResponseWriter {
    let base: any HTTPResponseWriter
    private let toxics: [ToxicSpec]
    private var random: SeededRandom
    private let startedAt: MonotonicInstant
    private var bytesWritten = 0
    private var isHeld = false

    init(base: any HTTPResponseWriter, toxics: [ToxicSpec], seed: UInt64) {
        self.base = base
        self.toxics = toxics
        self.random = SeededRandom(seed: seed)
        self.startedAt = .now()
    }

    var requestHead: HTTPRequestHead { base.requestHead }
    var isHeadWritten: Bool { base.isHeadWritten }

    func writeHead(_ head: HTTPResponseHead) throws {
        let bytes = head.serialized()
        try emit(bytes.count, partial: { n in try self.base.writeRaw(Array(bytes.prefix(n))) }) { _ in try self.base.writeHead(head) }
    }

    func writeBody(_ bytes: [UInt8]) throws {
        try emitSliced(bytes) { try self.base.writeBody($0) }
    }

    func writeRaw(_ bytes: [UInt8]) throws {
        try emitSliced(bytes) { try self.base.writeRaw($0) }
    }

    func finish() throws {
        // reset_peer fires at its time even when the response would end first.
        for t in toxics where t.kind == .resetPeer {
            let remaining = (startedAt + max(.zero, t.duration("timeout"))).remaining
            if remaining > .zero { try base.pause(for: remaining) }
        }
        try checkReset()
        for t in toxics where t.kind == .slowClose { try base.pause(for: t.duration("delay")) }
        try base.finish()
    }

    func close() {
        for t in toxics where t.kind == .slowClose { try? base.pause(for: t.duration("delay")) }
        base.close()
    }

    func reset() { base.reset() }
    func pause(for duration: Duration) throws { try base.pause(for: duration) }
    func waitForPeerClose(timeout: Duration?) -> Bool { base.waitForPeerClose(timeout: timeout) }

    // MARK: - Toxics

    private func emitSliced(_ bytes: [UInt8], _ write: @escaping ([UInt8]) throws -> Void) throws {
        guard let slicer = toxics.first(where: { $0.kind == .slicer }) else {
            return try emit(bytes.count, partial: { n in try write(Array(bytes.prefix(n))) }) { _ in try write(bytes) }
        }
        let average = max(1, slicer.number("average_size"))
        let variation = min(average - 1, slicer.number("size_variation"))
        var offset = 0
        while offset < bytes.count {
            let size = variation > 0 ? average + Int(random.next() % UInt64(2 * variation + 1)) - variation : average
            let end = min(bytes.count, offset + max(1, size))
            let piece = Array(bytes[offset..<end])
            try emit(piece.count, partial: { n in try write(Array(piece.prefix(n))) }) { _ in try write(piece) }
            offset = end
            if offset < bytes.count, slicer.duration("delay") > .zero { try base.pause(for: slicer.duration("delay")) }
        }
    }

    /// One write of `count` bytes: timeout, reset_peer, latency, limit_data, then the write and bandwidth.
    private func emit(_ count: Int, partial: (Int) throws -> Void, _ write: (Int) throws -> Void) throws {
        for t in toxics where t.kind == .timeout && !isHeld {
            isHeld = true
            let limit = t.duration("timeout")
            _ = base.waitForPeerClose(timeout: limit == .zero ? nil : limit)
            base.close()
            throw ExchangeEnded(outcome: .closedByFault(afterChunks: 0))
        }
        try checkReset()
        for t in toxics where t.kind == .latency {
            var delay = t.duration("latency")
            let jitter = t.duration("jitter")
            if jitter > .zero {
                let unit = random.nextUnit() * 2 - 1
                delay += jitter * unit
            }
            if delay > .zero { try base.pause(for: delay) }
        }
        for t in toxics where t.kind == .limitData {
            let limit = t.number("bytes")
            if bytesWritten + count > limit {
                let allowed = max(0, limit - bytesWritten)
                if allowed > 0 { try partial(allowed) }
                bytesWritten += allowed
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: 0))
            }
        }
        try write(count)
        bytesWritten += count
        for t in toxics where t.kind == .bandwidth {
            let seconds = Double(count) / (Double(t.number("rate")) * 1000)
            if seconds > 0 { try base.pause(for: .seconds(seconds)) }
        }
    }

    private func checkReset() throws {
        for t in toxics where t.kind == .resetPeer {
            // Not yet: the reset fires at the first write (or the end) at or after the due time.
            if MonotonicInstant.now() < startedAt + max(.zero, t.duration("timeout")) { continue }
            base.reset()
            throw ExchangeEnded(outcome: .reset(afterChunks: 0))
        }
    }
}
