import Foundation
import HTTPWire
@testable import LLMCheckCLI
import TestSupport
import Testing

/// Closed pipes, colour conventions, help and grammar: what a user meets first at a terminal.
@Suite(.timeLimit(.minutes(1))) struct TerminalConventionsTests {
    func run(_ arguments: [String], terminal: Bool = false, environment: [String: String] = [:]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing(terminal: terminal, environment: environment)
        let context = CommandContext(output: sink, environment: environment, currentDirectory: BuiltBinary.repositoryRoot)
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    // MARK: - Closed pipes (issue 11 item 1)

    @Test func writingIntoAPipeWithoutReaderFailsQuietly() throws {
        Syscalls.ignoreBrokenPipeSignal()
        let pipe = try Syscalls.makePipe()
        Syscalls.closeDescriptor(pipe.read)
        defer { Syscalls.closeDescriptor(pipe.write) }
        #expect(StandardStreamWriter(fileDescriptor: pipe.write).write("scenario.one\n") == false)
    }

    @Test func aClosedStandardOutputEndsWithTheBrokenPipeStatus() async {
        let writes = LockedValue(0)
        let sink = OutputSink(isTerminal: false, isErrorTerminal: false) { stream, _ in
            guard stream == .output else { return true }
            writes.withLock { $0 += 1 }
            return false
        }
        let context = CommandContext(output: sink, environment: [:], currentDirectory: BuiltBinary.repositoryRoot)
        let code = await LLMCheckCLI.run(arguments: ["run", "--list", "Scenarios"], context: context)
        #expect(code == .brokenPipe)
        #expect(writes.current == 1, "writing stops after the first failed write")
    }

    /// `llmcheck run --list` with standard output a pipe whose reader is gone: no trap, no backtrace, status 141.
    @Test(.enabled(if: BuiltBinary.path != nil && BuiltBinary.python != nil))
    func theBinaryEndsQuietlyOnAClosedPipe() async throws {
        let binary = try #require(BuiltBinary.path)
        let script = """
            import os, subprocess, sys
            r, w = os.pipe(); os.close(r)
            p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, cwd=os.environ["ROOT"], timeout=50)
            print("status=%d" % p.returncode); print(p.stderr.decode(errors="replace"))
            """
        try await withTemporaryDirectory { tmp in
            var environment = ProcessInfo.processInfo.environment
            environment["ROOT"] = BuiltBinary.repositoryRoot
            let child = try ChildProcess(
                executable: try #require(BuiltBinary.python), arguments: ["-c", script, binary, "run", "--list", "Scenarios"],
                outputPath: tmp.file("out.txt"), environment: environment
            )
            #expect(await child.waitForExit(timeout: .seconds(50)))
            let text = child.output
            #expect(text.contains("status=141"), "\(text)")
            #expect(!text.contains("Fatal error"), "\(text)")
            #expect(!text.contains("Broken pipe"), "\(text)")
        }
    }

    /// `llmcheck chat … | head -2` against a slow stream: the closed pipe stops the stream at once, quietly.
    @Test(.enabled(if: BuiltBinary.path != nil && BuiltBinary.python != nil))
    func aClosedPipeStopsAStreamingChat() async throws {
        let binary = try #require(BuiltBinary.path)
        try await withTemporaryDirectory { tmp in
            let reply = Array(repeating: "word", count: 200).joined(separator: " ")  // 40 s at 5 tokens/s
            let server = try ChildProcess(
                executable: binary, arguments: ["serve", "openai", "--port", "0", "--tps", "5", "--reply", reply],
                outputPath: tmp.file("serve.txt")
            )
            // Stopped on every path before the test returns: a detached stop could outlive the test
            // process and leave the mock running.
            var failure: (any Error)?
            do { try await closedPipeChat(binary: binary, server: server, tmp: tmp) } catch { failure = error }
            _ = await server.stop()
            if let failure { throw failure }
        }
    }

    private func closedPipeChat(binary: String, server: ChildProcess, tmp: TemporaryDirectory) async throws {
        let url = try await server.waitForOutputLine(timeout: .seconds(20)) { $0.hasPrefix("http://") ? String($0) : nil }
        let script = """
            import os, subprocess, sys, time
            r, w = os.pipe(); os.close(r)
            t = time.time()
            p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, timeout=50)
            print("status=%d seconds=%.1f" % (p.returncode, time.time() - t)); print(p.stderr.decode(errors="replace"))
            """
        let chat = try ChildProcess(
            executable: try #require(BuiltBinary.python),
            arguments: ["-c", script, binary, "chat", "--url", url, "--model", "gpt-4o-mini", "hi"],
            outputPath: tmp.file("chat.txt")
        )
        #expect(await chat.waitForExit(timeout: .seconds(55)))
        let text = chat.output
        #expect(text.contains("status=141"), "\(text)")
        let seconds = text.split(separator: "seconds=").last.flatMap { Double($0.prefix { $0 != "\n" }) } ?? 99
        #expect(seconds < 20, "the stream stopped instead of running to its end (40 s): \(text)")
        #expect(!text.contains("error:"), "nothing is printed after the pipe closed: \(text)")
    }

    // MARK: - Colour (item 7)

    @Test func colourFollowsNoColorTermAndTheFlag() {
        #expect(ColorMode.auto.usesColor(isTerminal: true, environment: [:]))
        #expect(!ColorMode.auto.usesColor(isTerminal: false, environment: [:]))
        #expect(!ColorMode.auto.usesColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(ColorMode.auto.usesColor(isTerminal: true, environment: ["NO_COLOR": ""]), "an empty NO_COLOR does not count")
        #expect(!ColorMode.auto.usesColor(isTerminal: true, environment: ["TERM": "dumb"]))
        #expect(ColorMode.always.usesColor(isTerminal: false, environment: ["NO_COLOR": "1"]))
        #expect(!ColorMode.never.usesColor(isTerminal: true, environment: [:]))
    }

    @Test func noColorKeepsEscapesOutOfTheRunSummary() async throws {
        try await withTemporaryDirectory { tmp in
            let args = ["run", "Scenarios/operations/lmstudio-list-models.json", "--out", tmp.file("out")]
            let (_, coloured) = await run(args, terminal: true, environment: ["TERM": "xterm"])
            #expect(coloured.standardOutput.contains("\u{1B}["), "a terminal gets colour: \(coloured.standardOutput)")
            let (_, plain) = await run(args, terminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"])
            #expect(!plain.standardOutput.contains("\u{1B}["), "\(plain.standardOutput)")
            let (_, dumb) = await run(args, terminal: true, environment: ["TERM": "dumb"])
            #expect(!(dumb.standardOutput + dumb.standardError).contains("\u{1B}["))
            let (_, never) = await run(args + ["--color", "never"], terminal: true, environment: ["TERM": "xterm"])
            #expect(!never.standardOutput.contains("\u{1B}["))
            let (_, always) = await run(args + ["--color=always"], environment: ["NO_COLOR": "1"])
            #expect(always.standardOutput.contains("\u{1B}["))
            let (bad, badOut) = await run(args + ["--color", "sometimes"])
            #expect(bad == .usage)
            #expect(badOut.standardError.contains("--color must be one of auto, always, never"))
        }
    }

    // MARK: - Help (item 7)

    @Test func helpAndHelpCommand() async {
        let (code, out) = await run(["help"])
        #expect(code == .success)
        #expect(out.standardOutput.contains("COMMANDS:"))
        let (runCode, runOut) = await run(["help", "run"])
        #expect(runCode == .success)
        #expect(runOut.standardOutput.contains("USAGE: llmcheck run"))
        let (mergeCode, mergeOut) = await run(["help", "report", "merge"])
        #expect(mergeCode == .success)
        #expect(mergeOut.standardOutput.contains("USAGE: llmcheck report merge"))
    }

    @Test(arguments: [("fixtures", "fixtures validate"), ("report", "report merge")])
    func aCommandGroupShowsItsSubcommands(group: String, member: String) async {
        let (code, out) = await run([group])
        #expect(code == .usage)
        #expect(out.standardError.contains(member), "\(out.standardError)")
        #expect(!out.standardError.contains("did you mean"), "\(out.standardError)")
        let (helpCode, helpOut) = await run([group, "--help"])
        #expect(helpCode == .success)
        #expect(helpOut.standardOutput.contains(member))
        let (wrong, wrongOut) = await run([group, "frobnicate"])
        #expect(wrong == .usage)
        #expect(wrongOut.standardError.contains("unknown subcommand 'frobnicate'"))
    }

    // MARK: - Grammar and listing (items 4 and 7)

    @Test func countsUseSingularForOne() {
        #expect(NumberText.count(1, "scenario") == "1 scenario")
        #expect(NumberText.count(0, "error") == "0 errors")
        #expect(NumberText.count(2, "match", plural: "matches") == "2 matches")
    }

    @Test func listPrintsIdsOnlyOnStandardOutput() async {
        let (code, out) = await run(["run", "--list", "Scenarios/operations/lmstudio-list-models.json"])
        #expect(code == .success)
        #expect(out.standardOutput == "lmstudio.models.list\n")
        #expect(out.standardError.contains("1 of 1 scenario selected"), "\(out.standardError)")
    }

    // MARK: - One JSON key style (item 7)

    /// Every object key in `value`, recursively.
    static func keys(_ value: JSONValue) -> [String] {
        if let object = value.objectValue { return object.flatMap { [$0.0] + keys($0.1) } }
        if let array = value.arrayValue { return array.flatMap(keys) }
        return []
    }

    @Test(arguments: [["diagnose", "--no-scan", "--json"], ["discover", "--json", "--ports"]])
    func jsonOutputUsesSnakeCaseKeys(arguments: [String]) async throws {
        let port = try ReservedPort.forProcessLifetime()
        let full = arguments[0] == "diagnose" ? [arguments[0], "http://127.0.0.1:\(port)"] + arguments.dropFirst() : arguments + ["\(port)"]
        let (_, out) = await run(full)
        let document = try JSONValue.parse(out.standardOutput)
        let keys = Self.keys(document)
        #expect(!keys.isEmpty)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        for key in keys { #expect(key.allSatisfy { allowed.contains($0) }, "\(key) is not snake_case") }
    }

    @Test func discoverAcceptsTheSamePortRangesAsDiagnose() async throws {
        let (code, out) = await run(["discover", "--ports", "1-2,3", "--json"])
        #expect(code != .usage, "\(out.standardError)")
        let document = try JSONValue.parse(out.standardOutput)
        #expect(document["probed_ports"]?.arrayValue?.compactMap(\.intValue) == [1, 2, 3])
        let (bad, badOut) = await run(["discover", "--ports", "9-1"])
        #expect(bad == .usage)
        #expect(badOut.standardError.contains("--ports: '9-1' is not a port range"), "\(badOut.standardError)")
    }

    @Test func aMisspelledProviderGetsASuggestion() async {
        let (code, out) = await run(["serve", "olama"])
        #expect(code == .usage)
        #expect(out.standardError.contains("did you mean 'ollama'?"), "\(out.standardError)")
    }
}
