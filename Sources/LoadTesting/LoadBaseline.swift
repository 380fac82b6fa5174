import Foundation
import HTTPWire
import Reporting

/// `--baseline`: compares a level's latency percentiles with a previous `load.json` through Reporting's
/// ``BaselineComparison`` (a change must exceed both the absolute and the relative threshold).
public enum LoadBaseline {
    /// Baseline vs current, level by level (a sweep's levels pair up by position).
    ///
    /// - Throws: ``LoadInputError`` `.badReport` when the baseline cannot be read or its levels differ.
    public static func compare(
        _ current: LoadReport, baselinePath: String, thresholds: BaselineThresholds
    ) throws(LoadInputError) -> [BaselineComparison] {
        let baseline = try LoadReport.read(path: baselinePath)
        guard baseline.levels.count == current.levels.count else {
            throw LoadInputError(.badReport, "--baseline \(baselinePath): \(NumberText.count(baseline.levels.count, "level")), this run has \(current.levels.count)")
        }
        return zip(baseline.levels, current.levels).map { before, now in
            BaselineComparison(baseline: runSummary(before), current: runSummary(now), thresholds: thresholds)
        }
    }

    /// A Reporting summary carrying the level's latency statistics under their load names.
    static func runSummary(_ level: LoadReport.Level) -> RunSummary {
        let report = RunReport(
            runID: "load", toolVersion: "", startedAt: level.summary.startedAt, finishedAt: level.summary.finishedAt,
            results: [ScenarioResult(id: "load", title: "load", provider: "", capability: "load", outcome: .passed, durationSeconds: 0)])
        var summary = RunSummary(report: report)
        summary.metrics = ["ttfb_ms", "ttft_ms", "itl_ms", "tpot_ms", "e2e_ms"].map { name in
            MetricSummary(name: name, unit: "ms", definition: LoadMetricCatalog.definition(of: name), statistics: level.summary.metrics[name])
        }
        return summary
    }
}
