import Foundation
import HTTPWire
@testable import LLMCheckCLI
import Reporting
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

    @Test func baselineRegressionsAreNamed() async throws {
        try await withTemporaryDirectory { tmp in
            // The same id passes in the baseline and fails now.
            let good = try String(contentsOfFile: BuiltBinary.repositoryRoot + "/" + Self.models, encoding: .utf8)
                .replacingOccurrences(of: "lmstudio.models.list", with: "same.id")
            let goodFile = try tmp.write(good, to: "good/same.json")
            let (baseCode, _) = await run(["run", goodFile, "--out", tmp.file("base")])
            #expect(baseCode == .success)
            let bad = try Self.failing(tmp, id: "same.id")
            let (code, out) = await run(["run", bad, "--out", tmp.file("now"), "--baseline", tmp.file("base")])
            #expect(code == .failure)
            #expect(out.standardOutput.contains(": 1 regression"), "\(out.standardOutput)")
            #expect(out.standardOutput.contains("same.id: passed → failed"), "\(out.standardOutput)")
        }
    }

    @Test func aLatencyRegressionNamesMetricOldNewAndThreshold() {
        func report(ttftMs: Double) -> RunReport {
            let requests = (1...6).map { index in
                RequestTrace(scenarioID: "s", requestID: "r\(index)", provider: "openai", endpoint: "/v1/chat/completions",
                             status: 200, tSendNs: 0, tFirstTokenNs: Int64(ttftMs * 1e6), tLastTokenNs: Int64(ttftMs * 1e6), tEndNs: Int64(ttftMs * 1e6))
            }
            let result = ScenarioResult(id: "s", title: "s", provider: "openai", capability: "c", outcome: .passed, durationSeconds: 1, requests: requests)
            return RunReport(runID: "r\(Int(ttftMs))", toolVersion: "t", startedAt: Date(), finishedAt: Date(), results: [result])
        }
        let comparison = BaselineComparison(baseline: RunSummary(report: report(ttftMs: 10)), current: RunSummary(report: report(ttftMs: 100)))
        let lines = RunConsole.baselineLines(comparison)
        #expect(lines.contains { $0.contains("ttft_ms p50: 10.00 → 100.0 ms (+900.0%") && $0.contains("threshold: more than +20 ms and +25%") }, "\(lines)")
    }
}
