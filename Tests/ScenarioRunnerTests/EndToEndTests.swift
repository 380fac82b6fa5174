import Foundation
import HTTPWire
import Reporting
import Testing
@testable import ScenarioRunner

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("End-to-end runs against the real mocks", .timeLimit(.minutes(1)))
struct EndToEndTests {
    static let control = """
        {"id": "e2e.control", "description": "well-behaved raw client", "tags": ["e2e"],
         "servers": [{"name": "main", "personality": "openai", "generation": {"reply": "One two three."}}],
         "client": {"kind": "misbehaving"},
         "steps": [{"operation": "chat", "expect": {"content": "One two three.", "no_findings": ["truncated-stream-accepted"]}}]}
        """
    static let caught = """
        {"id": "e2e.caught", "description": "ignores Retry-After", "tags": ["e2e"],
         "servers": [{"name": "main", "personality": "ollama", "faults": [{"status": 429, "retry_after_ms": 1000, "times": 1}]}],
         "client": {"kind": "misbehaving", "misbehaviours": ["ignore-retry-after"]},
         "steps": [{"operation": "chat", "expect": {"attempts": 2, "findings": ["retry-after-ignored"]}}]}
        """
    static let realClient = """
        {"id": "e2e.real", "description": "real client retries a 500", "tags": ["real"],
         "servers": [{"name": "main", "personality": "lmstudio", "faults": [{"status": 500, "times": 1}]}],
         "steps": [{"operation": "chat", "expect": {"attempts": 2, "status": 200}}, {"operation": "list_models", "expect": {"model_count": 3}}]}
        """
    static let failing = """
        {"id": "e2e.failing", "description": "expects the wrong text", "tags": ["e2e"],
         "servers": [{"name": "main", "personality": "openai", "generation": {"reply": "actual"}}],
         "client": {"kind": "misbehaving"},
         "steps": [{"operation": "chat", "stream": false, "expect": {"content": "expected"}}]}
        """

    func suite() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("a/control.json", Self.control)
        try dir.write("a/caught.json", Self.caught)
        try dir.write("b/real.json", Self.realClient)
        try dir.write("b/failing.json", Self.failing)
        try dir.write("b/broken.json", #"{"id": "e2e.broken", "description": "x", "servers": [{"name": "m", "personality": "openai"}], "steps": [{"operation": "chat", "expect": {"attempts": "two"}}]}"#)
        return dir
    }

    @Test func smallSuiteRunsAndWritesReports() async throws {
        let dir = try suite()
        let run = ConformanceRun(configuration: ConformanceRun.Configuration(paths: [dir.path], options: SuiteRunner.Options(jobs: 2, seed: 3)))
        let outcome = try await run.execute()
        let byID = Dictionary(uniqueKeysWithValues: outcome.report.results.map { ($0.id, $0) })
        #expect(byID.count == 5)
        #expect(byID["e2e.control"]?.outcome.status == .passed, "\(String(describing: byID["e2e.control"]?.outcome))")
        #expect(byID["e2e.caught"]?.outcome.status == .passed, "\(String(describing: byID["e2e.caught"]?.transcript))")
        #expect(byID["e2e.caught"]?.findings.map(\.id) == ["retry-after-ignored"])
        #expect(byID["e2e.real"]?.outcome.status == .passed, "\(String(describing: byID["e2e.real"]?.transcript))")
        #expect(byID["e2e.failing"]?.outcome.status == .failed)
        #expect(byID["e2e.failing"]?.outcome.message?.contains("content") == true)
        let broken = try #require(byID["e2e.broken"])
        #expect(broken.outcome.status == .error)
        #expect(broken.outcome.kind == "invalid-scenario")
        #expect(broken.outcome.message?.contains("b/broken.json: steps[0].expect.attempts") == true)
        #expect(outcome.loadErrors.count == 1)
        // Per-request traces carry the client's timing and attempts.
        let trace = try #require(byID["e2e.real"]?.requests.first)
        #expect(trace.attempts.count == 2)
        #expect(trace.tFirstTokenNs != nil)

        let out = try TemporaryDirectory()
        try ReportSet.write(outcome.report, to: URL(fileURLWithPath: out.path))
        let junit = try Data(contentsOf: URL(fileURLWithPath: out.path + "/junit.xml"))
        let counter = TestcaseCounter()
        let parser = XMLParser(data: junit)
        parser.delegate = counter
        #expect(parser.parse(), "junit.xml must be well-formed XML")
        #expect(counter.testcases == 5)
        #expect(counter.failures == 1)
        #expect(counter.errors == 1)
    }

    @Test func selectionAppliesToScenariosAndBrokenFiles() async throws {
        let dir = try suite()
        let run = ConformanceRun(configuration: ConformanceRun.Configuration(
            paths: [dir.path], selection: ScenarioSelection(tags: ["real"]), options: SuiteRunner.Options(jobs: 2)))
        let outcome = try await run.execute()
        #expect(outcome.report.results.map(\.id) == ["e2e.real"])
    }

    @Test func hangingScenarioIsStoppedAtItsDeadline() async throws {
        let text = """
            {"id": "e2e.hang", "description": "a client without idle timeout on a stream stalled forever", "timeout_ms": 300,
             "servers": [{"name": "main", "personality": "openai", "faults": [{"stall": {"after": 1}}]}],
             "client": {"kind": "misbehaving", "misbehaviours": ["no-idle-timeout"], "timeouts": {"total_ms": 60000}},
             "steps": [{"operation": "chat"}]}
            """
        let scenario = try #require(try ScenarioParser().parse(Array(text.utf8), file: "hang.json", defaultCapability: "e2e").first)
        // The client would wait 60 s; the suite's one-minute time limit catches a runner that does not stop it.
        let result = await SuiteRunner.standard.runOne(scenario, options: SuiteRunner.Options(jobs: 1))
        #expect(result.outcome.status == .error)
        #expect(result.outcome.kind == "timeout")
        #expect(result.outcome.message?.contains("300 ms") == true)
    }

    @Test func sameSeedSameAnswerDifferentSeedDifferentAnswer() async throws {
        let text = """
            {"id": "e2e.seeded", "description": "seeded generation", "servers": [{"name": "main", "personality": "ollama"}],
             "client": {"kind": "misbehaving"}, "steps": [{"operation": "chat", "max_tokens": 12}]}
            """
        let scenario = try #require(try ScenarioParser().parse(Array(text.utf8), file: "s.json", defaultCapability: "e2e").first)
        func answer(seed: UInt64) async -> String {
            let recorder = RecordingDriver()
            let runner = SuiteRunner(executor: ScenarioExecutor(drivers: ClientDrivers(providerClient: nil, misbehaving: recorder)), makeEnvironment: { MockProvidersEnvironment() })
            _ = await runner.runOne(scenario, options: SuiteRunner.Options(jobs: 1, seed: seed))
            return recorder.contents.joined()
        }
        let a = await answer(seed: 11)
        let b = await answer(seed: 11)
        let c = await answer(seed: 12)
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(a != c)
    }
}

/// Wraps ``MisbehavingClient`` and keeps the answers.
final class RecordingDriver: ClientDriver, @unchecked Sendable {
    // @unchecked: `answers` is guarded by `lock`.
    private let lock = NSLock()
    private var answers: [String] = []

    func perform(_ request: DriverRequest) async -> RequestOutcome {
        let outcome = await MisbehavingClient().perform(request)
        lock.withLock { answers.append(outcome.content) }
        return outcome
    }

    var contents: [String] { lock.withLock { answers } }
}

/// Counts `<testcase>`, `<failure>` and `<error>` elements.
final class TestcaseCounter: NSObject, XMLParserDelegate {
    var testcases = 0
    var failures = 0
    var errors = 0

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch elementName {
        case "testcase": testcases += 1
        case "failure": failures += 1
        case "error": errors += 1
        default: break
        }
    }
}
