import HTTPWire

/// Applies the head and body emulations (``ProxyEmulation``) to a response on its way to the
/// client: between the faults and the downstream toxics. `idle-timeout` and `replay-on-reconnect`
/// act on the upstream side (``ProxyRelay``, ``ProxyEngine``).
final class EmulationWriter: HTTPResponseWriter {
    let base: any HTTPResponseWriter
    private let emulations: [ProxyEmulation]
    private var gzip: GzipStoredEncoder?
    private var held: [UInt8] = []
    private var flushSize: Int?

    init(base: any HTTPResponseWriter, emulations: [ProxyEmulation]) {
        self.base = base
        self.emulations = emulations
    }

    /// Whether any of `emulations` acts here.
    static func acts(_ emulations: [ProxyEmulation]) -> Bool {
        emulations.contains { if case .idleTimeout = $0 { false } else if case .replayOnReconnect = $0 { false } else { true } }
    }

    var requestHead: HTTPRequestHead { base.requestHead }
    var isHeadWritten: Bool { base.isHeadWritten }

    func writeHead(_ head: HTTPResponseHead) throws {
        var head = head
        for e in emulations {
            switch e {
            case .contentType(let t): head.headers["Content-Type"] = t
            case .statusRewrite(let from, let to) where head.status.code == from:
                head.status = HTTPStatus(code: to)
                head.headers.remove(name: "Retry-After")
                head.headers.remove(name: "retry-after-ms")
            case .stripHeader(let name): head.headers.remove(name: name)
            case .gzip:
                let accepts = requestHead.headers["Accept-Encoding"]?.lowercased().contains("gzip") ?? false
                if accepts, head.status.mayHaveBody, requestHead.method != .head, !head.headers.contains("Content-Encoding") {
                    gzip = GzipStoredEncoder()
                    head.headers.remove(name: "Content-Length")
                    head.headers["Content-Encoding"] = "gzip"
                    head.headers["Vary"] = "Accept-Encoding"
                }
            case .bufferUntilClose: flushSize = Int.max
            case .buffer(let n): flushSize = n
            default: break
            }
        }
        try base.writeHead(head)
    }

    func writeBody(_ bytes: [UInt8]) throws {
        let out = gzip != nil ? gzip!.encode(bytes) : bytes
        try pass(out)
    }

    func writeRaw(_ bytes: [UInt8]) throws { try base.writeRaw(bytes) }

    func finish() throws {
        if gzip != nil { try pass(gzip!.finish(), isLast: true) } else { try flush() }
        try base.finish()
    }

    func close() { base.close() }
    func reset() { base.reset() }
    func pause(for duration: Duration) throws { try base.pause(for: duration) }
    func waitForPeerClose(timeout: Duration?) -> Bool { base.waitForPeerClose(timeout: timeout) }

    private func pass(_ bytes: [UInt8], isLast: Bool = false) throws {
        guard let size = flushSize else { return try base.writeBody(bytes) }
        held += bytes
        while held.count >= size {
            try base.writeBody(Array(held.prefix(size)))
            held.removeFirst(size)
        }
        if isLast { try flush() }
    }

    private func flush() throws {
        guard !held.isEmpty else { return }
        let out = held
        held = []
        try base.writeBody(out)
    }
}
