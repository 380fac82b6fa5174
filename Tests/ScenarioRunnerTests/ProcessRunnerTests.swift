import Foundation
import HTTPWire
import Testing
import TestSupport
@testable import ScenarioRunner

@Suite("A command under test: start failures, hangs, floods, stray children, bad output", .timeLimit(.minutes(1)))
struct ProcessRunnerTests {
    let env = ["PATH": "/usr/local/bin:/usr/bin:/bin"]

    func run(_ argv: [String], timeout: Duration = .seconds(10), limit: Int = 1 << 20) async -> ProcessRun {
        await ProcessRunner(captureLimit: limit).run(argv: argv, environment: env, workingDirectory: nil, timeout: timeout)
    }

    static func whyNotStarted(_ r: ProcessRun) -> String {
        if case .couldNotStart(let why) = r.ending { return why }
        return "started: \(r.ending.description)"
    }

    @Test func capturesOutputAndExitStatus() async {
        let r = await run(["/bin/sh", "-c", "printf 'hello'; printf 'oops' >&2; exit 3"])
        #expect(r.ending == .exited(3))
        #expect(r.standardOutput.text == "hello")
        #expect(r.standardError.text == "oops")
        #expect(!r.ending.isSuccess)
    }

    @Test func missingProgramIsAClearResult() async {
        let r = await run(["llmcheck-no-such-program-4711"])
        let why = Self.whyNotStarted(r)
        #expect(why.contains("not found in PATH"))
    }

    @Test func nonExecutableFileIsAClearResult() async throws {
        let dir = try TestSupport.TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("echo hi\n", to: "script.sh")
        let r = await run([path])
        let why = Self.whyNotStarted(r)
        #expect(why.contains("not an executable file"))
    }

    @Test func missingWorkingDirectoryIsAClearResult() async {
        let r = await ProcessRunner().run(argv: ["/bin/true"], environment: env, workingDirectory: "/nonexistent/dir", timeout: .seconds(5))
        let why = Self.whyNotStarted(r)
        #expect(why.contains("does not exist"))
    }

    @Test func hangIsKilledAtTheDeadlineWithItsGroup() async {
        let started = MonotonicClock.now()
        // The shell's child (sleep) is in the same process group and must die with it.
        let r = await run(["/bin/sh", "-c", "sleep 30; echo never"], timeout: .milliseconds(300))
        #expect(r.ending == .killedAtDeadline)
        #expect(Double(MonotonicClock.now() - started) / 1e9 < 10)
        #expect(r.standardOutput.text.isEmpty)
    }

    @Test func floodIsCappedAndSaysSo() async {
        let r = await run(["/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' 'x'"], limit: 1000)
        #expect(r.ending == .exited(0))
        #expect(r.standardOutput.kept.count == 1000)
        #expect(r.standardOutput.totalBytes == 3_000_000)
        #expect(r.standardOutput.tail().contains("more bytes not kept"))
    }

    @Test func childrenThatOutliveTheProgramAreKilled() async {
        let started = MonotonicClock.now()
        // The background sleep keeps stdout open; without the group kill the run would wait 30 s.
        let r = await run(["/bin/sh", "-c", "sleep 30 & echo parent-done"])
        #expect(r.ending == .exited(0))
        #expect(r.leftChildrenRunning)
        #expect(r.standardOutput.text == "parent-done\n")
        #expect(Double(MonotonicClock.now() - started) / 1e9 < 10)
    }

    @Test func invalidUTF8IsFlaggedNotFatal() async {
        let r = await run(["/bin/sh", "-c", "printf 'ok\\377\\376'"])
        #expect(r.ending == .exited(0))
        #expect(!r.standardOutput.isValidUTF8)
        #expect(r.standardOutput.text.hasPrefix("ok"))
        #expect(r.standardOutput.tail().contains("not valid UTF-8"))
    }

    @Test func cancellationKillsTheGroup() async {
        let started = MonotonicClock.now()
        let task = Task { await run(["/bin/sleep", "30"], timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let r = await task.value
        #expect(r.ending == .killedAtDeadline)
        #expect(Double(MonotonicClock.now() - started) / 1e9 < 10)
    }

    @Test func commandLineSplitsLikeAShell() throws {
        #expect(try Scenario.Command.split("python3 app.py") == ["python3", "app.py"])
        #expect(try Scenario.Command.split(#"node "my app.js" --name 'a b' x\ y"#) == ["node", "my app.js", "--name", "a b", "x y"])
        #expect(try Scenario.Command.split(#"echo "a\"b" ''"#) == ["echo", #"a"b"#, ""])
        #expect(throws: Scenario.CommandSplitError.self) { try Scenario.Command.split("echo 'open") }
        #expect(throws: Scenario.CommandSplitError.self) { try Scenario.Command.split("   ") }
        #expect(Scenario.Command.defaultName(["python3", "-u", "clients/openai_client.py"]) == "openai_client")
        #expect(Scenario.Command.defaultName(["llmcheck", "chat"]) == "llmcheck-chat")
    }

    @Test func contractEnvironment() {
        let server = RunningServer(name: "main", personality: "ollama", port: 4242)
        let env = CommandContract.environment(
            inherited: ["PATH": "/bin", "OPENAI_API_KEY": "sk-mine", "LLMCHECK_STALE": "x", "NO_PROXY": "corp.example"],
            operation: .chat, server: server, dialect: "ollama", model: "llama3.2:3b", prompt: "Hi", stream: true,
            apiKey: nil, testID: "t.s0.r0", timeoutMilliseconds: 1000, maxRetries: 2, extra: ["EXTRA": "1"]
        )
        #expect(env["LLMCHECK_BASE_URL"] == "http://127.0.0.1:4242")
        #expect(env["OPENAI_BASE_URL"] == "http://127.0.0.1:4242/v1")
        #expect(env["OLLAMA_HOST"] == "http://127.0.0.1:4242")
        #expect(env["OPENAI_API_KEY"] == CommandContract.dummyAPIKey)
        #expect(env["LLMCHECK_STALE"] == nil)
        #expect(env["NO_PROXY"] == "127.0.0.1,localhost,::1,corp.example")
        #expect(env["LLMCHECK_OPERATION"] == "chat" && env["LLMCHECK_STREAM"] == "1" && env["LLMCHECK_TEST_ID"] == "t.s0.r0")
        #expect(env["EXTRA"] == "1" && env["PATH"] == "/bin")
    }
}
