import HTTPWire
// MARK: - HTMLWriter

/// Writes `report.html`: one self-contained file (inline CSS, inline SVG, a few lines of inline JS, no
/// external assets) with headline counts, the latency table, TTFT and inter-chunk histograms, a filterable
/// results table, a per-scenario timeline of attempts and chunks, and a troubleshooting block per failure
/// (what broke, evidence, likely cause). Every text is escaped.
public struct HTMLWriter: Sendable {
    /// Limits that keep the page light.
    public struct Configuration: Sendable, Hashable {
        /// Timeline rows shown openly; every further page of this size is collapsed (default 100).
        public var timelinePageSize: Int
        /// Cap of each transcript shown in a troubleshooting block (default 8 KiB).
        public var maxTranscriptBytes: Int

        public init(timelinePageSize: Int = 100, maxTranscriptBytes: Int = 8 * 1024) {
            self.timelinePageSize = timelinePageSize
            self.maxTranscriptBytes = maxTranscriptBytes
        }

        public static let `default` = Configuration()
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    public func render(_ report: RunReport, summary: RunSummary, comparison: BaselineComparison? = nil) -> String {
        let results = report.results.sorted { $0.id < $1.id }
        let measured = results.flatMap(\.requests).filter { !$0.isWarmup }
        let c = summary.counts
        let failing = results.filter { $0.outcome.status == .failed || $0.outcome.status == .error }
        let verdictClass = c.failed + c.errors > 0 ? "bad" : (comparison?.hasRegression == true ? "warn" : "ok")
        let verdict = c.failed + c.errors > 0 ? "Failing" : (comparison?.hasRegression == true ? "Regression" : "Passing")

        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>llmcheck report – \(esc(summary.runID))</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n"
        h += "<header><div class=\"wrap\"><div class=\"brand\">llmcheck <span>conformance report</span></div>"
        h += "<div class=\"verdict \(verdictClass)\">\(verdict)</div></div></header>\n<main class=\"wrap\">\n"

        // Meta line.
        var meta = ["Run <code>\(esc(summary.runID))</code>", "started \(esc(NumberText.iso8601(summary.startedAt)))",
                    "\(NumberText.fixed(summary.durationSeconds, digits: 2)) s", "llmcheck \(esc(summary.toolVersion))",
                    "host \(esc(summary.environment.hostname))"]
        if let shard = summary.shard { meta.append("shard \(shard)") }
        if !summary.mergedFrom.isEmpty { meta.append("merged from \(summary.mergedFrom.count) shard reports") }
        if let seed = summary.seed { meta.append("seed \(seed)") }
        if let sha = summary.environment.gitSHA { meta.append("git <code>\(esc(String(sha.prefix(12))))</code>") }
        h += "<p class=\"meta\">\(meta.joined(separator: " · "))</p>\n"

        // Cards.
        h += "<section class=\"cards\">"
        h += card("Scenarios", String(c.total), "")
        h += card("Passed", String(c.passed), "ok")
        h += card("Failed", String(c.failed), c.failed > 0 ? "bad" : "")
        h += card("Errors", String(c.errors), c.errors > 0 ? "bad" : "")
        h += card("Skipped", String(c.skipped), c.skipped > 0 ? "muted" : "")
        h += card("Requests", "\(summary.requests.completed)/\(summary.requests.total)", "", note: "completed")
        let unexpected = summary.requests.unexpectedFailed ?? summary.requests.failed
        h += card("Unexpected errors", String(unexpected), unexpected > 0 ? "bad" : "ok", note: "requests in failing scenarios")
        h += card("Expected errors", String(summary.requests.failed - unexpected), "muted", note: "injected faults, handled")
        h += card("Retried", String(summary.requests.retried), "")
        if let ttft = summary.metric(named: "ttft_ms")?.statistics {
            h += card("TTFT p50", NumberText.compact(ttft.p50) + " ms", "", note: "p95 \(NumberText.compact(ttft.p95)) ms")
        }
        if let goodput = summary.goodput {
            h += card("Goodput", NumberText.fixed(goodput.percent, digits: 1) + "%", "", note: "\(goodput.goodRequests) requests met every SLO")
        }
        h += "</section>\n"

        if !failing.isEmpty {
            h += "<nav class=\"jump\"><strong>\(failing.count) to look at:</strong> "
            h += failing.prefix(30).map { "<a href=\"#\(SVGChart.anchor($0.id))\" class=\"pill \($0.outcome.status.rawValue)\">\(esc($0.id))</a>" }.joined(separator: " ")
            if failing.count > 30 { h += " …" }
            h += "</nav>\n"
        }

        if let comparison { h += baselineSection(comparison) }

        // Latency.
        h += "<section><h2>Latency</h2>"
        h += latencyTable(summary)
        h += warningsBlock(summary)
        h += "<div class=\"charts\">"
        h += "<figure><figcaption>Time to first token (ms)</figcaption>"
        h += SVGChart.histogram(samples: measured.compactMap(\.effectiveTTFTMs), title: "TTFT distribution", unit: "ms", color: "#3b6fd8")
        h += "</figure><figure><figcaption>Inter-chunk gaps (ms, pooled)</figcaption>"
        h += SVGChart.histogram(samples: measured.flatMap(\.chunkGapsMs), title: "Inter-chunk gap histogram", unit: "ms", color: "#7a52c7")
        h += "</figure></div></section>\n"

        // Results table.
        h += "<section><h2>Results</h2>"
        h += "<div class=\"filters\"><input id=\"q\" type=\"search\" placeholder=\"Filter by id, provider, capability, finding…\" aria-label=\"Filter\">"
        for status in ["all", "failed", "error", "passed", "skipped"] {
            h += "<button type=\"button\" data-status=\"\(status)\"\(status == "all" ? " class=\"on\"" : "")>\(status)</button>"
        }
        h += "</div><table id=\"results\"><thead><tr><th>Status</th><th>Scenario</th><th>Provider</th><th>Capability</th><th class=\"num\">Time (s)</th><th class=\"num\">Requests</th><th class=\"num\">TTFT p50 (ms)</th><th>Findings / message</th></tr></thead><tbody>"
        for result in results {
            let ttfts = result.requests.filter { !$0.isWarmup }.compactMap(\.effectiveTTFTMs)
            let ttft = Statistics(samples: ttfts).map { NumberText.compact($0.p50) } ?? "–"
            let detail = result.findings.isEmpty
                ? esc(TextSanitizer.headline(TextSanitizer.clean(result.outcome.message ?? ""), maxCharacters: 140))
                : result.findings.map { "<code>\(esc($0.id))</code>" }.joined(separator: " ")
            let id = result.outcome.status == .passed || result.outcome.status == .skipped
                ? "<span title=\"\(attr(result.title))\">\(esc(result.id))</span>"
                : "<a href=\"#\(SVGChart.anchor(result.id))\" title=\"\(attr(result.title))\">\(esc(result.id))</a>"
            h += "<tr data-status=\"\(result.outcome.status.rawValue)\"><td><span class=\"badge \(result.outcome.status.rawValue)\">\(result.outcome.status.rawValue)</span></td>"
            h += "<td class=\"id\">\(id)</td><td class=\"nowrap\">\(esc(result.provider))</td><td class=\"nowrap\">\(esc(result.capability))</td>"
            h += "<td class=\"num\">\(NumberText.fixed(result.durationSeconds, digits: 3))</td><td class=\"num\">\(result.requests.count)</td>"
            h += "<td class=\"num\">\(ttft)</td><td class=\"detail\">\(detail)</td></tr>"
        }
        h += "</tbody></table><p id=\"empty\" class=\"muted\" hidden>No scenario matches the filter.</p></section>\n"

        // Timeline.
        h += "<section><h2>Timeline of attempts and chunks</h2>"
        h += "<p class=\"legend\"><span class=\"key ok\"></span>completed attempt <span class=\"key expected\"></span>failed as expected (injected fault, handled) "
        h += "<span class=\"key bad\"></span>failed unexpectedly "
        h += "<span class=\"key backoff\"></span>backoff <span class=\"key first\"></span>first token <span class=\"key chunk\"></span>content chunk"
        h += " <span class=\"muted\">· each row is scaled to its own duration (right)</span></p>"
        h += SVGChart.timeline(results, pageSize: configuration.timelinePageSize)
        h += "</section>\n"

        // Troubleshooting.
        if !failing.isEmpty {
            h += "<section><h2>Troubleshooting</h2>"
            for result in failing { h += troubleshooting(result) }
            h += "</section>\n"
        }

        h += "<footer>Generated by llmcheck \(esc(summary.toolVersion)) · schema \(summary.schemaVersion) · "
        h += "statistics: numpy linear percentiles, population std · files: \(esc(ReportSet.fileNames))</footer>\n"
        h += "</main>\n<script>\(Self.script)</script>\n</body>\n</html>\n"
        return h
    }

    // MARK: - Sections

    private func card(_ title: String, _ value: String, _ tone: String, note: String? = nil) -> String {
        var s = "<div class=\"card \(tone)\"><div class=\"card-title\">\(esc(title))</div><div class=\"card-value\">\(esc(value))</div>"
        if let note { s += "<div class=\"card-note\">\(esc(note))</div>" }
        return s + "</div>"
    }

    /// The p99 caveats folded into one line, other warnings as they are.
    private func warningsBlock(_ summary: RunSummary) -> String {
        let thin = summary.metrics.compactMap { metric -> String? in
            guard metric.unit == "ms", let s = metric.statistics, s.isP99Unreliable else { return nil }
            return "\(metric.name) (n=\(s.count))"
        }
        var out = ""
        if !thin.isEmpty {
            out += "<p class=\"note\">⚠ p99 rests on fewer than \(Statistics.minimumSamplesForP99) samples for \(esc(thin.joined(separator: ", "))): read it as a maximum (greyed in the table).</p>"
        }
        for warning in summary.warnings where !warning.hasPrefix("p99 of ") { out += "<p class=\"note\">⚠ \(esc(warning))</p>" }
        return out
    }

    private func latencyTable(_ summary: RunSummary) -> String {
        let rows = summary.metrics.filter { $0.statistics != nil }
        guard !rows.isEmpty else { return "<p class=\"muted\">No latency samples (no request completed).</p>" }
        var t = "<table class=\"stats\"><thead><tr><th>Metric</th><th class=\"num\">n</th><th class=\"num\">avg</th><th class=\"num\">min</th>"
        t += "<th class=\"num\">p50</th><th class=\"num\">p90</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">max</th><th class=\"num\">std</th></tr></thead><tbody>"
        for metric in rows {
            guard let s = metric.statistics else { continue }
            t += "<tr><td title=\"\(attr(metric.definition))\">\(esc(MetricCatalog.label(for: metric.name)))</td><td class=\"num\">\(s.count)</td>"
            for v in [s.mean, s.min, s.p50, s.p90, s.p95] { t += "<td class=\"num\">\(NumberText.compact(v))</td>" }
            let p99Class = s.isP99Unreliable && metric.unit == "ms" ? "num dim" : "num"
            t += "<td class=\"\(p99Class)\"\(s.isP99Unreliable ? " title=\"fewer than 100 samples\"" : "")>\(NumberText.compact(s.p99))</td>"
            t += "<td class=\"num\">\(NumberText.compact(s.max))</td><td class=\"num\">\(NumberText.compact(s.std))</td></tr>"
        }
        return t + "</tbody></table>"
    }

    private func baselineSection(_ comparison: BaselineComparison) -> String {
        var s = "<section><h2>Compared with baseline <code>\(esc(comparison.baselineRunID))</code></h2>"
        s += "<p class=\"\(comparison.hasRegression ? "bad-text" : "ok-text")\">"
        s += comparison.hasRegression ? "Regression detected." : "No regression beyond the thresholds."
        s += "</p><p class=\"muted\">Gate: Δ &gt; \(NumberText.compact(comparison.thresholds.absoluteMs)) ms and Δ% &gt; \(NumberText.compact(comparison.thresholds.relativePercent))%. "
        s += "Passed scenarios \(comparison.baselinePassed) → \(comparison.currentPassed).</p>"
        if !comparison.metrics.isEmpty {
            let head = "<table class=\"stats\"><thead><tr><th>Metric</th><th>Stat</th><th class=\"num\">Baseline</th><th class=\"num\">Current</th><th class=\"num\">Δ</th><th class=\"num\">Δ%</th><th></th></tr></thead><tbody>"
            let flagged = comparison.metrics.filter { $0.isRegression || $0.isImprovement }
            let quiet = comparison.metrics.filter { !$0.isRegression && !$0.isImprovement }
            if !flagged.isEmpty { s += head + baselineRows(flagged) + "</tbody></table>" }
            if !quiet.isEmpty {
                s += "<details\(flagged.isEmpty ? " open" : "")><summary>\(NumberText.count(quiet.count, "percentile")) within the thresholds</summary>" + head + baselineRows(quiet) + "</tbody></table></details>"
            }
        }
        if !comparison.scenarioChanges.isEmpty {
            s += "<ul class=\"changes\">"
            for change in comparison.scenarioChanges.prefix(100) {
                let tone = change.isRegression ? "bad-text" : change.isFix ? "ok-text" : ""
                s += "<li class=\"\(tone)\"><code>\(esc(change.id))</code>: \(change.baselineStatus?.rawValue ?? "absent") → \(change.currentStatus?.rawValue ?? "absent")</li>"
            }
            s += "</ul>"
        }
        return s + "</section>\n"
    }

    private func baselineRows(_ rows: [BaselineComparison.MetricDelta]) -> String {
        var s = ""
        for row in rows {
            let mark = row.isRegression ? "<span class=\"badge failed\">regression</span>" : row.isImprovement ? "<span class=\"badge passed\">faster</span>" : esc(row.note ?? "")
            s += "<tr><td>\(esc(row.metric))</td><td>\(esc(row.statistic))</td><td class=\"num\">\(NumberText.compact(row.baseline))</td><td class=\"num\">\(NumberText.compact(row.current))</td>"
            s += "<td class=\"num\">\(NumberText.signed(row.delta))</td><td class=\"num\">\(NumberText.signedPercent(row.deltaPercent))</td><td>\(mark)</td></tr>"
        }
        return s
    }

    private func troubleshooting(_ result: ScenarioResult) -> String {
        let status = result.outcome.status.rawValue
        var s = "<article class=\"trouble \(status)\" id=\"\(SVGChart.anchor(result.id))\">"
        s += "<h3><span class=\"badge \(status)\">\(status)</span> <code>\(esc(result.id))</code> <span class=\"muted\">\(esc(result.title))</span></h3>"
        s += "<p class=\"where\">\(esc(result.provider)) · \(esc(result.capability))"
        if let file = result.filePath { s += " · <code>\(esc(file))</code>" }
        s += " · \(NumberText.fixed(result.durationSeconds, digits: 3)) s</p>"

        // What broke.
        s += "<div class=\"block\"><h4>What broke</h4><p>\(esc(TextSanitizer.clean(result.outcome.message ?? "No message recorded.", maxBytes: 4096)))"
        if let kind = result.outcome.kind { s += " <span class=\"kind\">\(esc(kind))</span>" }
        s += "</p>"
        for finding in result.findings {
            s += "<p class=\"finding \(finding.severity.rawValue)\"><code>\(esc(finding.id))</code> \(esc(TextSanitizer.clean(finding.message, maxBytes: 2048)))</p>"
        }
        s += "</div>"

        // Evidence.
        s += "<div class=\"block\"><h4>Evidence</h4>"
        let checked = result.expectations
        if !checked.isEmpty {
            s += "<table class=\"evidence\"><thead><tr><th></th><th>Check</th><th>Expected</th><th>Actual</th></tr></thead><tbody>"
            for e in checked.sorted(by: { !$0.passed && $1.passed }) {
                s += "<tr class=\"\(e.passed ? "pass" : "fail")\"><td>\(e.passed ? "✓" : "✗")</td><td>\(esc(e.name))</td>"
                s += "<td><code>\(esc(TextSanitizer.clean(e.expected, maxBytes: 1024)))</code></td><td><code>\(esc(TextSanitizer.clean(e.actual, maxBytes: 1024)))</code></td></tr>"
            }
            s += "</tbody></table>"
        }
        let evidenceLines = result.findings.flatMap(\.evidence)
        if !evidenceLines.isEmpty {
            s += "<ul class=\"evidence-lines\">" + evidenceLines.prefix(20).map { "<li><code>\(esc(TextSanitizer.clean($0, maxBytes: 1024)))</code></li>" }.joined() + "</ul>"
        }
        let attempts = result.requests.flatMap { request in request.attempts.map { (request, $0) } }
        if !attempts.isEmpty || result.requests.contains(where: { $0.error != nil }) {
            s += "<table class=\"evidence\"><thead><tr><th>Request</th><th>Attempt</th><th class=\"num\">Waited (ms)</th><th class=\"num\">Start (ms)</th><th class=\"num\">End (ms)</th><th>Status</th><th>Error</th></tr></thead><tbody>"
            for (request, attempt) in attempts {
                s += "<tr><td><code>\(esc(request.requestID))</code> \(esc(request.endpoint))</td><td>\(attempt.attempt)</td>"
                s += "<td class=\"num\">\(NumberText.compact(attempt.delayBeforeMs))</td><td class=\"num\">\(NumberText.compact(Double(attempt.startNs) / 1e6))</td>"
                s += "<td class=\"num\">\(NumberText.compact(Double(attempt.endNs) / 1e6))</td><td>\(attempt.status.map(String.init) ?? "–")</td><td>\(esc(attempt.errorCode ?? ""))</td></tr>"
            }
            for request in result.requests where request.attempts.isEmpty {
                s += "<tr><td><code>\(esc(request.requestID))</code> \(esc(request.endpoint))</td><td>\(request.attempt)</td><td class=\"num\">–</td>"
                s += "<td class=\"num\">\(NumberText.compact(Double(request.tSendNs) / 1e6))</td><td class=\"num\">\(request.tEndNs.map { NumberText.compact(Double($0) / 1e6) } ?? "–")</td>"
                s += "<td>\(request.status.map(String.init) ?? "–")</td><td>\(esc(request.error?.code ?? ""))</td></tr>"
            }
            s += "</tbody></table>"
            for request in result.requests {
                guard let error = request.error else { continue }
                s += "<p class=\"error-line\"><code>\(esc(request.requestID))</code> \(esc(error.code))\(error.type.map { " (\(esc($0)))" } ?? ""): \(esc(TextSanitizer.clean(error.message, maxBytes: 2048)))</p>"
            }
        }
        for app in result.apps {
            s += "<div class=\"app\"><p><b>The app</b> (\(esc(result.client ?? "command")), request <code>\(esc(app.requestID))</code>): "
            s += "<span class=\"badge \(app.succeeded ? "passed" : "failed")\">\(esc(app.exit))</span> after \(NumberText.compact(app.wallMilliseconds)) ms</p>"
            for note in app.notes { s += "<p class=\"muted\">\(esc(note))</p>" }
            if !app.stdoutTail.isEmpty { s += "<p>stdout (tail)</p><pre>\(esc(TextSanitizer.clean(app.stdoutTail, maxBytes: 2048)))</pre>" }
            if !app.stderrTail.isEmpty { s += "<p>stderr (tail)</p><pre>\(esc(TextSanitizer.clean(app.stderrTail, maxBytes: 2048)))</pre>" }
            s += "</div>"
        }
        if !result.requests.isEmpty {
            s += "<div class=\"mini-timeline\">" + SVGChart.timeline([result], pageSize: 1) + "</div>"
        }
        if checked.isEmpty && evidenceLines.isEmpty && attempts.isEmpty && !result.requests.contains(where: { $0.error != nil }) {
            s += "<p class=\"muted\">No structured evidence recorded; see the transcript.</p>"
        }
        s += "</div>"

        // Likely cause.
        s += "<div class=\"block cause\"><h4>Likely cause</h4><p>\(esc(TextSanitizer.clean(Troubleshooting.likelyCause(for: result))))</p>"
        for finding in result.findings.dropFirst() where !finding.advice.isEmpty {
            s += "<p><code>\(esc(finding.id))</code>: \(esc(TextSanitizer.clean(finding.advice)))</p>"
        }
        s += "</div>"

        if let transcript = result.transcript, !transcript.isEmpty {
            s += "<details><summary>Transcript</summary><pre>\(esc(TextSanitizer.clean(transcript, maxBytes: configuration.maxTranscriptBytes)))</pre></details>"
        }
        return s + "</article>\n"
    }

    private func esc(_ text: String) -> String { Escaping.xml(TextSanitizer.redactSecrets(text)) }
    private func attr(_ text: String) -> String { Escaping.xmlAttribute(TextSanitizer.redactSecrets(text)) }

    // MARK: - Assets (inline)

    static let css = """
    :root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa;--card:#fff;--ok:#1f8f4e;--bad:#d0342c;--warn:#c77700;--skip:#8a94a6;--accent:#3b6fd8}
    *{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    .wrap{max-width:1180px;margin:0 auto;padding:0 24px}
    header{background:#101828;color:#fff}header .wrap{display:flex;align-items:center;justify-content:space-between;height:56px}
    .brand{font-weight:700;font-size:18px;letter-spacing:.2px}.brand span{font-weight:400;color:#98a2b3;margin-left:6px}
    .verdict{padding:4px 12px;border-radius:999px;font-weight:600;font-size:13px}.verdict.ok{background:var(--ok)}.verdict.bad{background:var(--bad)}.verdict.warn{background:var(--warn)}
    .meta{color:var(--muted);margin:16px 0}code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#eef1f5;padding:1px 5px;border-radius:4px}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:12px;margin-bottom:16px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}.card-title{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.5px}
    .card-value{font-size:22px;white-space:nowrap;font-weight:700;margin-top:2px}.card-note{color:var(--muted);font-size:12px}
    .card.ok .card-value{color:var(--ok)}.card.bad .card-value{color:var(--bad)}.card.muted .card-value{color:var(--skip)}
    section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 20px;margin:16px 0}
    h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:0 0 4px}h4{font-size:12px;text-transform:uppercase;letter-spacing:.5px;color:var(--muted);margin:0 0 6px}
    table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{color:var(--muted);font-weight:600;background:#fafbfc}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.dim{color:var(--muted)}
    td.nowrap{white-space:nowrap}td.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}td.detail{color:#475467;max-width:360px}
    .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:600;color:#fff;text-transform:uppercase;letter-spacing:.3px}
    .badge.passed{background:var(--ok)}.badge.failed{background:var(--bad)}.badge.error{background:var(--warn)}.badge.skipped{background:var(--skip)}
    .pill{display:inline-block;margin:2px;padding:1px 8px;border-radius:6px;font:12px ui-monospace,Menlo,monospace;text-decoration:none;border:1px solid}
    .pill.failed{color:var(--bad);border-color:#f3b7b3;background:#fff5f4}.pill.error{color:var(--warn);border-color:#f1d19a;background:#fffaf0}
    .jump{margin:8px 0 0}.note{color:var(--warn);margin:6px 0}.muted{color:var(--muted)}.ok-text{color:var(--ok);font-weight:600}.bad-text{color:var(--bad);font-weight:600}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-top:12px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
    svg .grid{stroke:#eef0f3}svg .axis{stroke:#98a2b3}svg .tick{font-size:11px;fill:#667085}svg .label{font-size:11px;fill:#667085}
    svg .marker{stroke:#d0342c;stroke-dasharray:3 3}svg .marker-label{font-size:10px;fill:#d0342c}svg .legend-text{font-size:11.5px;fill:#475467}svg .overflow{font-size:11px;fill:#c77700}
    svg .band{fill:#fafbfc}svg .track{stroke:#e4e7ec}svg .row-label{font:11.5px ui-monospace,Menlo,monospace;fill:#1d2330}svg .row-label.failed{fill:#d0342c}svg .row-label.error{fill:#c77700}
    svg .attempt.ok{fill:#6cc08b}svg .attempt.bad{fill:#e5736c}svg .attempt.expected{fill:#e8c27a}svg .backoff{stroke:#98a2b3;stroke-dasharray:4 3;stroke-width:1.5}svg .first-token{fill:#3b6fd8}svg .chunk{stroke:#101828;stroke-width:1}
    .legend{color:var(--muted);font-size:12px}.key{display:inline-block;width:14px;height:9px;border-radius:2px;margin:0 4px 0 10px;vertical-align:middle}
    .key.ok{background:#6cc08b}.key.expected{background:#e8c27a}.key.bad{background:#e5736c}.key.backoff{border-top:2px dashed #98a2b3;height:0}.key.first{background:#3b6fd8;transform:rotate(45deg);width:8px;height:8px}.key.chunk{width:1px;height:10px;background:#101828}
    .filters{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:10px}.filters input{flex:1;min-width:220px;padding:6px 10px;border:1px solid var(--line);border-radius:8px;font:inherit}
    .filters button{border:1px solid var(--line);background:#fff;border-radius:8px;padding:5px 12px;font:inherit;cursor:pointer;text-transform:capitalize}.filters button.on{background:#101828;color:#fff;border-color:#101828}
    .nodata{color:var(--muted);padding:24px;text-align:center;border:1px dashed var(--line);border-radius:8px}
    .trouble{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:8px;padding:14px 16px;margin:12px 0;background:#fff}.trouble.error{border-left-color:var(--warn)}
    .where{color:var(--muted);margin:0 0 10px}.block{margin:10px 0}.block p{margin:4px 0}.kind{font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 5px}
    .finding.error code{color:var(--bad)}.finding.warning code{color:var(--warn)}.cause{background:#f5f8ff;border-radius:8px;padding:8px 12px}
    table.evidence{margin:6px 0}tr.fail td{background:#fff5f4}tr.pass td{color:var(--muted)}.evidence-lines{margin:6px 0;padding-left:18px}.error-line{color:var(--bad)}
    details summary{cursor:pointer;color:var(--accent)}pre{white-space:pre-wrap;word-break:break-word;background:#0f1420;color:#e4e7ec;padding:12px;border-radius:8px;font-size:12px;max-height:360px;overflow:auto}
    .mini-timeline{margin:8px 0}footer{color:var(--muted);font-size:12px;margin:24px 0 40px;text-align:center}a{color:var(--accent)}
    @media print{.filters,nav.jump{display:none}section{break-inside:avoid}}
    """

    static let script = """
    (function(){var q=document.getElementById('q'),rows=[].slice.call(document.querySelectorAll('#results tbody tr')),st='all',
    bs=[].slice.call(document.querySelectorAll('.filters button')),empty=document.getElementById('empty');
    function apply(){var t=(q.value||'').toLowerCase(),shown=0;rows.forEach(function(r){var ok=(st==='all'||r.dataset.status===st)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
    r.hidden=!ok;if(ok)shown++;});empty.hidden=shown>0;}
    q.addEventListener('input',apply);bs.forEach(function(b){b.addEventListener('click',function(){st=b.dataset.status;bs.forEach(function(x){x.classList.toggle('on',x===b);});apply();});});})();
    """
}
