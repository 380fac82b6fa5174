import HTTPWire
import Reporting

/// `load.html`: one self-contained page (inline CSS and SVG, no scripts, no external assets): per level the
/// headline figures, the metric table, TTFT and ITL histograms and a request timeline; for a sweep, latency
/// and throughput versus load. Every text is escaped.
public enum LoadHTMLWriter {
    public static func render(_ report: LoadReport, comparisons: [BaselineComparison] = []) -> String {
        let t = report.target
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>llmcheck load – \(esc(t.url))</title>\n<style>\(css)</style>\n</head>\n<body>\n<main>\n"
        h += "<h1>llmcheck load</h1>\n<p class=\"meta\">\(esc(t.url)) · \(esc(t.provider)) · model \(esc(t.model)) · \(t.isStreaming ? "streaming" : "not streaming")"
        h += " · prompts: \(esc(t.prompts)) · seed \(t.seed)\(t.maxTokens.map { " · max_tokens \($0)" } ?? "")"
        if !report.mergedShards.isEmpty { h += " · merged from \(esc(report.mergedShards.joined(separator: ", ")))" }
        h += "</p>\n"
        let summaries = report.levels.map(\.summary)
        if report.levels.count > 1 {
            let levels = summaries.map(\.level)
            let xLabel = summaries.first.map { if case .openLoop = $0.mode { "offered rate" } else { "concurrency" } } ?? "level"
            let unit = xLabel == "offered rate" ? "req/s" : "in flight"
            h += "<h2>Sweep</h2>\n<div class=\"grid2\">"
            h += LoadSVGCharts.lines(title: "Latency vs load (ms)", xLabel: xLabel, unit: unit, levels: levels, series: [
                ("TTFT p50", "#3b82c4", summaries.map { $0.metrics["ttft_ms"]?.p50 }),
                ("TTFT p99", "#d64545", summaries.map { $0.metrics["ttft_ms"]?.p99 }),
                ("E2E p50", "#2f9e6e", summaries.map { $0.metrics["e2e_ms"]?.p50 }),
            ])
            h += LoadSVGCharts.lines(title: "Throughput vs load", xLabel: xLabel, unit: unit, levels: levels, series: [
                ("req/s", "#3b82c4", summaries.map { $0.throughput.requestsPerSecond }),
                ("output tok/s", "#c47f3b", summaries.map { $0.throughput.outputTokensPerSecond }),
            ])
            h += "</div>\n"
        }
        for (index, level) in report.levels.enumerated() {
            h += section(level, comparison: comparisons.indices.contains(index) ? comparisons[index] : nil)
        }
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    static func section(_ level: LoadReport.Level, comparison: BaselineComparison?) -> String {
        let s = level.summary
        var h = "<h2>\(esc("\(s.mode)"))</h2>\n<div class=\"kpis\">"
        func kpi(_ label: String, _ value: String, _ cls: String = "") -> String {
            "<div class=\"kpi \(cls)\"><div class=\"v\">\(esc(value))</div><div class=\"l\">\(esc(label))</div></div>"
        }
        h += kpi("completed", String(s.requests.completed))
        h += kpi("failed", String(s.requests.failed), s.requests.failed > 0 ? "bad" : "")
        h += kpi("req/s", LoadFormat.number(s.throughput.requestsPerSecond))
        h += kpi("output tok/s (\(s.tokenSource))", LoadFormat.number(s.throughput.outputTokensPerSecond))
        h += kpi("TTFT p50 ms", LoadFormat.ms(s.metrics["ttft_ms"]?.p50))
        h += kpi("ITL p50 ms", LoadFormat.ms(s.metrics["itl_ms"]?.p50))
        if let g = s.goodput { h += kpi("goodput req/s (\(LoadFormat.number(g.percent)) %)", LoadFormat.number(g.requestsPerSecond)) }
        if let offered = s.generator.offeredRate { h += kpi("offered / sent req/s", "\(LoadFormat.number(offered)) / \(s.generator.achievedSendRate.map(LoadFormat.number) ?? "–")") }
        if let cores = s.generator.cpuCores { h += kpi("generator CPU cores", LoadFormat.number(cores), s.generator.isBottleneck ? "bad" : "") }
        h += "</div>\n"
        for warning in s.warnings { h += "<p class=\"warn\">⚠ \(esc(warning))</p>\n" }
        if comparison?.hasRegression == true { h += "<p class=\"warn\">Regression against the baseline.</p>\n" }
        h += "<table><thead><tr><th>Metric</th><th>n</th><th>mean</th><th>min</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead><tbody>"
        for name in LoadSummary.metricNames {
            h += "<tr><td title=\"\(Escaping.xmlAttribute(LoadMetricCatalog.definition(of: name)))\">\(esc(LoadMetricCatalog.label(of: name)))</td>"
            if let st = s.metrics[name] {
                h += "<td>\(st.count)</td>" + [st.mean, st.min, st.p50, st.p90, st.p95, st.p99].map { "<td>\(LoadFormat.ms($0))</td>" }.joined()
                h += "<td>\(LoadFormat.ms(st.p999))</td><td>\(LoadFormat.ms(st.max))</td>"
            } else {
                h += "<td>0</td>" + String(repeating: "<td>–</td>", count: 8)
            }
            h += "</tr>"
        }
        h += "</tbody></table>\n"
        if !s.errors.isEmpty {
            h += "<table><thead><tr><th>Error class</th><th>count</th></tr></thead><tbody>"
            for (key, count) in s.errors.sorted(by: { $0.key < $1.key }) { h += "<tr><td>\(esc(key))</td><td>\(count)</td></tr>" }
            h += "</tbody></table>\n"
        }
        if let split = s.serverSplit {
            h += "<p class=\"meta\">Server (mock journal, \(split.entries) requests) vs client, p50: TTFT \(LoadFormat.ms(split.serverTTFTMs?.p50)) vs \(LoadFormat.ms(split.clientTTFTMs?.p50)) ms;"
            h += " ITL \(LoadFormat.ms(split.serverGapMs?.p50)) vs \(LoadFormat.ms(split.clientITLMs?.p50)) ms.</p>\n"
        }
        if let comparison, !comparison.metrics.isEmpty {
            h += "<table><thead><tr><th>vs baseline</th><th>stat</th><th>baseline</th><th>current</th><th>Δ %</th></tr></thead><tbody>"
            for row in comparison.metrics {
                h += "<tr class=\"\(row.isRegression ? "bad" : "")\"><td>\(esc(row.metric))</td><td>\(esc(row.statistic))</td><td>\(LoadFormat.ms(row.baseline))</td><td>\(LoadFormat.ms(row.current))</td><td>\(esc(NumberText.signedPercent(row.deltaPercent)))</td></tr>"
            }
            h += "</tbody></table>\n"
        }
        let samples = level.samples ?? []
        let completed = samples.filter(\.isCompleted)
        h += "<div class=\"grid2\">"
        h += SVGChart.histogram(samples: completed.compactMap(\.trace.effectiveTTFTMs), title: "TTFT", unit: "ms", color: "#3b82c4")
        h += SVGChart.histogram(samples: completed.flatMap(\.trace.chunkGapsMs), title: "ITL (pooled chunk gaps)", unit: "ms", color: "#2f9e6e")
        h += "</div>\n<h3>Requests over time</h3>\n" + LoadSVGCharts.timeline(samples) + "\n"
        return h
    }

    static func esc(_ text: String) -> String { Escaping.xml(text) }

    static let css = """
        body{font:14px/1.45 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2933;background:#f7f8fa;margin:0}
        main{max-width:1100px;margin:0 auto;padding:16px 24px}h1{margin:8px 0}h2{margin-top:28px;border-bottom:1px solid #d9dee3}
        .meta{color:#52606d}.warn{color:#8a5300;background:#fff4e0;padding:6px 10px;border-radius:4px}
        .kpis{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}.kpi{background:#fff;border:1px solid #d9dee3;border-radius:6px;padding:8px 12px;min-width:110px}
        .kpi .v{font-size:20px;font-weight:600}.kpi .l{color:#52606d;font-size:12px}.kpi.bad .v,tr.bad td{color:#c0392b}
        table{border-collapse:collapse;background:#fff;margin:10px 0}th,td{border:1px solid #d9dee3;padding:3px 8px;text-align:right}
        th:first-child,td:first-child{text-align:left}.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
        .chart{background:#fff;border:1px solid #d9dee3;border-radius:6px}.grid{stroke:#e4e7eb}.axis{stroke:#9aa5b1}
        .tick{font-size:10px;fill:#52606d}.label{font-size:11px;fill:#323f4b}.nodata{color:#7b8794;padding:20px}
        """
}
