import Foundation
import HTTPWire
import Testing
@testable import ScenarioRunner

@Suite("Scenario loader and validator")
struct ScenarioLoaderTests {
    static let minimal = """
        {"id": "demo.ok", "description": "d", "servers": [{"name": "main", "personality": "openai"}],
         "steps": [{"operation": "chat"}]}
        """

    func parse(_ text: String, file: String = "Scenarios/retry/429.json") throws(ScenarioLoadError) -> [Scenario] {
        try ScenarioParser().parse(Array(text.utf8), file: file, defaultCapability: "retry")
    }

    func error(_ text: String, file: String = "Scenarios/retry/429.json") -> ScenarioLoadError? {
        do {
            _ = try parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    /// Replaces the first step's `expect` (or any fragment) in the minimal scenario.
    func scenario(step: String = #"{"operation": "chat"}"#, servers: String = #"[{"name": "main", "personality": "openai"}]"#, extra: String = "") -> String {
        #"{"id": "demo.x", "description": "d", "servers": \#(servers), "steps": [\#(step)]\#(extra)}"#
    }

    @Test func minimalScenarioGetsDefaults() throws {
        let scenarios = try parse(Self.minimal)
        let s = try #require(scenarios.first)
        #expect(s.id == "demo.ok")
        #expect(s.provider == "openai")
        #expect(s.capability == "retry")
        #expect(s.timeoutMilliseconds == 10_000)
        #expect(s.client.kind == .providerClient)
        #expect(s.steps[0].stream)
        #expect(s.steps[0].expect.outcome == .success)
        #expect(s.servers[0].firstModelName == "gpt-4o-mini")
    }

    @Test func arrayFileHoldsSeveralScenarios() throws {
        let two = "[\(Self.minimal), \(Self.minimal.replacingOccurrences(of: "demo.ok", with: "demo.two"))]"
        let scenarios = try parse(two)
        #expect(scenarios.map(\.id) == ["demo.ok", "demo.two"])
        #expect(scenarios[1].indexInFile == 1)
    }

    @Test func badAttemptsNamesFileAndKeyPath() throws {
        let e = try #require(error(scenario(step: #"{"operation": "chat", "expect": {"attempts": "two"}}"#)))
        #expect(e.description == #"Scenarios/retry/429.json: steps[0].expect.attempts: expected an integer or {"min","max"}, got "two""#)
        #expect(e.scenarioID == "demo.x")
    }

    @Test(arguments: [
        (#"{"operation": "chat", "expcet": {}}"#, "steps[0].expcet", "did you mean \"expect\""),
        (#"{"operation": "chatt"}"#, "steps[0].operation", "did you mean \"chat\""),
        (#"{"operation": "chat", "server": "nope"}"#, "steps[0].server", "no server named \"nope\""),
        (#"{"operation": "chat", "parallel": 0}"#, "steps[0].parallel", "between 1 and 64"),
        (#"{"operation": "chat", "expect": {"attempts": {"min": 3, "max": 1}}}"#, "steps[0].expect.attempts", "greater than max"),
        (#"{"operation": "chat", "expect": {"attempts": {"least": 1}}}"#, "steps[0].expect.attempts.least", "unknown key"),
        (#"{"operation": "chat", "expect": {"findings": ["retry-afterignored"]}}"#, "steps[0].expect.findings[0]", "did you mean \"retry-after-ignored\""),
        (#"{"operation": "chat", "expect": {"content_regex": "(unclosed"}}"#, "steps[0].expect.content_regex", "regular expression"),
        (#"{"operation": "chat", "expect": {"outcome": "success", "error_code": "timeout"}}"#, "steps[0].expect.outcome", "must be \"error\""),
        (#"{"operation": "list_models", "cancel_after_chunks": 2}"#, "steps[0].cancel_after_chunks", "streamed chat"),
        (#"{"operation": "chat", "expect": {"served_by": "other"}}"#, "steps[0].expect.served_by", "no server named"),
    ])
    func stepErrorsNameTheKeyPath(step: String, path: String, fragment: String) throws {
        let e = try #require(error(scenario(step: step)))
        #expect(e.file == "Scenarios/retry/429.json")
        #expect(e.keyPath == path)
        #expect(e.message.contains(fragment), "\(e)")
    }

    @Test(arguments: [
        (#"[{"name": "main", "personality": "olama"}]"#, "servers[0].personality", "did you mean \"ollama\""),
        (#"[{"name": "main", "personality": "openai", "port": 1}]"#, "servers[0].port", "unknown key"),
        (#"[{"name": "a", "personality": "openai"}, {"name": "a", "personality": "ollama"}]"#, "servers[1].name", "used twice"),
        (#"[{"name": "main", "personality": "openai", "generation": {"jitter": 2}}]"#, "servers[0].generation.jitter", "between 0 and 1"),
        (#"[{"name": "main", "personality": "openai", "models": [{"name": "m", "loaded": "yes"}]}]"#, "servers[0].models[0].loaded", "true or false"),
        (#"[]"#, "servers", "at least one"),
    ])
    func serverErrorsNameTheKeyPath(servers: String, path: String, fragment: String) throws {
        let e = try #require(error(scenario(servers: servers)))
        #expect(e.keyPath == path)
        #expect(e.message.contains(fragment), "\(e)")
    }

    @Test func clientErrorsNameTheKeyPath() throws {
        let cases: [(String, String, String)] = [
            (#""client": {"kind": "misbehaving", "misbehaviours": ["no-backof"]}"#, "client.misbehaviours[0]", "did you mean \"no-backoff\""),
            (#""client": {"retry": {"max_retries": -1}}"#, "client.retry.max_retries", "between 0 and 10"),
            (#""client": {"timeouts": {"idle": 5}}"#, "client.timeouts.idle", "did you mean \"idle_ms\""),
            (#""client": {"providers": [{"server": "ghost"}]}"#, "client.providers[0].server", "no server named"),
            (#""client": {"misbehaviours": ["no-backoff"]}"#, "client.misbehaviours", "kind"),
            (#""timeout_ms": "10s""#, "timeout_ms", "expected an integer"),
            (#""tags": "retry""#, "tags", "expected an array"),
        ]
        for (extra, path, fragment) in cases {
            let e = try #require(error(scenario(extra: ", " + extra)), "\(extra)")
            #expect(e.keyPath == path, "\(extra)")
            #expect(e.message.contains(fragment), "\(e)")
        }
    }

    @Test func missingKeysAndBadIDs() throws {
        let noID = try #require(error(#"{"description": "d", "servers": [], "steps": []}"#))
        #expect(noID.keyPath == "id")
        #expect(noID.code == .missingKey)
        let badID = try #require(error(Self.minimal.replacingOccurrences(of: "demo.ok", with: "Demo OK")))
        #expect(badID.keyPath == "id")
        let noSteps = try #require(error(#"{"id": "a", "description": "d", "servers": [{"name": "m", "personality": "ollama"}]}"#))
        #expect(noSteps.keyPath == "steps")
    }

    @Test func syntaxErrorsGiveLineAndColumn() throws {
        let e = try #require(error("{\n  \"id\": \"x\",\n  oops\n}"))
        #expect(e.code == .syntax)
        #expect(e.keyPath.hasPrefix("line 3, column"))
        #expect(e.description.hasPrefix("Scenarios/retry/429.json: line 3"))
    }

    @Test func faultsAreValidatedByTheMockParser() throws {
        let parser = ScenarioLoader.standard.parser
        let text = scenario(servers: #"[{"name": "main", "personality": "openai", "faults": [{"status": 429, "times": 1}, {"stall": {"after": "x"}}]}]"#)
        #expect(throws: Never.self) { try parser.parse(Array(scenario(servers: #"[{"name": "main", "personality": "openai", "faults": [{"status": 429, "times": 1}]}]"#).utf8), file: "f.json", defaultCapability: "c") }
        do {
            _ = try parser.parse(Array(text.utf8), file: "Scenarios/faults/stall.json", defaultCapability: "c")
            Issue.record("expected a fault error")
        } catch {
            #expect(error.file == "Scenarios/faults/stall.json")
            #expect(error.keyPath.hasPrefix("servers[0].faults[1]"), "\(error)")
        }
    }

    @Test func brokenFilesDoNotStopTheRest() throws {
        let dir = try TemporaryDirectory()
        try dir.write("good/a.json", Self.minimal)
        try dir.write("good/b.json", Self.minimal.replacingOccurrences(of: "demo.ok", with: "demo.b"))
        try dir.write("bad/broken.json", "{ not json")
        try dir.write("bad/dup.json", Self.minimal)
        try dir.write("README.md", "not a scenario")
        let result = ScenarioLoader().load(paths: [dir.path])
        #expect(result.scenarios.map(\.id) == ["demo.b", "demo.ok"])
        #expect(result.fileCount == 4)
        #expect(result.errors.count == 2)
        let dup = try #require(result.errors.first { $0.code == .duplicateID })
        #expect(dup.message.contains("already used by"))
        #expect(result.errors.contains { $0.code == .syntax && $0.file.hasSuffix("bad/broken.json") })
        #expect(result.scenarios.first { $0.id == "demo.b" }?.capability == "good")
    }

    @Test func missingPathIsAnError() {
        let result = ScenarioLoader().load(paths: ["/nonexistent/llmcheck-scenarios"])
        #expect(result.errors.first?.code == .unreadable)
    }
}

/// A temporary directory removed when the value is deinitialised.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "llmcheck-runner-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
