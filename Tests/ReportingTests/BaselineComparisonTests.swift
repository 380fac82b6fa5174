import Foundation
import Testing
@testable import Reporting

@Suite("Baseline comparison")
struct BaselineComparisonTests {
    @Test("identical runs: no regression, exit 0")
    func identical() {
        let summary = RunSummary(report: SampleReport.make())
        let comparison = BaselineComparison(baseline: summary, current: summary)
        #expect(!comparison.hasRegression)
        #expect(comparison.exitCode == 0)
        #expect(comparison.metrics.allSatisfy { $0.delta == 0 })
        #expect(comparison.scenarioChanges.isEmpty)
    }

    @Test("latency beyond both thresholds is a regression; within noise it is not")
    func latency() throws {
        let baseline = RunSummary(report: SampleReport.make())
        let slower = RunSummary(report: SampleReport.make(ttftScale: 2))
        let comparison = BaselineComparison(baseline: baseline, current: slower)
        #expect(comparison.hasRegression)
        #expect(comparison.exitCode == 2)
        let row = try #require(comparison.metrics.first { $0.metric == "ttft_ms" && $0.statistic == "p50" })
        #expect(row.isRegression && row.deltaPercent > 25)
        let noisy = RunSummary(report: SampleReport.make(ttftScale: 1.1))
        let noisyRegressions = BaselineComparison(baseline: baseline, current: noisy).metrics.filter { $0.metric == "ttft_ms" && $0.isRegression }
        #expect(noisyRegressions.isEmpty)
        // Large relative change but tiny absolute change does not gate.
        let loose = BaselineThresholds(relativePercent: 25, absoluteMs: 10_000)
        let looseRegressions = BaselineComparison(baseline: baseline, current: slower, thresholds: loose).metrics.filter(\.isRegression)
        #expect(looseRegressions.isEmpty)
        // Improvements are flagged as such.
        #expect(BaselineComparison(baseline: slower, current: baseline).hasImprovement)
    }

    @Test("a scenario that passed before and fails now is a regression; a fix is not")
    func scenarioRegression() throws {
        let good = SampleReport.make()
        var bad = good
        let index = try #require(bad.results.firstIndex { $0.outcome.status == .passed })
        bad.results[index].outcome = .failed("now broken")
        let comparison = BaselineComparison(baseline: RunSummary(report: good), current: RunSummary(report: bad))
        #expect(comparison.hasRegression)
        #expect(comparison.scenarioChanges.count == 1)
        #expect(comparison.scenarioChanges.first?.isRegression == true)
        #expect(comparison.currentPassed == comparison.baselinePassed - 1)
        let reverse = BaselineComparison(baseline: RunSummary(report: bad), current: RunSummary(report: good))
        #expect(reverse.scenarioChanges.first?.isFix == true)
        let reverseRegressions = reverse.scenarioChanges.filter(\.isRegression)
        #expect(reverseRegressions.isEmpty)
    }

    @Test("too few samples are shown but never gate")
    func fewSamples() throws {
        let only = { (id: String) in id.hasPrefix("openai.models") }
        let baseline = RunSummary(report: SampleReport.make(scenarioFilter: only))
        let current = RunSummary(report: SampleReport.make(scenarioFilter: only, ttftScale: 5))
        let comparison = BaselineComparison(baseline: baseline, current: current)
        #expect(!comparison.metrics.isEmpty)
        #expect(!comparison.hasRegression)
        #expect(comparison.metrics.allSatisfy { $0.note != nil })
    }

    @Test("loads summary.json from a file or a report directory and renders the comparison into summary.md")
    func loadAndRender() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base")
        try ReportSet.write(SampleReport.make(), to: base)
        let slow = SampleReport.make(ttftScale: 2)
        let viaDir = try BaselineComparison.compare(slow, againstBaselineAt: base)
        let viaFile = try BaselineComparison.compare(slow, againstBaselineAt: base.appendingPathComponent("summary.json"))
        #expect(viaDir == viaFile)
        #expect(viaDir.hasRegression)
        let out = dir.appendingPathComponent("current")
        try ReportSet.write(slow, to: out, comparison: viaDir)
        let md = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(md.contains("### Compared with baseline"))
        #expect(md.contains("| Metric | Stat | Baseline | Current | Δ | Δ% | |"))
        #expect(md.contains("🔴 regression"))
        let missing = try #require(throws: ReportingError.self) { try BaselineComparison.loadSummary(from: dir.appendingPathComponent("nope.json")) }
        #expect(missing.code == .missingFile)
        try Data("[]".utf8).write(to: dir.appendingPathComponent("bad.json"))
        let corrupt = try #require(throws: ReportingError.self) { try BaselineComparison.loadSummary(from: dir.appendingPathComponent("bad.json")) }
        #expect(corrupt.code == .corruptFile)
        #expect(corrupt.description.contains("bad.json"))
    }
}
