import HTTPWire
import LLMCheckCLI
import Testing

@Suite struct ArgumentParserTests {
    static let spec = CommandSpec(
        name: "demo",
        abstract: "A demo command.",
        options: [
            .option("--port", "-p", value: "PORT", help: "Port."),
            .option("--fault", value: "SPEC", help: "Fault.", repeatable: true),
            .flag("--json", help: "JSON output."),
            .option("--timeout", value: "S", help: "Timeout."),
        ],
        positionals: [PositionalSpec(name: "url", help: "URLs.", isVariadic: true)]
    )

    @Test func parsesOptionsFlagsAndPositionals() throws {
        let parsed = try ArgumentParser.parse(
            ["--port", "0", "--fault=status=429", "--fault", "rst", "--json", "http://x", "--", "--literal"], spec: Self.spec)
        #expect(try parsed.int("--port", in: 0...65535) == 0)
        #expect(parsed.strings("--fault") == ["status=429", "rst"])
        #expect(parsed.flag("--json"))
        #expect(parsed.positionals == ["http://x", "--literal"])
    }

    @Test func shortSpellingMapsToCanonicalKey() throws {
        let parsed = try ArgumentParser.parse(["-p", "8080"], spec: Self.spec)
        #expect(parsed.string("--port") == "8080")
    }

    @Test(arguments: [
        (["--prot", "1"], "unknown option '--prot' for 'llmcheck demo'; did you mean '--port'?"),
        (["--port"], "--port needs a value <PORT>"),
        (["--port", "1", "--port", "2"], "--port given more than once"),
        (["--json=yes"], "--json is a flag and takes no value"),
    ])
    func refusesBadCommandLines(arguments: [String], message: String) {
        #expect(throws: UsageError(message)) { try ArgumentParser.parse(arguments, spec: Self.spec) }
    }

    @Test func typedAccessorsNameTheFlag() throws {
        let parsed = try ArgumentParser.parse(["--port", "http", "--timeout", "-3"], spec: Self.spec)
        #expect(throws: UsageError("--port expects a whole number, got 'http'")) { try parsed.int("--port") }
        #expect(throws: UsageError("--timeout expects a duration such as 2, 0.5, 250ms or 1.5s, got '-3'")) {
            try parsed.seconds("--timeout")
        }
        let range = try ArgumentParser.parse(["--port", "70000"], spec: Self.spec)
        #expect(throws: UsageError("--port must be between 0 and 65535, got 70000")) { try range.int("--port", in: 0...65535) }
    }

    @Test(arguments: [("2", 2.0), ("0.5", 0.5), ("250ms", 0.25), ("1.5s", 1.5), ("2m", 120.0), ("100us", 0.0001)])
    func durations(text: String, seconds: Double) {
        let parsed = DurationText.parseSeconds(text)
        #expect(parsed.map { abs($0 - seconds) < 1e-12 } == true, "\(text) → \(String(describing: parsed))")
    }

    @Test(arguments: ["", "abc", "-1", "1x", "nan", "inf"])
    func badDurations(text: String) {
        #expect(DurationText.parseSeconds(text) == nil)
    }

    @Test func helpListsEveryOption() {
        let help = Self.spec.helpText
        for name in ["--port, -p <PORT>", "--fault <SPEC>", "(repeatable)", "--json", "--help, -h", "[url ...]"] {
            #expect(help.contains(name), "help lacks \(name)")
        }
    }
}

@Suite struct DispatchTests {
    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: [:], currentDirectory: "/tmp")
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    @Test func noArgumentsPrintsHelpWithUsageCode() async {
        let (code, out) = await run([])
        #expect(code == .usage)
        #expect(out.standardOutput.contains("USAGE: llmcheck <command>"))
    }

    @Test func everyCommandHasHelp() async {
        for command in LLMCheckCLI.commands {
            let words = command.spec.name.split(separator: " ").map(String.init)
            let (code, out) = await run(words + ["--help"])
            #expect(code == .success, "\(command.spec.name)")
            #expect(out.standardOutput.contains("USAGE: llmcheck \(command.spec.name)"))
        }
    }

    @Test func unknownCommandSuggests() async {
        let (code, out) = await run(["diagnoze"])
        #expect(code == .usage)
        #expect(out.standardError.contains("did you mean 'diagnose'?"))
    }

    @Test func unknownOptionIsUsageError() async {
        let (code, out) = await run(["serve", "--bogus"])
        #expect(code == .usage)
        #expect(out.standardError.contains("unknown option '--bogus'"))
    }

    @Test func aURLGivenWhereTheCommandTakesURLAsAnOptionSaysWhichOption() async {
        let (code, out) = await run(["models", "http://127.0.0.1:11434"])
        #expect(code == .usage)
        #expect(out.standardError.contains("did you mean --url http://127.0.0.1:11434?"), "\(out.standardError)")
        // Anything else stays a plain "unexpected argument".
        let (otherCode, other) = await run(["models", "llama3"])
        #expect(otherCode == .usage)
        #expect(other.standardError.contains("unexpected argument 'llama3'") && !other.standardError.contains("--url"))
    }

    @Test func versionPrints() async {
        let (code, out) = await run(["--version"])
        #expect(code == .success)
        #expect(out.standardOutput.hasPrefix("llmcheck "))
    }
}
