import Foundation
import HTTPWire
@testable import LLMCheckCLI
import MockProviders
import TestSupport
import Testing

/// `serve` refuses at start what it cannot honour, and says what it is doing.
@Suite(.timeLimit(.minutes(1))) struct ServeStartTests {
    func run(_ arguments: [String], environment: [String: String] = [:]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: environment, currentDirectory: "/tmp")
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    func parsed(_ arguments: [String]) throws -> ParsedArguments {
        try ArgumentParser.parse(arguments, spec: ServeCommand.spec)
    }

    @Test func aJournalInAMissingDirectoryIsRefusedAtStart() async throws {
        let tmp = try TemporaryDirectory()
        let path = tmp.file("no-such-dir/journal.jsonl")
        let (code, out) = await run(["serve", "ollama", "--journal", path])
        #expect(code == .cannotCreate)
        #expect(out.standardError.contains("does not exist"))
        #expect(out.standardOutput.isEmpty, "nothing may start")
        #expect(ServeCommand.journalProblem(tmp.file("journal.jsonl")) == nil)
        #expect(ServeCommand.journalProblem(tmp.path)?.contains("directory") == true)
    }

    @Test func aPortInUseNamesTheProblemAndSuggestsPortZero() async throws {
        let holder = MockProviderServer(configuration: MockConfiguration(provider: .ollama))
        let port = try holder.start()
        let (code, out) = await run(["serve", "ollama", "--port", String(port)])
        await holder.shutdown(grace: .zero)
        #expect(code == .unavailable)
        #expect(out.standardError.contains("already in use by"))
        #expect(out.standardError.contains("--port 0"))
    }

    @Test func startNotesEchoPhysicsAndTheControlToken() async throws {
        let arguments = try parsed(["ollama", "--ttft", "200", "--tps", "40", "--jitter", "0.1"])
        let context = CommandContext(output: OutputSink.capturing().0, environment: [:], currentDirectory: "/tmp")
        let configurations = try ServeCommand.makeConfigurations(arguments, context: context)
        let server = MockProviderServer(configuration: configurations[0])
        try server.start()
        let notes = ServeCommand.startNotes([server], arguments: arguments, context: context).joined(separator: "\n")
        await server.shutdown(grace: .zero)
        #expect(notes.contains("physics: time to first token 200s, 40 tokens/s, jitter 10%"))
        #expect(notes.contains("--ttft 200 is read as 200 seconds"))
        #expect(notes.contains("control token: \(configurations[0].controlToken)"))
        #expect(!notes.contains("warning: --host"))
    }

    @Test func aTokenFromTheEnvironmentIsUsedAndNotPrinted() async throws {
        let arguments = try parsed(["openai", "lmstudio"])
        let context = CommandContext(output: OutputSink.capturing().0, environment: ["LLMCHECK_CONTROL_TOKEN": "env-token-0123"], currentDirectory: "/tmp")
        let configurations = try ServeCommand.makeConfigurations(arguments, context: context)
        #expect(configurations.map(\.controlToken) == ["env-token-0123", "env-token-0123"])
        let bad = CommandContext(output: OutputSink.capturing().0, environment: [:], currentDirectory: "/tmp")
        #expect(throws: UsageError.self) { try ServeCommand.makeConfigurations(try parsed(["openai", "--control-token", "short"]), context: bad) }
    }

    @Test func bindingBeyondLoopbackPrintsTheRealAddressAndWarns() {
        let notes = ListenExposure.notes(host: "0.0.0.0", ports: [8080], what: "the mock", hasControlEndpoint: true).joined(separator: "\n")
        #expect(notes.contains("listening on 0.0.0.0:8080 (every IPv4 interface)"))
        #expect(notes.contains("warning: --host 0.0.0.0 lets every host on the network reach the mock"))
        #expect(notes.contains("control token"))
        let v6 = ListenExposure.notes(host: "::", ports: [8080], what: "the mock", hasControlEndpoint: false).joined(separator: "\n")
        #expect(v6.contains("listening on [::]:8080 (every interface)"))
        #expect(ListenExposure.notes(host: "127.0.0.1", ports: [8080], what: "the mock", hasControlEndpoint: true).isEmpty)
    }
}
