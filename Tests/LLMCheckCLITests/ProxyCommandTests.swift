import Foundation
import HTTPWire
import LLMCheckCLI
import TestSupport
import Testing

/// `llmcheck proxy` / `record` refuse bad input at start-up, naming the item (and its column).
@Suite(.timeLimit(.minutes(1))) struct ProxyCommandTests {
    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: ["PATH": "/usr/bin:/bin"], currentDirectory: NSTemporaryDirectory())
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    @Test(arguments: [
        (["proxy"], "--upstream"),
        (["proxy", "--upstream", "https://api.openai.com"], "https:// is not supported"),
        (["proxy", "--upstream", "http://127.0.0.1:99999"], "port"),
        (["proxy", "--upstream", "http://127.0.0.1:1", "--fault", "stall=after:x"], "--fault"),
        (["proxy", "--upstream", "http://127.0.0.1:1", "--toxic", "latency=1s,toxicity=2"], "column 12"),
        (["proxy", "--upstream", "http://127.0.0.1:1", "--toxic", "latncy=1s"], "did you mean 'latency'"),
        (["proxy", "--upstream", "http://127.0.0.1:1", "--emulate", "gzip,buffer=lots"], "column 6"),
        (["proxy", "--upstream", "http://127.0.0.1:1", "--emulate", "status-rewrite=429"], "status-rewrite=FROM:TO"),
        (["record", "--upstream", "https://x", "--out", "x.json"], "https:// is not supported"),
    ])
    func refusesBadInputNamingIt(arguments: [String], expected: String) async {
        let (code, out) = await run(arguments)
        #expect(code == .usage)
        #expect(out.standardError.contains(expected), "\(out.standardError)")
    }

    @Test func recordNamesAnOutDirectoryItCannotCreate() async throws {
        let (code, out) = await run(["record", "--upstream", "http://127.0.0.1:1", "--out", "/proc/llmcheck-no/x.json"])
        #expect(code == .usage)
        #expect(out.standardError.contains("/proc/llmcheck-no"))
    }
}
