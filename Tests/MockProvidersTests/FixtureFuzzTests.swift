import HTTPWire
import MockProviders
import Testing

/// Seeded, bounded fuzzing of fixture files: random documents built from the format's own keys
/// and hostile values (huge and negative numbers, wrong types, CR/LF, bad base64, deep nesting).
/// The loader must refuse with located problems or accept, and an accepted fixture must replay
/// without trapping.
@Suite("Fixture fuzzing")
struct FixtureFuzzTests {
    static let keys = [
        "provider", "description", "exchanges", "name", "request", "response", "method", "path", "body", "headers",
        "status", "reason", "chunks", "offset_ms", "text", "base64", "Content-Length", "Transfer-Encoding", "x",
    ]
    static let strings = [
        "ollama", "openai", "lmstudio", "POST", "GET", "/api/chat", "/v1/*", "*", "", "\r\n", "a\nb", "AAAA", "!!!",
        "aGk=", "2", "-1", "chunked", "é😀", String(repeating: "z", count: 300),
    ]
    static let numbers: [JSONValue] = [
        .integer(0), .integer(200), .integer(599), .integer(600), .integer(-1), .integer(Int64.max), .integer(Int64.min),
        .number(1e300), .number(-1e300), .number(9.3e18), .number(0.5), .number(86_400_000), .number(86_400_001),
    ]

    /// A random JSON value of at most `depth` levels.
    static func value(_ rng: inout SeededRandom, depth: Int) -> JSONValue {
        switch rng.next() % (depth > 0 ? 7 : 4) {
        case 0: return numbers[Int(rng.next() % UInt64(numbers.count))]
        case 1: return .string(strings[Int(rng.next() % UInt64(strings.count))])
        case 2: return rng.next() % 2 == 0 ? .bool(true) : .null
        case 3: return .integer(Int64(rng.next() % 700))
        case 4, 5:
            let count = Int(rng.next() % 4)
            return .object((0..<count).map { _ in (keys[Int(rng.next() % UInt64(keys.count))], value(&rng, depth: depth - 1)) })
        default:
            return .array((0..<Int(rng.next() % 3)).map { _ in value(&rng, depth: depth - 1) })
        }
    }

    /// A document shaped like a fixture whose parts are randomly replaced by hostile values.
    static func document(_ rng: inout SeededRandom) -> JSONValue {
        func maybe(_ good: JSONValue) -> JSONValue { rng.next() % 5 == 0 ? value(&rng, depth: 3) : good }
        let chunk: JSONValue = .object([
            ("offset_ms", maybe(numbers[Int(rng.next() % UInt64(numbers.count))])),
            (rng.next() % 2 == 0 ? "text" : "base64", maybe(.string(strings[Int(rng.next() % UInt64(strings.count))]))),
        ])
        let response: JSONValue = .object([
            ("status", maybe(.integer(200))), ("headers", maybe(["Content-Type": "text/plain"])), ("chunks", maybe(.array([chunk, chunk]))),
        ])
        let request: JSONValue = .object([("method", maybe("POST")), ("path", maybe("/api/chat")), ("body", maybe(["model": "m"]))])
        let exchange: JSONValue = .object([("name", maybe("e")), ("request", maybe(request)), ("response", maybe(response))])
        return .object([("provider", maybe("ollama")), ("exchanges", maybe(.array([exchange])))])
    }

    @Test func randomFixturesAreRefusedWithLocatedProblemsOrReplayWithoutTrapping() throws {
        var rng = SeededRandom(seed: 20_261_202)
        var accepted = 0
        var refused = 0
        for i in 0..<3000 {
            let text = Self.document(&rng).serialized()
            let file = "fuzz\(i).json"
            let fixture: Fixture
            do throws(FixtureError) {
                fixture = try FixtureLoader.parse(Array(text.utf8), file: file)
            } catch {
                refused += 1
                #expect(!error.problems.isEmpty, "\(text)")
                #expect(error.problems.allSatisfy { $0.file == file && !$0.message.isEmpty })
                continue
            }
            accepted += 1
            // Replay every accepted exchange at full speed through an in-memory writer.
            let engine = MockEngine(configuration: MockConfiguration(provider: .ollama, fixtures: [fixture], replaySpeed: 1))
            for exchange in fixture.exchanges {
                let path = exchange.request.path.contains("*") ? "/api/chat" : exchange.request.path
                let method = HTTPMethod(rawValue: exchange.request.method ?? "POST")
                let head = HTTPRequestHead(method: method, target: path, headers: ["Host": "127.0.0.1", "Content-Type": "application/json"])
                let writer = NullWriter(head)
                try? engine.handle(HTTPRequest(head: head, body: Array(#"{"model":"m"}"#.utf8), receivedAt: .now()), writer)
            }
        }
        #expect(accepted > 50, "the generator must also produce valid fixtures")
        #expect(refused > 50)
    }
}

/// Discards everything; pauses return at once.
private final class NullWriter: HTTPResponseWriter {
    let requestHead: HTTPRequestHead
    private(set) var isHeadWritten = false
    init(_ requestHead: HTTPRequestHead) { self.requestHead = requestHead }
    func writeHead(_ head: HTTPResponseHead) throws { isHeadWritten = true }
    func writeBody(_ bytes: [UInt8]) throws {}
    func finish() throws {}
    func writeRaw(_ bytes: [UInt8]) throws {}
    func close() {}
    func reset() {}
    func pause(for duration: Duration) throws {}
    func waitForPeerClose(timeout: Duration?) -> Bool { false }
}
