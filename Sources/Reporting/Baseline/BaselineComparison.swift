import Foundation

// MARK: - BaselineComparison

/// Baseline vs current: per-metric percentile deltas, pass-count change and scenarios that went from
/// passing to failing. ``hasRegression`` decides the exit code (``exitCode``: 0 ok, 2 regression).
///
/// ```swift
/// let comparison = try BaselineComparison.compare(report, againstBaselineAt: URL(fileURLWithPath: "base/summary.json"))
/// try ReportSet.write(report, to: out, comparison: comparison)
/// if comparison.hasRegression { return .regression }
/// ```
public struct BaselineComparison: Sendable, Hashable {
    /// One percentile of one metric, before and after.
    public struct MetricDelta: Sendable, Hashable {
        public var metric: String
        public var unit: String
        /// `p50`, `p95`, `p99`.
        public var statistic: String
        public var baseline: Double
        public var current: Double
        public var delta: Double { current - baseline }
        /// Relative change in percent; infinite when the baseline is 0 and current is not.
        public var deltaPercent: Double {
            if baseline == 0 { return current == 0 ? 0 : .infinity }
            return delta / baseline * 100
        }
        public var isRegression: Bool
        public var isImprovement: Bool
        /// Why the row cannot gate (too few samples), if so.
        public var note: String?
    }

    /// A scenario whose status changed.
    public struct ScenarioChange: Sendable, Hashable {
        public var id: String
        public var baselineStatus: ScenarioOutcome.Status?
        public var currentStatus: ScenarioOutcome.Status?
        /// Passed before, failed or errored now.
        public var isRegression: Bool { baselineStatus == .passed && (currentStatus == .failed || currentStatus == .error) }
        /// Failed or errored before, passes now.
        public var isFix: Bool { (baselineStatus == .failed || baselineStatus == .error) && currentStatus == .passed }
    }

    public var thresholds: BaselineThresholds
    public var baselineRunID: String
    public var baselinePassed: Int
    public var currentPassed: Int
    public var metrics: [MetricDelta]
    public var scenarioChanges: [ScenarioChange]

    /// Any gated metric or any scenario regressed.
    public var hasRegression: Bool { metrics.contains(where: \.isRegression) || scenarioChanges.contains(where: \.isRegression) }
    /// Something got better (and nothing worse is implied).
    public var hasImprovement: Bool { metrics.contains(where: \.isImprovement) || scenarioChanges.contains(where: \.isFix) }
    /// 2 on regression, else 0 (package-benchmark convention).
    public var exitCode: Int32 { hasRegression ? 2 : 0 }

    // MARK: - Comparing

    public init(baseline: RunSummary, current: RunSummary, thresholds: BaselineThresholds = .default) {
        self.thresholds = thresholds
        baselineRunID = baseline.runID
        baselinePassed = baseline.counts.passed
        currentPassed = current.counts.passed
        var rows: [MetricDelta] = []
        for metric in current.metrics where metric.isLowerBetter {
            guard let now = metric.statistics, let before = baseline.metric(named: metric.name)?.statistics else { continue }
            for statistic in thresholds.percentiles {
                guard let b = Self.value(before, statistic), let c = Self.value(now, statistic) else { continue }
                let enough = now.count >= thresholds.minimumSamples && before.count >= thresholds.minimumSamples
                var row = MetricDelta(metric: metric.name, unit: metric.unit, statistic: statistic, baseline: b, current: c,
                                      isRegression: false, isImprovement: false, note: nil)
                if enough {
                    let pct = row.deltaPercent
                    row.isRegression = row.delta > thresholds.absoluteMs && pct > thresholds.relativePercent
                    row.isImprovement = -row.delta > thresholds.absoluteMs && -pct > thresholds.relativePercent
                } else {
                    row.note = "n=\(before.count)→\(now.count) < \(thresholds.minimumSamples): not gated"
                }
                rows.append(row)
            }
        }
        metrics = rows
        let before = Dictionary(baseline.scenarios.map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(current.scenarios.map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        scenarioChanges = Set(before.keys).union(after.keys).sorted().compactMap { id in
            let b = before[id]
            let a = after[id]
            return b == a ? nil : ScenarioChange(id: id, baselineStatus: b, currentStatus: a)
        }
    }

    static func value(_ s: Statistics, _ name: String) -> Double? {
        switch name {
        case "mean", "avg": return s.mean
        case "min": return s.min
        case "p50": return s.p50
        case "p90": return s.p90
        case "p95": return s.p95
        case "p99": return s.p99
        case "p99_9": return s.p999
        case "max": return s.max
        default: return nil
        }
    }

    /// Reads a previous `summary.json` (a file, or a report directory containing one).
    ///
    /// - Throws: ``ReportingError`` `.missingFile`, `.corruptFile` or `.unsupportedSchema`, naming the file.
    public static func loadSummary(from url: URL) throws -> RunSummary {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? url.appendingPathComponent(ReportSet.FileName.summary)
            : url
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ReportingError(.missingFile, path: file.path, "baseline summary not found")
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ReportingError(.missingFile, path: file.path, "cannot read baseline: \(error.localizedDescription)")
        }
        let summary: RunSummary
        do { summary = try ReportJSON.makeDecoder().decode(RunSummary.self, from: data) } catch {
            throw ReportingError(.corruptFile, path: file.path, "not a llmcheck summary.json: \(ReportJSON.describe(error))")
        }
        guard summary.schemaVersion <= RunReport.currentSchemaVersion else {
            throw ReportingError(.unsupportedSchema, path: file.path,
                                 "schema_version \(summary.schemaVersion) is newer than supported \(RunReport.currentSchemaVersion)")
        }
        return summary
    }

    /// Compares `report` with the baseline summary at `url`.
    public static func compare(_ report: RunReport, againstBaselineAt url: URL, thresholds: BaselineThresholds = .default) throws -> BaselineComparison {
        BaselineComparison(baseline: try loadSummary(from: url), current: RunSummary(report: report), thresholds: thresholds)
    }
}
