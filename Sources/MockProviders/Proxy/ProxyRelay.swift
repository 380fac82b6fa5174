import HTTPWire

/// Forwards one request to the upstream and streams the answer back through a ``FaultInjector``
/// without buffering: the head goes out as soon as the upstream's head arrives, each SSE event or
/// NDJSON line as soon as it is complete (``StreamEventSplitter``), so "after N chunks" faults count
/// the upstream's events exactly as they count a mock's own.
///
/// Runs on the connection's thread (the server keeps a thread per waiting connection, so a slow
/// or dead upstream never stalls other connections).
struct ProxyRelay {
    /// Request header fields not forwarded: hop-by-hop ones, `Host` and `Content-Length` (set again
    /// for the upstream), `Accept-Encoding` (the proxy relays the body as it is) and the fault header.
    static let requestFieldsNotForwarded: [String] = [
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host",
        "content-length", "accept-encoding", "x-llmcheck-fault",
    ]

    /// Whether a request field is forwarded: compared in place (no lowercased copy of every name
    /// of every request); most names are decided by their length alone.
    static func isForwarded(_ name: String) -> Bool {
        let length = name.utf8.count
        for dropped in requestFieldsNotForwarded where dropped.utf8.count == length && name.caseInsensitiveEquals(dropped) { return false }
        return true
    }

    let upstream: ProxyUpstream
    /// The `Host` field sent upstream (``ProxyUpstream/hostField``, built once by the engine).
    let hostField: String
    let options: HTTPClientOptions
    /// Kept-alive upstream connections (nil: one per request).
    let pool: HTTPConnectionPool?
    /// Where the upstream's response is written: the fault injector, or upstream toxics before it.
    let injector: any HTTPResponseWriter
    /// `--emulate idle-timeout`: (silence allowed, whether it always cuts).
    let idleTimeout: (Duration, alwaysCuts: Bool)?
    let arrivedAt: MonotonicInstant
    /// Timing of the upstream hop, filled in as events arrive.
    var hop: ProxyHopTiming
    /// What arrived, for `--record` (nil when not recording).
    var recorded: (head: HTTPResponseHead, chunks: [FixtureChunk])?
    let isRecording: Bool
    /// Whether the upstream's whole response arrived and went out.
    private(set) var isComplete = false

    init(
        upstream: ProxyUpstream, hostField: String? = nil, options: HTTPClientOptions, pool: HTTPConnectionPool? = nil, injector: any HTTPResponseWriter, arrivedAt: MonotonicInstant, isRecording: Bool,
        idleTimeout: (Duration, alwaysCuts: Bool)? = nil
    ) {
        self.upstream = upstream
        self.hostField = hostField ?? upstream.hostField
        var options = options
        if let (limit, _) = idleTimeout {
            options.timeouts.headers = limit
            options.timeouts.idle = limit
        }
        self.options = options
        self.pool = pool
        self.idleTimeout = idleTimeout
        self.injector = injector
        self.arrivedAt = arrivedAt
        self.isRecording = isRecording
        self.hop = ProxyHopTiming(upstream: upstream.url)
    }

    /// The upstream request for `incoming`: same method, target (after the base path), headers
    /// (minus ``requestFieldsNotForwarded``) and body.
    static func upstreamRequest(for incoming: HTTPRequest, to upstream: ProxyUpstream, hostField: String) -> HTTPClientRequest {
        var headers = HTTPHeaders()
        headers.reserveCapacity(incoming.headers.count + 1)
        // First, where the client would put it (as HTTPClientRequest does when it is missing).
        headers.add(name: "Host", value: hostField)
        for f in incoming.headers where ProxyRelay.isForwarded(f.name) {
            headers.add(name: f.name, value: f.value)
        }
        return upstream.request(method: incoming.method, target: incoming.head.target, headers: headers, body: incoming.body)
    }

    /// The upstream's head as sent downstream: its own framing and connection fields removed (the
    /// server frames the body again); `Connection: close` passed on.
    static func forwardedHead(_ head: HTTPResponseHead) -> HTTPResponseHead {
        let fields = head.headers
        // Most answers (HTTP/1.1 with a Content-Length) have none of these: no copy of every field then.
        guard head.version != .http1_1 || fields.contains("Transfer-Encoding") || fields.contains("Connection") || fields.contains("Keep-Alive")
        else { return head }
        var out = head
        let closes = head.headers.containsToken("close", in: "Connection")
        out.version = .http1_1
        for name in ["Transfer-Encoding", "Connection", "Keep-Alive"] { out.headers.remove(name: name) }
        if closes { out.headers["Connection"] = "close" }
        return out
    }

    /// Runs the exchange.
    ///
    /// - Throws: the downstream failure (client left, fault ended the exchange) as the injector
    ///   reports it, or ``ExchangeEnded`` with `.failed` when the upstream broke after the head.
    @available(*, noasync, message: "blocks")
    mutating func run(_ incoming: HTTPRequest) throws {
        let connection = HTTPClientConnection(request: ProxyRelay.upstreamRequest(for: incoming, to: upstream, hostField: hostField), options: options, pool: pool)
        var failure: (any Error)?
        var splitter = StreamEventSplitter(framing: .plain)
        var headAt = arrivedAt
        var headSent = false
        // Locals the non-escaping event closure mutates (copied back below).
        var hop = self.hop
        var recorded = self.recorded
        let injector = self.injector
        let arrivedAt = self.arrivedAt
        let isRecording = self.isRecording
        func arrived(_ event: [UInt8], at: MonotonicInstant) throws {
            let offset = max(.zero, arrivedAt.duration(to: at))
            if hop.upstreamFirstEvent == nil { hop.upstreamFirstEvent = offset }
            hop.chunkArrivalCount += 1
            if hop.chunkArrivalOffsets.count < JournalEntry.maximumRecordedWrites { hop.chunkArrivalOffsets.append(offset) }
            if isRecording { recorded?.chunks.append(FixtureChunk(offsetMilliseconds: max(.zero, headAt.duration(to: at)).milliseconds, bytes: event)) }
            try injector.writeBody(event)
        }
        var complete = false
        do {
            try connection.run { event in
                guard failure == nil else { return }
                do {
                    switch event {
                    case .connected(let attempts):
                        hop.upstreamConnected = arrivedAt.elapsed
                        // No connect attempt: a kept connection from the pool.
                        hop.upstreamConnectionReused = attempts.isEmpty
                    case .informational:
                        break
                    case .head(let head, let instant):
                        headAt = instant
                        hop.upstreamHead = max(.zero, arrivedAt.duration(to: instant))
                        splitter = StreamEventSplitter(framing: .init(contentType: head.headers["Content-Type"]))
                        if isRecording { recorded = (head, []) }
                        headSent = true
                        try injector.writeHead(ProxyRelay.forwardedHead(head))
                    case .body(let bytes, let instant):
                        if hop.upstreamFirstByte == nil { hop.upstreamFirstByte = max(.zero, arrivedAt.duration(to: instant)) }
                        if splitter.framing == .plain {
                            // A plain body goes on piece by piece as read: no copy through the splitter.
                            if !bytes.isEmpty { try arrived(bytes, at: instant) }
                        } else {
                            splitter.append(bytes)
                            while let next = splitter.nextEvent() { try arrived(next, at: instant) }
                        }
                    case .end:
                        if let rest = splitter.remainder() { try arrived(rest, at: .now()) }
                        complete = true
                        try injector.finish()
                    }
                } catch {
                    failure = error
                    connection.cancel()
                }
            }
        } catch let upstreamError as HTTPClientError {
            self.hop = hop
            self.recorded = recorded
            if let failure { throw failure }
            self.hop.upstreamError = upstreamError.description
            let isIdle = upstreamError.code == .headersTimeout || upstreamError.code == .idleTimeout
            if let (limit, alwaysCuts) = idleTimeout, isIdle {
                // An intermediary's idle timeout: Cloudflare answers 524 before the head, cuts after it.
                if headSent || alwaysCuts {
                    injector.close()
                    throw ExchangeEnded(outcome: .closedByFault(afterChunks: hop.chunkArrivalCount))
                }
                let body = "error code: 524\nllmcheck proxy (--emulate idle-timeout=\(DurationText.format(limit))): the upstream \(upstream.url) sent nothing for \(DurationText.format(limit))\n"
                try injector.writeHead(HTTPResponseHead(status: HTTPStatus(code: 524, reasonPhrase: "A Timeout Occurred"), headers: ["Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.utf8.count)]))
                try injector.writeBody(Array(body.utf8))
                try injector.finish()
                return
            }
            guard headSent else {
                let body = "llmcheck proxy: upstream \(upstream.url) failed: \(upstreamError.description)\n"
                try injector.writeHead(HTTPResponseHead(status: .badGateway, headers: ["Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.utf8.count)]))
                try injector.writeBody(Array(body.utf8))
                try injector.finish()
                return
            }
            // The head is out: all the client can be told is a cut stream.
            injector.close()
            throw ExchangeEnded(outcome: .failed("upstream \(upstream.url): \(upstreamError.description)"))
        }
        self.hop = hop
        self.recorded = recorded
        self.isComplete = complete
        if let failure { throw failure }
    }
}
