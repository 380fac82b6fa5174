import Foundation
import HTTPWire
import LLMCheckCLI
import TestSupport
import Testing

/// End-to-end checks of the subcommands through `LLMCheckCLI.run`, as a user or CI script calls them.
@Suite(.timeLimit(.minutes(1))) struct CommandIntegrationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func run(_ arguments: [String], in directory: String = repositoryRoot) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: ["PATH": "/usr/bin:/bin"], currentDirectory: directory)
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    /// A loopback port on which nothing listens and that no parallel test's server can take.
    func closedPort() async throws -> UInt16 {
        try ReservedPort.forProcessLifetime()
    }

    // MARK: - diagnose

    @Test func diagnoseJSONWhenNothingListens() async throws {
        let port = try await closedPort()
        let (code, out) = await run(["diagnose", "http://127.0.0.1:\(port)", "--no-scan", "--json"])
        #expect(code == .unavailable)
        let document = try JSONValue.parse(out.standardOutput)
        #expect(document["schema_version"]?.intValue == 2)
        #expect(document["verdict"]?.stringValue == "unreachable")
        let checks = try #require(document["checks"]?.arrayValue)
        let connect = checks.first { $0["title"]?.stringValue == "TCP connect" }
        #expect(connect?["status"]?.stringValue == "fail")
    }

    @Test(arguments: [
        ["diagnose", "--resolve", "nonsense", "http://x"],
        ["diagnose", "--connect-timeout", "soon"],
        ["diagnose", "--provider", "gpt"],
    ])
    func diagnoseRefusesBadFlags(arguments: [String]) async {
        let (code, out) = await run(arguments)
        #expect(code == .usage)
        #expect(out.standardError.contains("error:"))
    }

    @Test func diagnoseMasksKeys() async throws {
        let port = try await closedPort()
        let key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
        let (_, out) = await run(["diagnose", "http://127.0.0.1:\(port)/v1", "--api-key", key, "--no-scan", "--json", "-v"])
        #expect(!out.standardOutput.contains(key))
        #expect(!out.standardError.contains(key))
    }

    // MARK: - run and report merge

    func scenarioDirectory(_ tmp: TemporaryDirectory, ids: [String]) throws -> String {
        let directory = tmp.file("scenarios")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let source = Self.repositoryRoot + "/Scenarios/operations"
        for id in ids {
            try FileManager.default.copyItem(atPath: "\(source)/\(id).json", toPath: "\(directory)/\(id).json")
        }
        return directory
    }

    /// The run's Markdown summary (it names each failed expectation), for failure messages.
    static func summary(in directory: String) -> String {
        (try? String(contentsOfFile: directory + "/summary.md", encoding: .utf8)) ?? "(no summary.md in \(directory))"
    }

    @Test func runWritesEveryReport() async throws {
        try await withTemporaryDirectory { tmp in
            // Scenarios without timing verdicts: this test is about the reports, and under a parallel test
            // run the in-process client can be scheduled late enough to fail a cancel-promptness verdict.
            let scenarios = try scenarioDirectory(tmp, ids: ["lmstudio-list-models", "lmstudio-chat-nonstream"])
            let (code, out) = await run(["run", scenarios, "--out", tmp.file("out"), "--jobs", "2"])
            #expect(code == .success, "\(out.standardError)\n\(Self.summary(in: tmp.file("out")))")
            for name in ["junit.xml", "summary.json", "requests.jsonl", "summary.md", "report.html"] {
                #expect(FileManager.default.fileExists(atPath: tmp.file("out/\(name)")), "missing \(name)")
            }
        }
    }

    @Test func runReportsABrokenScenarioByFileAndKey() async throws {
        try await withTemporaryDirectory { tmp in
            let scenarios = try scenarioDirectory(tmp, ids: ["lmstudio-chat-nonstream"])
            // A valid scenario with one misspelled key.
            let valid = try String(contentsOfFile: "\(scenarios)/lmstudio-chat-nonstream.json", encoding: .utf8)
            let idLine = try #require(valid.range(of: #""id": "[^"]*""#, options: .regularExpression))
            let broken = valid.replacingCharacters(in: idLine, with: #""id": "broken.one", "stepz": []"#)
            #expect(broken != valid)
            _ = try tmp.write(broken, to: "scenarios/broken.json")
            let (code, out) = await run(["run", scenarios, "--out", tmp.file("out")])
            #expect(code == .usage)
            let all = out.standardOutput + out.standardError
            #expect(all.contains("broken.json"), "\(all)")
            #expect(all.contains("stepz"), "\(all)")
        }
    }

    @Test func shardsMergeBackToTheWholeRun() async throws {
        try await withTemporaryDirectory { tmp in
            let ids = ["lmstudio-list-models", "lmstudio-chat-nonstream", "lmstudio-chat-parallel", "lmstudio-chat-sequence"]
            let scenarios = try scenarioDirectory(tmp, ids: ids)
            for shard in 1...2 {
                let (code, out) = await run(["run", scenarios, "--shard", "\(shard)/2", "--out", tmp.file("shard-\(shard)")])
                #expect(code == .success, "\(out.standardError)\n\(Self.summary(in: tmp.file("shard-\(shard)")))")
            }
            let (merged, out) = await run([
                "report", "merge", tmp.file("shard-1"), tmp.file("shard-2"), "--out", tmp.file("merged"), "--expect-shards", "2",
            ])
            #expect(merged == .success, "\(out.standardError)")
            let junit = try String(contentsOfFile: tmp.file("merged/junit.xml"), encoding: .utf8)
            #expect(junit.contains(#"tests="4""#))

            let (duplicate, dupOut) = await run([
                "report", "merge", tmp.file("shard-1"), tmp.file("shard-1"), "--out", tmp.file("dup"),
            ])
            #expect(duplicate == .dataError, "\(dupOut.standardError)")
        }
    }

    // MARK: - fixtures

    @Test func shippedFixturesAreValid() async {
        let (code, out) = await run(["fixtures", "validate", "MockServers"])
        #expect(code == .success, "\(out.standardOutput)\(out.standardError)")
    }

    @Test func badFixtureIsNamedByFileAndField() async throws {
        try await withTemporaryDirectory { tmp in
            let path = try tmp.write(#"{"provider": "ollama", "exchanges": [{"request": {"method": "GET"}}]}"#, to: "bad.json")
            let (code, out) = await run(["fixtures", "validate", path])
            #expect(code == .dataError)
            let all = out.standardOutput + out.standardError
            #expect(all.contains("bad.json"), "\(all)")
            #expect(all.contains("exchanges[0]"), "\(all)")
        }
    }
}
