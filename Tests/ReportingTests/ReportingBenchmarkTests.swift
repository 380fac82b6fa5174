import Foundation
import Testing
@testable import Reporting

/// Measures how long a large report set takes to write. Prints, never asserts speed (benchmarks measure).
@Suite("Reporting benchmark", .enabled(if: ProcessInfo.processInfo.environment["LLMCHECK_REPORTING_BENCH"] != nil))
struct ReportingBenchmarkTests {
    @Test("write 2000 scenarios × 5 streaming requests")
    func largeRun() throws {
        var rng = SampleReport.Generator(state: 1)
        var results: [ScenarioResult] = []
        for n in 0..<2000 {
            let id = "openai.bench.case-\(n)"
            let requests = (1...5).map { r in
                SampleReport.streamingRequest(scenario: id, id: "r\(r)", provider: "openai", model: "m", endpoint: "/v1/chat/completions",
                                              ttftMs: rng.latency(median: 100), gapMs: 15, tokens: 100, rng: &rng)
            }
            results.append(ScenarioResult(id: id, title: id, provider: "openai", capability: "bench",
                                          outcome: n % 50 == 0 ? .failed("boom") : .passed, durationSeconds: 1, requests: requests,
                                          transcript: String(repeating: "data: {\"choices\":[]}\n", count: 50)))
        }
        let report = RunReport(runID: "bench", toolVersion: "0", startedAt: SampleReport.start, finishedAt: SampleReport.start.addingTimeInterval(60), results: results)
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { try ReportSet.write(report, to: dir) }
        let clean = ReportSanitizer.sanitized(report)
        let summary = RunSummary(report: clean)
        var parts: [String] = []
        parts.append("sanitize \(clock.measure { _ = ReportSanitizer.sanitized(report) })")
        parts.append("summary \(clock.measure { _ = RunSummary(report: clean) })")
        parts.append("junit \(clock.measure { _ = JUnitWriter().render(clean) })")
        parts.append("summary.json \(try clock.measure { _ = try JSONSummaryWriter().render(summary) })")
        parts.append("jsonl \(try clock.measure { _ = try RequestsJSONLWriter().render(clean) })")
        parts.append("md \(clock.measure { _ = MarkdownWriter().render(clean, summary: summary) })")
        parts.append("html \(clock.measure { _ = HTMLWriter().render(clean, summary: summary) })")
        parts.append("run.json \(try clock.measure { _ = try JSONSummaryWriter().renderRun(clean) })")
        print("parts: " + parts.joined(separator: ", "))
        var sizes: [String] = []
        for name in ["junit.xml", "summary.json", "requests.jsonl", "report.html", "run.json"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            sizes.append("\(name)=\(size / 1024) KiB")
        }
        print("ReportSet.write: 2000 scenarios, 10000 requests, 990000 chunk gaps in \(elapsed); \(sizes.joined(separator: ", "))")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path))
    }
}
