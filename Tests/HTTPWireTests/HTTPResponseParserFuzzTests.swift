import HTTPWire
import Testing

/// Seeded, bounded fuzzing of ``HTTPResponseParser``: generated responses (every framing, 1xx
/// first, chunk extensions, trailers) must decode the same at any chunk boundary, and mutated
/// bytes must never trap, hang or decode differently depending on how they were split.
@Suite("Response parser fuzzing") struct HTTPResponseParserFuzzTests {
    /// The outcome of one parse, comparable across splits.
    struct Outcome: Equatable {
        var heads: [HTTPResponseHead] = []
        var body: [UInt8] = []
        var ended = false
        var failed = false
    }

    static func parse(_ bytes: [UInt8], cuts: [Int], method: HTTPMethod = .get) -> Outcome {
        var parser = HTTPResponseParser(requestMethod: method, maximumHeadBytes: 4096)
        var outcome = Outcome()
        func take(_ events: [HTTPResponseParser.Event]) {
            for event in events {
                switch event {
                case .informational(let head), .head(let head): outcome.heads.append(head)
                case .body(let piece): outcome.body += piece
                case .end: outcome.ended = true
                }
            }
        }
        var start = 0
        do {
            for cut in cuts + [bytes.count] where cut >= start {
                take(try parser.consume(bytes[start..<cut]))
                start = cut
                if outcome.ended { break }
            }
            if !outcome.ended { take(try parser.finish()) }
        } catch {
            outcome.failed = true
        }
        return outcome
    }

    static func randomCuts(_ count: Int, using rng: inout SeededGenerator) -> [Int] {
        guard count > 1 else { return [] }
        return (0..<Int.random(in: 1...12, using: &rng)).map { _ in Int.random(in: 1..<count, using: &rng) }.sorted()
    }

    /// A random well-formed response and its body.
    static func makeResponse(using rng: inout SeededGenerator) -> (bytes: [UInt8], body: [UInt8]) {
        let body = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let eol = Bool.random(using: &rng) ? "\r\n" : "\n"
        var text = ""
        if Int.random(in: 0..<4, using: &rng) == 0 { text += "HTTP/1.1 100 Continue\(eol)\(eol)" }
        text += "HTTP/1.1 200 OK\(eol)Content-Type: application/x-ndjson\(eol)X-Pad: \(String(repeating: "p", count: Int.random(in: 0...40, using: &rng)))\(eol)"
        var out: [UInt8]
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            out = Array((text + "Content-Length: \(body.count)\(eol)\(eol)").utf8) + body
        case 1:
            out = Array((text + "Transfer-Encoding: chunked\(eol)\(eol)").utf8)
            var rest = body[...]
            while !rest.isEmpty {
                let size = min(rest.count, Int.random(in: 1...64, using: &rng))
                let ext = Bool.random(using: &rng) ? ";ext=1" : ""
                out += Array((String(size, radix: 16) + ext + "\r\n").utf8) + rest.prefix(size) + Array("\r\n".utf8)
                rest = rest.dropFirst(size)
            }
            out += Array((Bool.random(using: &rng) ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n").utf8)
        default:
            out = Array((text + "Connection: close\(eol)\(eol)").utf8) + body
        }
        return (out, body)
    }

    @Test func generatedResponsesDecodeTheSameAtEveryBoundary() {
        var rng = SeededGenerator(seed: 0xC1_1E47)
        for iteration in 0..<400 {
            let (bytes, body) = Self.makeResponse(using: &rng)
            let whole = Self.parse(bytes, cuts: [])
            #expect(!whole.failed && whole.ended && whole.body == body, "iteration \(iteration)")
            let split = Self.parse(bytes, cuts: Self.randomCuts(bytes.count, using: &rng))
            #expect(split == whole, "iteration \(iteration)")
            let byteByByte = Self.parse(bytes, cuts: Array(0..<bytes.count))
            #expect(byteByByte == whole, "iteration \(iteration), one byte at a time")
        }
    }

    @Test func mutatedResponsesNeverTrapAndDoNotDependOnSplits() {
        var rng = SeededGenerator(seed: 0xBAD_B17E)
        let interesting: [UInt8] = Array("\r\n:; 0123456789abcdefHTTP/1.1 -+\t".utf8) + [0, 0x80, 0xFF]
        for iteration in 0..<1500 {
            var (bytes, _) = Self.makeResponse(using: &rng)
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                let value = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] = value
                case 1: bytes.insert(value, at: at)
                case 2: bytes.remove(at: at)
                default: bytes.insert(contentsOf: Array("ffffffffffffffffffff".utf8), at: at)  // huge sizes and lengths
                }
            }
            let whole = Self.parse(bytes, cuts: [])
            let split = Self.parse(bytes, cuts: Self.randomCuts(bytes.count, using: &rng))
            #expect(split.failed == whole.failed, "iteration \(iteration)")
            if !whole.failed { #expect(split == whole, "iteration \(iteration)") }
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededGenerator(seed: 0xF00D)
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...600, using: &rng)).map { _ in
                Bool.random(using: &rng) ? Array("HTTP/1.1 200\r\n:0\nTransfer-Encoding: chunked".utf8).randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            _ = Self.parse(bytes, cuts: Self.randomCuts(bytes.count, using: &rng))
        }
    }
}
