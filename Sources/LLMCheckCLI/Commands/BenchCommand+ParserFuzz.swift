import HTTPWire
import MockProviders

/// Seeded fuzzing of the HTTP request parser: mutated valid requests (bytes flipped, inserted,
/// deleted, lines duplicated, numbers of every size in `Content-Length` and chunk sizes) are parsed
/// whole and split at a random point, and must give the same requests or the same error, with
/// buffered bytes bounded by the limits. `llmcheck bench --parser-fuzz N` runs it (the soak script
/// uses millions of inputs); the test suite runs a bounded number.
enum RequestParserFuzz {
    struct Report: Sendable {
        var inputs = 0
        var requests = 0
        /// Refusals by status code.
        var refused: [Int: Int] = [:]
        /// Inputs whose split parse differed from the whole parse (must stay 0).
        var mismatches: [String] = []
        /// Most bytes a parser held at once.
        var largestBuffer = 0
        var elapsed = Duration.zero

        var json: JSONValue {
            [
                "inputs": .int(inputs), "requests": .int(requests), "mismatches": .int(mismatches.count),
                "refused": .object(refused.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) }),
                "largest_buffer": .int(largestBuffer), "inputs_per_s": .number(Double(inputs) / max(1e-9, Double(elapsed.nanoseconds) / 1e9)),
            ]
        }
    }

    static let seeds: [String] = [
        "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1:11434\r\nAccept: */*\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"model\":\"m\"}",
        "POST /api/chat HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    ]
    static let numbers = ["0", "1", "-1", "+1", "18", "9223372036854775807", "9223372036854775808", "99999999999999999999", "ffffffffffffffff", "1e3", " 7", "0x10"]
    static let fragments = ["\r\n", "\n", "\r", ":", " ", "\t", ",", "chunked", "Host: b\r\n", "Content-Length: ", "Transfer-Encoding: chunked\r\n", "\0", "\u{7F}", "\u{FF}"]

    /// One mutated input.
    static func input(using rng: inout SeededRandom) -> [UInt8] {
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var text = Array(seeds[below(seeds.count)].utf8)
        for _ in 0..<(1 + below(4)) {
            guard !text.isEmpty else { break }
            let at = below(text.count)
            switch below(6) {
            case 0: text.remove(at: at)
            case 1: text.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            case 2: text[at] = UInt8(truncatingIfNeeded: rng.next())
            case 3: text.insert(contentsOf: fragments[below(fragments.count)].utf8, at: at)
            case 4: text.insert(contentsOf: numbers[below(numbers.count)].utf8, at: at)
            default:
                let end = min(text.count, at + below(40))
                text.insert(contentsOf: text[at..<end], at: end)
            }
        }
        return text
    }

    /// What parsing gives: the requests (method, target, body) and the error, if any.
    struct Outcome: Equatable {
        var requests: [String] = []
        var error: HTTPRequestParseError.Code?
    }

    static func parse(_ pieces: [ArraySlice<UInt8>], limits: HTTPServerConfiguration.Limits, largest: inout Int) -> Outcome {
        var parser = HTTPRequestParser(limits: limits)
        var outcome = Outcome()
        do {
            for piece in pieces {
                parser.append(piece)
                largest = max(largest, parser.bufferedByteCount)
                while let request = try parser.nextRequest() {
                    outcome.requests.append("\(request.head.method.rawValue) \(request.head.target) \(request.body.count)")
                }
            }
        } catch {
            outcome.error = error.code
        }
        return outcome
    }

    /// Runs `count` inputs from `seed`.
    static func run(count: Int, seed: UInt64) -> Report {
        var rng = SeededRandom(seed: seed)
        let limits = HTTPServerConfiguration.Limits(
            maximumRequestLineLength: 256, maximumHeaderBytes: 1024, maximumHeaderCount: 20, maximumBodyBytes: 4096)
        var report = Report()
        let start = MonotonicInstant.now()
        for _ in 0..<count {
            let bytes = input(using: &rng)
            let split = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1))
            let whole = parse([bytes[...]], limits: limits, largest: &report.largestBuffer)
            let parts = parse([bytes[..<split], bytes[split...]], limits: limits, largest: &report.largestBuffer)
            report.inputs += 1
            report.requests += whole.requests.count
            if let error = whole.error { report.refused[HTTPRequestParseError(error, "").status.code, default: 0] += 1 }
            // A split may only reveal an error earlier in a later request, never change what parsed.
            if whole != parts && report.mismatches.count < 20 {
                report.mismatches.append("split at \(split): \(String(decoding: bytes.prefix(120), as: UTF8.self).debugDescription)")
            }
        }
        report.elapsed = start.elapsed
        return report
    }
}
