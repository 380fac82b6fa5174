import HTTPWire
// MARK: - MarkdownWriter

/// Writes `summary.md`, fit for `$GITHUB_STEP_SUMMARY` and PR comments: headline counts, a failures table
/// with finding and advice, the latency table `Metric | n | avg | min | p50 | p90 | p95 | p99 | max | std`
/// (ms), error codes and, when given, the baseline comparison.
public struct MarkdownWriter: Sendable {
    /// Size limits (GitHub check-run summaries stop at 65 535 bytes).
    public struct Configuration: Sendable, Hashable {
        /// Most failure rows listed (default 50); the rest are counted.
        public var maxFailureRows: Int
        /// Most scenario-change rows in the baseline section (default 30).
        public var maxChangeRows: Int

        public init(maxFailureRows: Int = 50, maxChangeRows: Int = 30) {
            self.maxFailureRows = maxFailureRows
            self.maxChangeRows = maxChangeRows
        }

        public static let `default` = Configuration()
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    public func render(_ report: RunReport, summary: RunSummary, comparison: BaselineComparison? = nil) -> String {
        var md: [String] = []
        let c = summary.counts
        let verdict = c.failed + c.errors > 0 ? "❌ failing" : (comparison?.hasRegression == true ? "⚠️ regression" : "✅ passing")
        md.append("## llmcheck conformance: \(verdict)")
        md.append("")
        md.append("**\(c.passed) passed**, **\(c.failed) failed**, **\(c.errors) errored**, \(c.skipped) skipped of \(c.total) scenarios"
            + " in \(NumberText.fixed(summary.durationSeconds, digits: 1)) s.")
        md.append("")
        var facts = ["run `\(Escaping.markdownCell(summary.runID))`", "llmcheck \(Escaping.markdownCell(summary.toolVersion))"]
        if let shard = summary.shard { facts.append("shard \(shard)") }
        if !summary.mergedFrom.isEmpty { facts.append("merged from \(summary.mergedFrom.count) shards") }
        if let seed = summary.seed { facts.append("seed \(seed)") }
        if let sha = summary.environment.gitSHA { facts.append("git `\(Escaping.markdownCell(String(sha.prefix(12))))`") }
        facts.append("host \(Escaping.markdownCell(summary.environment.hostname))")
        md.append(facts.joined(separator: " · "))
        md.append("")
        let r = summary.requests
        md.append("| Scenarios | Passed | Failed | Errors | Skipped | Requests | Completed | Unexpected req. errors | Expected req. errors | Retried | Req/s |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let unexpected = r.unexpectedFailed ?? r.failed
        md.append("| \(c.total) | \(c.passed) | \(c.failed) | \(c.errors) | \(c.skipped) | \(r.total) | \(r.completed) | \(unexpected) | \(r.failed - unexpected) | \(r.retried) | \(NumberText.fixed(summary.throughput.requestsPerSecond, digits: 2)) |")
        md.append("")
        md.append("<sub>Expected request errors are the faults the scenarios injected (timeouts, resets, 429…) in scenarios that passed: the client handled them as required. Unexpected ones come from failed or errored scenarios.</sub>")

        md += failuresSection(report)
        md += latencySection(summary)
        if let comparison { md += baselineSection(comparison) }
        if !summary.errorCodes.isEmpty {
            md.append("")
            md.append("### Request errors by code")
            md.append("")
            md.append("| Code | Unexpected | Expected (injected, handled) |")
            md.append("|---|---:|---:|")
            let unexpected = summary.unexpectedErrorCodes ?? summary.errorCodes
            for (code, count) in summary.errorCodes.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                let bad = unexpected[code] ?? 0
                md.append("| `\(Escaping.markdownCell(code))` | \(bad) | \(count - bad) |")
            }
        }
        if let goodput = summary.goodput {
            md.append("")
            md.append("Goodput: \(goodput.goodRequests) requests met every SLO (\(NumberText.fixed(goodput.percent, digits: 1))%, \(NumberText.fixed(goodput.requestsPerSecond, digits: 2)) req/s).")
        }
        md.append("")
        md.append("<sub>Full details: `report.html` (charts, troubleshooting), `junit.xml`, `summary.json`, `requests.jsonl`.</sub>")
        return md.joined(separator: "\n") + "\n"
    }

    // MARK: - Sections

    private func failuresSection(_ report: RunReport) -> [String] {
        let failing = report.results.filter { $0.outcome.status == .failed || $0.outcome.status == .error }.sorted { $0.id < $1.id }
        guard !failing.isEmpty else { return [] }
        var md = ["", "### Failures", "", "| Scenario | Outcome | What broke | Expected / actual | Finding | Advice |", "|---|---|---|---|---|---|"]
        for result in failing.prefix(configuration.maxFailureRows) {
            let finding = result.findings.max { $0.severity < $1.severity }
            let outcome = result.outcome.status.rawValue + (result.outcome.kind.map { " (\($0))" } ?? "")
            let advice = finding?.advice.isEmpty == false ? finding?.advice ?? "" : Troubleshooting.likelyCause(for: result)
            let checks = result.expectations.filter { !$0.passed }.map {
                "\($0.name): expected \(TextSanitizer.clean($0.expected, maxBytes: 300)), got \(TextSanitizer.clean($0.actual, maxBytes: 300))"
            }
            md.append("| `\(Escaping.markdownCell(result.id))` | \(Escaping.markdownCell(outcome)) | "
                + "\(Escaping.markdownCell(TextSanitizer.clean(result.outcome.message ?? "-"))) | "
                + "\(checks.isEmpty ? "-" : checks.map { Escaping.markdownCell($0) }.joined(separator: "<br>")) | "
                + "\(finding.map { "`\(Escaping.markdownCell($0.id))`" } ?? "-") | \(Escaping.markdownCell(TextSanitizer.clean(advice))) |")
        }
        if failing.count > configuration.maxFailureRows {
            md.append("")
            md.append("… and \(failing.count - configuration.maxFailureRows) more (see `report.html`).")
        }
        return md
    }

    private func latencySection(_ summary: RunSummary) -> [String] {
        let rows = summary.metrics.filter { $0.statistics != nil }
        guard !rows.isEmpty else { return [] }
        var md = ["", "### Latency", "", "| Metric | n | avg | min | p50 | p90 | p95 | p99 | max | std |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for metric in rows {
            guard let s = metric.statistics else { continue }
            let values = [s.mean, s.min, s.p50, s.p90, s.p95, s.p99, s.max, s.std].map(NumberText.compact)
            md.append("| \(Escaping.markdownCell(MetricCatalog.label(for: metric.name))) | \(s.count) | " + values.joined(separator: " | ") + " |")
        }
        let thin = summary.metrics.compactMap { metric -> String? in
            guard metric.unit == "ms", let s = metric.statistics, s.isP99Unreliable else { return nil }
            return "\(metric.name) (n=\(s.count))"
        }
        if !thin.isEmpty {
            md.append("")
            md.append("> ⚠️ p99 rests on fewer than \(Statistics.minimumSamplesForP99) samples for \(Escaping.markdownCell(thin.joined(separator: ", "), maxCharacters: 400)): read it as a maximum.")
        }
        for warning in summary.warnings where !warning.hasPrefix("p99 of ") {
            md.append("")
            md.append("> ⚠️ \(Escaping.markdownCell(warning, maxCharacters: 300))")
        }
        return md
    }

    private func baselineSection(_ comparison: BaselineComparison) -> [String] {
        let t = comparison.thresholds
        var md = ["", "### Compared with baseline `\(Escaping.markdownCell(comparison.baselineRunID))`", ""]
        md.append(comparison.hasRegression ? "**Regression detected.**" : "No regression beyond the thresholds.")
        md.append(" Gate: Δ > \(NumberText.compact(t.absoluteMs)) ms **and** Δ% > \(NumberText.compact(t.relativePercent))%; passed scenarios \(comparison.baselinePassed) → \(comparison.currentPassed).")
        if !comparison.metrics.isEmpty {
            md += ["", "| Metric | Stat | Baseline | Current | Δ | Δ% | |", "|---|---|---:|---:|---:|---:|---|"]
            for row in comparison.metrics {
                let mark = row.isRegression ? "🔴 regression" : row.isImprovement ? "🟢 faster" : (row.note.map { Escaping.markdownCell($0) } ?? "")
                md.append("| \(Escaping.markdownCell(row.metric)) | \(Escaping.markdownCell(row.statistic)) | \(NumberText.compact(row.baseline)) | \(NumberText.compact(row.current)) | "
                    + "\(NumberText.signed(row.delta)) | \(NumberText.signedPercent(row.deltaPercent)) | \(mark) |")
            }
        }
        let changes = comparison.scenarioChanges
        if !changes.isEmpty {
            md += ["", "| Scenario | Baseline | Current | |", "|---|---|---|---|"]
            for change in changes.prefix(configuration.maxChangeRows) {
                let mark = change.isRegression ? "🔴 newly failing" : change.isFix ? "🟢 fixed" : ""
                md.append("| `\(Escaping.markdownCell(change.id))` | \(change.baselineStatus?.rawValue ?? "absent") | \(change.currentStatus?.rawValue ?? "absent") | \(mark) |")
            }
            if changes.count > configuration.maxChangeRows { md.append(""); md.append("… and \(changes.count - configuration.maxChangeRows) more changes.") }
        }
        return md
    }
}
