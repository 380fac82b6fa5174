import HTTPWire
import MockProviders
import Testing

/// Seeded, bounded fuzzing of fault specs with numbers of every size: each spec is either refused
/// with a located error or accepted and then applied by a real engine (text form, JSON form, the
/// `X-LLMCheck-Fault` header and `POST /__llmcheck/faults`) without trapping.
@Suite("Fault spec fuzzing", .timeLimit(.minutes(1)))
struct FaultSpecFuzzTests {
    /// Numbers that break unchecked conversions and arithmetic.
    static let numbers = [
        "0", "1", "-1", "+3", "2.5", "1e300", "-1e300", "9.2e18", "9.3e18", "1e10", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "18446744073709551616", "1e-300", "nan", "inf", "0x10", "",
        "3600", "3601", "1000000", "1000000.5", "1000000000", "1000000001",
    ]
    static let units = ["", "s", "ms", "us", "m", "h"]
    static let keys = FaultKind.allCases.map(\.key)
    static let parameters = ["after", "for", "chunk", "retry_after", "retry_after_ms", "request", "times", "p"]

    /// `count` specs drawn from `seed`: a kind with a number (and a unit), plus up to two parameters.
    static func specs(count: Int, seed: UInt64) -> [String] {
        var rng = SeededRandom(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        return (0..<count).map { _ in
            let key = pick(keys)
            var items = ["\(key)=\(key == "status" ? pick(["429", "503", "1e300", "99999999999999999999"]) : pick(numbers) + pick(units))"]
            for _ in 0..<Int(rng.next() % 3) { items.append("\(pick(parameters))=\(pick(numbers))\(pick(units))") }
            return items.joined(separator: ",")
        }
    }

    /// Applies a spec through the engine on an in-memory writer (pauses return at once).
    static func apply(_ spec: FaultSpec, engine: MockEngine) {
        let head = HTTPRequestHead(
            method: .post, target: "/v1/chat/completions",
            headers: ["Host": "127.0.0.1", "Content-Type": "application/json"])
        let body = Array(#"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let writer = FuzzWriter(requestHead: head)
        var request = HTTPRequest(head: head, body: body)
        request.head.headers["X-LLMCheck-Fault"] = spec.description
        try? engine.handle(request, writer)
    }

    @Test func numbersOfEverySizeAreRefusedOrAppliedWithoutTrapping() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .openai, seed: 3))
        var accepted = 0
        var refused = 0
        for text in Self.specs(count: 3000, seed: 20_260_101) {
            do {
                let spec = try FaultSpec.parse(text)
                accepted += 1
                #expect(try FaultSpec.parse(spec.description) == spec, "\(text)")
                #expect(try FaultSpec.parse(json: spec.jsonValue) == spec, "\(text)")
                Self.apply(spec, engine: engine)
            } catch {
                refused += 1
                #expect(!error.location.isEmpty && !error.message.isEmpty)
            }
        }
        #expect(accepted > 100 && refused > 100, "accepted \(accepted), refused \(refused)")
    }

    @Test func jsonNumbersOfEverySizeAreRefusedOrAccepted() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .ollama, seed: 3))
        let values: [Double] = [0, 1, 2.5, 3600, 3601, 1e9, 9.2e9, 1e10, 9.2e18, 9.3e18, 1e300, -1, -1e300]
        for key in Self.keys + Self.parameters {
            for value in values {
                let json: JSONValue = Self.keys.contains(key)
                    ? .object([(key, .number(value))])
                    : .object([("status", .int(429)), (key, .number(value))])
                if let spec = try? FaultSpec.parse(json: json, path: "faults[0]") {
                    #expect(try FaultSpec.parse(spec.description) == spec)
                    Self.apply(spec, engine: engine)
                }
            }
        }
        // The ones the issue names are refused, with their location.
        for (json, location) in [
            (#"{"delay_headers":1e10}"#, "faults[0].delay_headers"), (#"{"status":429,"retry_after":1e300}"#, "faults[0].retry_after"),
            (#"{"status":429,"retry_after":9.3e18}"#, "faults[0].retry_after"), (#"{"length_mismatch":9223372036854775807}"#, "faults[0].length_mismatch"),
            (#"{"stall":{"after":1,"for":1e300}}"#, "faults[0].stall.for"),
        ] {
            let error = #expect(throws: FaultSpecError.self) { try FaultSpec.parse(json: JSONValue.parse(json), path: "faults[0]") }
            #expect(error?.location == location, "\(json)")
        }
    }
}

/// A writer that keeps nothing: the fuzz test only checks that applying a fault does not trap.
private final class FuzzWriter: HTTPResponseWriter {
    let requestHead: HTTPRequestHead
    private(set) var isHeadWritten = false
    init(requestHead: HTTPRequestHead) { self.requestHead = requestHead }
    func writeHead(_ head: HTTPResponseHead) throws { isHeadWritten = true }
    func writeBody(_ bytes: [UInt8]) throws {}
    func finish() throws {}
    func writeRaw(_ bytes: [UInt8]) throws { isHeadWritten = true }
    func close() {}
    func reset() {}
    func pause(for duration: Duration) throws {}
    func waitForPeerClose(timeout: Duration?) -> Bool { false }
}
