import HTTPWire
import MockProviders

// MARK: - Mock engine

/// The user-space cost of one mock request without sockets: the request bytes of
/// `Benchmarks/chat.lua` go through ``HTTPRequestParser`` and ``MockEngine/handle(_:_:)`` into an
/// in-memory writer that frames the response as the server connection does.
///
/// What it leaves out is the server's own share (poll, recv, send, threads), so its ns/request is
/// the part of a `wrk` run that the mock providers and the HTTP parser own.
enum MockEngineBenchmark {
    struct Result {
        var name: String
        var requests: Int
        var elapsed: Duration
        var responseBytes: Int
        var nanosecondsPerRequest: Double { Double(elapsed.nanoseconds) / Double(max(requests, 1)) }
        var requestsPerSecond: Double { Double(requests) / (Double(elapsed.nanoseconds) / 1e9) }
        var json: JSONValue {
            [
                "case": .string(name), "ns_per_request": .number(nanosecondsPerRequest), "requests_per_s": .number(requestsPerSecond),
                "requests": .int(requests), "response_bytes": .int(responseBytes),
            ]
        }
    }

    /// The body `Benchmarks/chat.lua` posts.
    static let chatBody = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}"#

    /// A request as wrk sends it for `chat.lua` (header order and spelling as on the wire).
    static func rawRequest(path: String, body: String) -> [UInt8] {
        Array(
            ("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:18777\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Content-Type: application/json\r\nAuthorization: Bearer sk-test\r\nUser-Agent: OpenAI/Python 1.0 (wrk)\r\n\r\n"
                + body).utf8)
    }

    /// Runs every case (or those whose name contains `only`).
    static func runAll(minimumSeconds: Double, only: String? = nil) throws -> [Result] {
        let streamBody = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}],"stream":true}"#
        let ollamaBody = #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"ping"}],"stream":false}"#
        let cases: [(String, MockProviderKind, [UInt8])] = [
            ("openai chat, non-streaming", .openai, rawRequest(path: "/v1/chat/completions", body: chatBody)),
            ("openai chat, streaming", .openai, rawRequest(path: "/v1/chat/completions", body: streamBody)),
            ("openai models", .openai, Array("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)),
            ("ollama /api/chat", .ollama, rawRequest(path: "/api/chat", body: ollamaBody)),
        ]
        return try cases.filter { only == nil || $0.0.contains(only ?? "") }.map {
            try measure($0.0, provider: $0.1, raw: $0.2, minimumSeconds: minimumSeconds)
        }
    }

    /// Runs the request against a fresh engine (default configuration, as `llmcheck serve`) until
    /// `minimumSeconds` passed, after enough warm-up requests to fill part of the journal.
    static func measure(_ name: String, provider: MockProviderKind, raw: [UInt8], minimumSeconds: Double) throws -> Result {
        let engine = MockEngine(configuration: MockConfiguration(provider: provider))
        var parser = HTTPRequestParser()
        let writer = BenchResponseWriter()
        var index = 0
        func once() throws {
            parser.append(raw)
            guard let parsed = try parser.nextRequest() else { throw BenchFailure(message: "benchmark request did not parse") }
            index += 1
            let request = HTTPRequest(
                head: parsed.head, body: parsed.body, remoteAddress: "127.0.0.1:51234", receivedAt: .now(),
                indexOnConnection: index, connectionID: 1)
            writer.begin(request.head)
            try engine.handle(request, writer)
            if !writer.isFinished || writer.status != 200 {
                throw BenchFailure(message: "benchmark request answered \(writer.status) (finished: \(writer.isFinished))")
            }
        }
        for _ in 0..<2000 { try once() }
        var requests = 0
        var bytes = 0
        let start = MonotonicInstant.now()
        let minimum = Duration.seconds(minimumSeconds)
        var elapsed = Duration.zero
        repeat {
            for _ in 0..<200 {
                try once()
                bytes += writer.out.count
            }
            requests += 200
            elapsed = start.elapsed
        } while elapsed < minimum
        return Result(name: name, requests: requests, elapsed: elapsed, responseBytes: bytes / max(requests, 1))
    }

    struct BenchFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// An in-memory ``HTTPResponseWriter`` that frames like the server connection (the same
/// ``HTTPResponseFraming`` decision and ``ChunkedBodyEncoder``) so that its cost is counted, without any socket.
final class BenchResponseWriter: HTTPResponseWriter {
    private(set) var requestHead = HTTPRequestHead(method: .get, target: "/")
    private(set) var isHeadWritten = false
    private(set) var isFinished = false
    private(set) var status = 0
    private(set) var out: [UInt8] = []
    private var isChunked = false

    init() { out.reserveCapacity(4096) }

    func begin(_ head: HTTPRequestHead) {
        requestHead = head
        isHeadWritten = false
        isFinished = false
        status = 0
        isChunked = false
        out.removeAll(keepingCapacity: true)
    }

    func writeHead(_ head: HTTPResponseHead) throws {
        // The server connection's own framing decision and head writer.
        let decision = HTTPResponseFraming.decide(
            for: head, requestMethod: requestHead.method, requestVersion: requestHead.version,
            requestKeepsAlive: requestHead.isKeepAlive)
        isChunked = decision.framing == .chunked
        status = head.status.code
        head.write(
            to: &out, addingChunkedTransferEncoding: decision.addsChunkedTransferEncoding,
            connection: decision.connectionField)
        isHeadWritten = true
    }

    func writeBody(_ bytes: [UInt8]) throws {
        if !isHeadWritten { try writeHead(HTTPResponseHead(status: .ok)) }
        if isChunked {
            ChunkedBodyEncoder.appendChunk(bytes, to: &out)
        } else {
            out.append(contentsOf: bytes)
        }
    }

    func finish() throws {
        if isChunked { out.append(contentsOf: ChunkedBodyEncoder.lastChunk) }
        isFinished = true
    }

    func writeRaw(_ bytes: [UInt8]) throws { out.append(contentsOf: bytes) }
    func close() {}
    func reset() {}
    func pause(for duration: Duration) throws {}
    func waitForPeerClose(timeout: Duration?) -> Bool { false }
}
