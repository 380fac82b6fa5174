import HTTPWire
import MockProviders
import Testing

@Suite("Fault specs and scheduling")
struct FaultSpecTests {
    static let examples = [
        "delay_headers=3s", "delay_body=1500ms", "stall=after:3,for:5s", "stall=after:1", "close=after:2", "cut=after:4",
        "rst=headers", "rst=after:2,p=0.1", "malformed=chunk:3", "content_type=text/html", "content_type=none",
        "bad_chunked=after:1", "length_mismatch=+20", "length_mismatch=-5", "drip=200",
        "status=429,retry_after=2,times=1", "status=429,retry_after_ms=1500,should_retry=true", "status=404,model=llama*",
        "stream_error=after:5,message=\"a, b\"", "stall=after:3,for:5s,path=/api/chat", "status=500,method=POST,request=2", "close=after:1,test_id=suite-a*",
    ]

    @Test(arguments: examples)
    func canonicalTextRoundTrips(_ text: String) throws {
        let spec = try FaultSpec.parse(text)
        #expect(try FaultSpec.parse(spec.description) == spec)
        #expect(try FaultSpec.parse(json: spec.jsonValue) == spec)
    }

    @Test func shortFormsAndJSON() throws {
        #expect(try FaultSpec.parse("stall=3").action == .stall(afterChunks: 3, duration: nil))
        #expect(try FaultSpec.parse("rst").action == .reset(afterChunks: nil))
        let json = try JSONValue.parse(#"{"stall":{"after":3,"for":"5s"},"path":"/api/chat","times":1}"#)
        let spec = try FaultSpec.parse(json: json)
        #expect(spec.action == .stall(afterChunks: 3, duration: .seconds(5)))
        #expect(spec.schedule.times == 1)
        #expect(spec.schedule.path?.pattern == "/api/chat")
        #expect(try FaultSpec.parse(json: JSONValue.parse(#"{"status":429,"retry_after":2}"#)).action == .status(.init(code: 429, retryAfterSeconds: 2)))
    }

    @Test func errorsNameProblemAndPosition() throws {
        let typo = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("status=429,retry_afer=2") }
        #expect(typo?.code == .unknownKey)
        #expect(typo?.location == "column 12")
        #expect(typo?.description.contains("did you mean 'retry_after'") == true)
        let bad = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("stall=after:x") }
        #expect(bad?.code == .badValue)
        #expect(bad?.location == "column 1")
        let two = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("close=after:1,rst=headers") }
        #expect(two?.code == .multipleActions)
        #expect(two?.location == "column 15")
        let none = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("times=2") }
        #expect(none?.code == .missingAction)
        let misplaced = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("close=after:1,for:2s") }
        #expect(misplaced?.code == .misplacedParameter)
        let status = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("status=200") }
        #expect(status?.code == .badValue)
        let p = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("rst=headers,p=1.5") }
        #expect(p?.location == "column 13")
        #expect(throws: FaultSpecError.self) { try FaultSpec.parse("") }
        #expect(throws: FaultSpecError.self) { try FaultSpec.parse("message=\"open,status=500") }
        let json = #expect(throws: FaultSpecError.self) { try FaultSpec.parse(json: JSONValue.parse(#"{"stall":{"after":-1}}"#), path: "faults[2]") }
        #expect(json?.location == "faults[2].stall.after")
    }

    @Test func requestNumberAndTimes() throws {
        let plan = FaultPlan(seed: 1, faults: [try FaultSpec.parse("status=500,request=2"), try FaultSpec.parse("status=503,times=2")])
        let decisions = (1...4).map { _ in plan.decide(method: "POST", path: "/v1/chat/completions", model: "m").map(\.description) }
        #expect(decisions[0] == ["status=503,times=2"])
        #expect(decisions[1] == ["status=500,request=2", "status=503,times=2"])
        #expect(decisions[2] == [])
        #expect(decisions[3] == [])
        #expect(plan.faults.map(\.applied) == [1, 2])
        #expect(plan.faults.map(\.matched) == [4, 4])
    }

    @Test func pathModelAndMethodFilters() throws {
        let plan = FaultPlan(seed: 1, faults: [try FaultSpec.parse("close=after:1,path=/api/*,model=llama*,method=POST")])
        #expect(plan.decide(method: "POST", path: "/api/chat", model: "llama3.2:3b").count == 1)
        #expect(plan.decide(method: "POST", path: "/v1/chat/completions", model: "llama3.2:3b").isEmpty)
        #expect(plan.decide(method: "POST", path: "/api/chat", model: "qwen2.5:7b").isEmpty)
        #expect(plan.decide(method: "POST", path: "/api/chat", model: nil).isEmpty)
        #expect(plan.decide(method: "GET", path: "/api/tags", model: "llama3.2:3b").isEmpty)
    }

    @Test func testIDIsolatesFaults() throws {
        let plan = FaultPlan(seed: 1, faults: [try FaultSpec.parse("status=503,test_id=a")])
        #expect(plan.decide(method: "GET", path: "/", model: nil, testID: "a").count == 1)
        #expect(plan.decide(method: "GET", path: "/", model: nil, testID: "b").isEmpty)
        #expect(plan.decide(method: "GET", path: "/", model: nil).isEmpty)
    }

    @Test func probabilityIsReproducibleUnderASeed() throws {
        func run(_ seed: UInt64) throws -> [Bool] {
            let plan = FaultPlan(seed: seed, faults: [try FaultSpec.parse("rst=after:2,p=0.3")])
            return (0..<200).map { _ in !plan.decide(method: "POST", path: "/x", model: nil).isEmpty }
        }
        let a = try run(99)
        #expect(a == (try run(99)))
        #expect(a != (try run(100)))
        let hits = a.filter { $0 }.count
        #expect((30...90).contains(hits))
    }
}

@Suite("Request journal", .timeLimit(.minutes(1)))
struct RequestJournalTests {
    @Test func ringKeepsTheNewestEntriesInOrder() async throws {
        try await withMock(.openai, configure: { $0.journalCapacity = 3 }) { server in
            for _ in 0..<5 { _ = try await response(server, "GET", "/v1/models") }
            #expect(server.journal().map(\.id) == [3, 4, 5])
            #expect(server.journal(after: 4).map(\.id) == [5])
            #expect(server.engine.journal.droppedCount == 2)
            server.reset()
            #expect(server.journal().isEmpty)
            _ = try await response(server, "GET", "/v1/models")
            #expect(server.journal().map(\.id) == [6])
        }
    }
}

/// Seeded garbage never crashes the parsers; it is refused with an error or accepted.
@Suite("Parser robustness")
struct ParserRobustnessTests {
    static func mutations(of text: String, count: Int, seed: UInt64) -> [String] {
        var rng = SeededRandom(seed: seed)
        let bytes = Array(text.utf8)
        let alphabet = Array("=,:\"'{}[]0123456789-+.abc \\\n\u{00e9}".utf8)
        return (0..<count).map { _ in
            var b = bytes
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                guard !b.isEmpty else { break }
                let i = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 3 {
                case 0: b.remove(at: i)
                case 1: b.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                default: b[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            return String(decoding: b, as: UTF8.self)
        }
    }

    @Test func faultSpecParserNeverCrashes() {
        var accepted = 0
        for base in FaultSpecTests.examples {
            for text in Self.mutations(of: base, count: 200, seed: SeededRandom.stableHash(base)) {
                if let spec = try? FaultSpec.parse(text) {
                    accepted += 1
                    #expect((try? FaultSpec.parse(spec.description)) == spec, "\(text)")
                }
            }
        }
        #expect(accepted > 0)
    }

    @Test func fixtureParserNeverCrashes() throws {
        let text = #"{"provider":"ollama","exchanges":[{"request":{"method":"POST","path":"/api/chat","body":{"model":"m"}},"response":{"status":200,"headers":{"Content-Length":"2"},"chunks":[{"offset_ms":0,"text":"ok"}]}}]}"#
        _ = try FixtureLoader.parse(Array(text.utf8), file: "base.json")
        for (i, mutated) in Self.mutations(of: text, count: 2000, seed: 11).enumerated() {
            do {
                _ = try FixtureLoader.parse(Array(mutated.utf8), file: "m\(i).json")
            } catch {
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { $0.file == "m\(i).json" })
            }
        }
    }
}
