import Foundation
import HTTPWire
import LLMCheckCLI
import TestSupport
import Testing

/// `llmcheck run` tells the user what to do next (issue 11 item 4).
@Suite(.timeLimit(.minutes(1))) struct RunGuidanceTests {
    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: [:], currentDirectory: BuiltBinary.repositoryRoot)
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    static let models = "Scenarios/operations/lmstudio-list-models.json"

    /// A scenario whose two model-list expectations cannot hold.
    static func failing(_ tmp: TemporaryDirectory, id: String) throws -> String {
        let text = """
            {"id": "\(id)", "description": "wrong models", "servers": [{"name": "main", "personality": "lmstudio"}],
             "steps": [{"operation": "list_models", "expect": {"models": ["no-such-model"]}},
                       {"operation": "list_models", "expect": {"models": ["another-missing-model"]}}]}
            """
        return try tmp.write(text, to: "scenarios/\(id).json")
    }

    @Test func aFailurePrintsEveryCheckTheFileAndTheRerunCommand() async throws {
        try await withTemporaryDirectory { tmp in
            let file = try Self.failing(tmp, id: "broken.models")
            let (code, out) = await run(["run", file, "--out", tmp.file("out")])
            #expect(code == .failure)
            let text = out.standardOutput
            #expect(text.contains("FAIL  broken.models"), "\(text)")
            #expect(text.contains("✗ step 0: models: expected no-such-model"), "\(text)")
            #expect(text.contains("✗ step 1: models: expected another-missing-model"), "every failed check: \(text)")
            #expect(text.contains("file:  \(file)"), "\(text)")
            #expect(text.contains("rerun: llmcheck run \(file) --filter '^broken\\.models$'"), "\(text)")
            #expect(text.contains("1 scenario: 0 passed, 1 failed, 0 errors"), "\(text)")
        }
    }

    @Test func maxFailuresStopsSchedulingAndLastFailedRerunsOnlyFailures() async throws {
        try await withTemporaryDirectory { tmp in
            for index in 1...4 { _ = try Self.failing(tmp, id: "broken.\(index)") }
            _ = try tmp.write(try String(contentsOfFile: BuiltBinary.repositoryRoot + "/" + Self.models, encoding: .utf8), to: "scenarios/ok.json")
            let (code, out) = await run(["run", tmp.file("scenarios"), "--out", tmp.file("out"), "--jobs", "1", "--max-failures", "1"])
            #expect(code == .failure)
            #expect(out.standardOutput.contains("stopped early (--max-failures)"), "\(out.standardOutput)")
            let junit = try String(contentsOfFile: tmp.file("out/junit.xml"), encoding: .utf8)
            #expect(junit.components(separatedBy: "<skipped").count - 1 == 4, "one failure ran, the other 4 were skipped: \(junit)")

            // Only broken.1 failed; the rest never ran, so --last-failed reruns exactly that one.
            let (_, again) = await run(["run", tmp.file("scenarios"), "--out", tmp.file("out"), "--last-failed", "--list"])
            #expect(again.standardOutput == "broken.1\n", "\(again.standardOutput)")
        }
    }

    @Test func lastFailedWithoutAPreviousRunSaysSo() async throws {
        try await withTemporaryDirectory { tmp in
            let (code, out) = await run(["run", Self.models, "--out", tmp.file("nothing-here"), "--last-failed"])
            #expect(code == .usage)
            #expect(out.standardError.contains("--last-failed: no previous run in"), "\(out.standardError)")
        }
    }

    @Test func repeatWritesReportsPerRepetition() async throws {
        try await withTemporaryDirectory { tmp in
            let (code, out) = await run(["run", Self.models, "--out", tmp.file("out"), "--repeat", "2"])
            #expect(code == .success, "\(out.standardOutput)\(out.standardError)")
            for index in 1...2 {
                #expect(FileManager.default.fileExists(atPath: tmp.file("out/repeat-\(index)/junit.xml")))
            }
            #expect(out.standardOutput.contains("2 repetitions: every scenario had the same status each time"), "\(out.standardOutput)")
        }
    }

    @Test func aScenarioFileWithSeveralProblemsReportsThemAllOnce() async throws {
        try await withTemporaryDirectory { tmp in
            let broken = #"{"id": "many.problems", "descripton": "x", "timeout_ms": "soon", "servers": [{"name": "main", "personality": "openai"}], "steps": [], "colour": 1}"#
            let file = try tmp.write(broken, to: "scenarios/many.json")
            let (code, out) = await run(["run", file, "--out", tmp.file("out")])
            #expect(code == .usage)
            let all = out.standardOutput + out.standardError
            for key in ["description", "timeout_ms", "descripton", "colour"] {
                #expect(all.contains(key), "\(key) is reported: \(all)")
            }
            let lines = all.split(separator: "\n").filter { $0.contains("colour") }
            #expect(lines.count == 1, "each problem is printed once: \(all)")
        }
    }
}
