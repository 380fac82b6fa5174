import Foundation
import HTTPWire
import Reporting
import Testing
import TestSupport
@testable import ScenarioRunner

@Suite("Programs as the client under test, judged end to end against the real mocks", .timeLimit(.minutes(1)))
struct CommandClientTests {
    /// A small client in Python (standard library only) whose behaviour is chosen by an argument.
    static let client = #"""
        import json, os, sys, time, urllib.request, urllib.error
        mode = sys.argv[1]
        base = os.environ["LLMCHECK_BASE_URL"]
        body = json.dumps({"model": os.environ["LLMCHECK_MODEL"], "stream": True,
                           "messages": [{"role": "user", "content": os.environ["LLMCHECK_PROMPT"]}]}).encode()
        def send():
            req = urllib.request.Request(base + "/chat/completions", data=body, headers={"Content-Type": "application/json"})
            return urllib.request.urlopen(req, timeout=5)
        for attempt in range(3):
            try:
                r = send()
                break
            except urllib.error.HTTPError as e:
                if mode == "impatient" and e.code == 429:
                    continue
                time.sleep(float(e.headers.get("retry-after-ms", "0")) / 1000)
        text = ""
        try:
            for line in r:
                line = line.decode().strip()
                if line.startswith("data: ") and line != "data: [DONE]":
                    delta = json.loads(line[6:])["choices"][0]["delta"].get("content")
                    text += delta or ""
        except Exception:
            pass  # a careless client: whatever arrived is the answer
        print(text)
        """#

    func scenario(_ id: String, faults: String, mode: String, expect: String, dir: TestSupport.TemporaryDirectory) throws -> Scenario {
        let script = try dir.write(Self.client, to: "client.py")
        let text = """
            {"id": "\(id)", "description": "d", "timeout_ms": 20000,
             "servers": [{"name": "main", "personality": "openai", "generation": {"reply": "One two three four five."}, "faults": \(faults)}],
             "client": {"kind": "command", "argv": ["python3", "\(script)", "\(mode)"]},
             "steps": [{"operation": "chat", "expect": \(expect)}]}
            """
        return try ScenarioParser().parse(Array(text.utf8), file: dir.file("s.json"), defaultCapability: "clients")[0]
    }

    func run(_ scenario: Scenario) async -> ScenarioResult {
        await ScenarioExecutor(drivers: .standard).run(scenario, seed: 1, environment: MockProvidersEnvironment())
    }

    @Test func wellBehavedProgramPasses() async throws {
        let dir = try TestSupport.TemporaryDirectory()
        defer { dir.remove() }
        let s = try scenario("cmd.ok", faults: #"[{"status": 429, "retry_after_ms": 150, "times": 1}]"#, mode: "patient",
                             expect: #"{"exit": 0, "stdout_is_reply": true, "attempts": 2}"#, dir: dir)
        let result = await run(s)
        #expect(result.outcome.status == .passed, "\(result.outcome.message ?? "") \(result.transcript ?? "")")
        #expect(result.client == "client")
        #expect(result.junitClassName == "conformance.client.openai.clients")
        #expect(result.transcript?.contains("app: exited 0") == true)
    }

    @Test func retryAfterIgnoredIsCaughtWithoutHarnessHeaders() async throws {
        let dir = try TestSupport.TemporaryDirectory()
        defer { dir.remove() }
        let s = try scenario("cmd.impatient", faults: #"[{"status": 429, "retry_after_ms": 400, "times": 1}]"#, mode: "impatient",
                             expect: #"{"exit": 0, "findings": ["retry_after_ignored"]}"#, dir: dir)
        let result = await run(s)
        #expect(result.outcome.status == .passed, "\(result.outcome.message ?? "")")
        let finding = result.findings.first { $0.id == "retry-after-ignored" }
        #expect(finding?.evidence.contains { $0.contains("Retry-After 400") } == true)
    }

    @Test func acceptedTruncationIsAFact() async throws {
        let dir = try TestSupport.TemporaryDirectory()
        defer { dir.remove() }
        let s = try scenario("cmd.truncated", faults: #"[{"close": {"after": 2}}]"#, mode: "patient",
                             expect: #"{"exit": "non-zero", "stdout_is_reply": false}"#, dir: dir)
        let result = await run(s)
        #expect(result.outcome.status == .failed)
        #expect(result.findings.contains { $0.id == "truncated-stream-accepted" })
        #expect(result.expectations.contains { $0.name.hasSuffix("exit") && !$0.passed && $0.actual == "exited 0" })
    }

    @Test func commandWithoutArgvIsRefusedAtLoad() throws {
        let text = #"{"id": "x", "description": "d", "servers": [{"name": "m", "personality": "openai"}], "client": {"kind": "command"}, "steps": [{"operation": "chat"}]}"#
        do {
            _ = try ScenarioParser().parse(Array(text.utf8), file: "Scenarios/clients/x.json", defaultCapability: "c")
            Issue.record("accepted a command client without argv")
        } catch {
            #expect(error.file == "Scenarios/clients/x.json")
            #expect(error.keyPath == "client.argv")
        }
        var validation = ScenarioParser.Validation()
        validation.commandSuppliedElsewhere = true
        #expect(throws: Never.self) { _ = try ScenarioParser(validation: validation).parse(Array(text.utf8), file: "x.json", defaultCapability: "c") }
    }

    @Test func appKeysAreValidated() {
        func problem(_ expect: String, generation: String = "") -> String? {
            let text = #"{"id": "x", "description": "d", "servers": [{"name": "m", "personality": "openai"\#(generation)}], "client": {"kind": "command", "argv": ["a"]}, "steps": [{"operation": "chat", "expect": \#(expect)}]}"#
            do {
                _ = try ScenarioParser().parse(Array(text.utf8), file: "f.json", defaultCapability: "c")
                return nil
            } catch {
                return error.keyPath
            }
        }
        #expect(problem(#"{"stdout_is_reply": true}"#) == "steps[0].expect.stdout_is_reply")
        #expect(problem(#"{"stdout_is_reply": true}"#, generation: #", "generation": {"reply": "r"}"#) == nil)
        #expect(problem(#"{"exit": "sometimes"}"#) == "steps[0].expect.exit")
        #expect(problem(#"{"exit": 256}"#) == "steps[0].expect.exit")
        #expect(problem(#"{"stdout_regex": "("}"#) == "steps[0].expect.stdout_regex")
        #expect(problem(#"{"findings": ["no_read_timeout"]}"#) == nil)
        #expect(problem(#"{"findings": ["no_such_thing"]}"#) == "steps[0].expect.findings[0]")
    }
}
