import Foundation
import HTTPWire
import LLMCheckCLI
import TestSupport
import Testing

/// `llmcheck load` refuses bad input before sending anything, naming the item, and fails fast when
/// nothing answers.
@Suite(.timeLimit(.minutes(1))) struct LoadCommandTests {
    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: ["PATH": "/usr/bin:/bin"], currentDirectory: FileManager.default.temporaryDirectory.path)
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    @Test(arguments: [
        (["--concurrency", "2", "--rate", "5"], "different load modes"),
        (["--sweep", "concurrency=1,4", "--concurrency", "2"], "drop --concurrency"),
        (["--sweep", "rate=1,x"], "rate level 'x'"),
        (["--arrival", "gamma"], "shape the open loop"),
        (["--rate", "5", "--arrival", "constant", "--burstiness", "0.5"], "applies to --arrival gamma"),
        (["--rate", "0"], "--rate expects"),
        (["--rate", "nan"], "--rate expects"),
        (["--goodput", "ttft=fast"], "'ttft=fast'"),
        (["--goodput", "itl=3"], "unknown objective 'itl'"),
        (["--max-error-rate", "7"], "--max-error-rate"),
        (["--shard", "3/2"], "--shard 3/2"),
        (["--shard", "1/4", "--concurrency", "2"], "cannot be split over 4 shards"),
        (["--requests", "99999999999999999999"], "--requests"),
        (["--duration", "0"], "--duration"),
        (["--prompts", "/nonexistent/p.txt"], "/nonexistent/p.txt"),
        (["--prompts", "/nonexistent/p.txt", "--prompt-words", "3"], "give one"),
    ])
    func badInputIsRefusedWithTheItemNamed(extra: [String], expected: String) async {
        let (code, out) = await run(["load", "--url", "http://127.0.0.1:9", "--provider", "openai"] + extra)
        #expect(code == .usage)
        #expect(out.standardError.contains(expected), "\(out.standardError)")
    }

    @Test func aBadPromptFileNamesTheLine() async throws {
        let tmp = try TemporaryDirectory()
        let path = tmp.file("prompts.jsonl")
        try Data("{\"prompt\":\"ok\"}\n{\"messages\":\"no\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        let (code, out) = await run(["load", "--url", "http://127.0.0.1:9", "--provider", "openai", "--prompts", path])
        #expect(code == .usage)
        #expect(out.standardError.contains("line 2"), "\(out.standardError)")
    }

    @Test func anUnreachableURLFailsFastWithTheCause() async throws {
        let port = try ReservedPort.forProcessLifetime()
        let (code, out) = await run(["load", "--url", "http://127.0.0.1:\(port)", "--provider", "openai", "--model", "m", "--requests", "5"])
        #expect(code == .unavailable)
        #expect(out.standardError.contains("not reachable, so no load was sent"), "\(out.standardError)")
        #expect(out.standardOutput.isEmpty)
    }
}
