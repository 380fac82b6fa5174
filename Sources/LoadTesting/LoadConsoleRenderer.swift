import Foundation
import Reporting

/// The console output of `llmcheck load`: a key/value block per level and a metric table
/// (`Metric | n | mean | min | p50 | p90 | p95 | p99 | p99.9 | max`), plus a sweep table.
public enum LoadConsoleRenderer {
    public static func render(_ report: LoadReport) -> String {
        var lines: [String] = []
        let t = report.target
        lines.append("llmcheck load → \(t.url) (\(t.provider), model \(t.model), \(t.isStreaming ? "streaming" : "not streaming"), prompts: \(t.prompts))")
        if !report.mergedShards.isEmpty { lines.append("merged from shards: \(report.mergedShards.joined(separator: ", "))") }
        for level in report.levels {
            lines.append("")
            lines += render(level.summary)
        }
        if report.levels.count > 1 {
            lines.append("")
            lines += sweepTable(report.levels.map(\.summary))
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ label: String, _ value: String) -> String {
        label.padding(toLength: 44, withPad: " ", startingAt: 0) + value
    }

    static func render(_ s: LoadSummary) -> [String] {
        var lines = ["== \(s.mode) ==" + (s.stopReason == "requests" || s.stopReason == "duration" ? "" : " (stopped: \(s.stopReason))")]
        lines.append(row("Requests completed / failed / cancelled:", "\(s.requests.completed) / \(s.requests.failed) / \(s.requests.cancelled)" + (s.requests.warmup > 0 ? " (+\(s.requests.warmup) warmup)" : "")))
        lines.append(row("Duration (s):", LoadFormat.number(s.durationSeconds)))
        lines.append(row("Request throughput (req/s):", LoadFormat.number(s.throughput.requestsPerSecond)))
        lines.append(row("Output token throughput (tok/s):", LoadFormat.number(s.throughput.outputTokensPerSecond) + " (tokens: \(s.tokenSource))"))
        if let g = s.goodput {
            lines.append(row("Goodput (req/s, % of finished):", "\(LoadFormat.number(g.requestsPerSecond)) (\(LoadFormat.number(g.percent)) %)"))
        }
        let gen = s.generator
        if let offered = gen.offeredRate {
            lines.append(row("Offered / achieved send rate (req/s):", "\(LoadFormat.number(offered)) / \(gen.achievedSendRate.map(LoadFormat.number) ?? "–")"))
        }
        if let lag = gen.scheduleLagMs {
            lines.append(row("Schedule lag p50 / p99 / max (ms):", "\(LoadFormat.ms(lag.p50)) / \(LoadFormat.ms(lag.p99)) / \(LoadFormat.ms(lag.max))"))
        }
        if let cores = gen.cpuCores {
            lines.append(row("Generator CPU (cores of \(gen.machineCores)):", LoadFormat.number(cores)))
        }
        if !s.errors.isEmpty {
            lines.append(row("Errors:", s.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
            for (key, message) in s.errorExamples.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(key): \(message.count > 160 ? String(message.prefix(160)) + "…" : message)")
            }
        }
        lines.append("")
        lines += metricTable(s)
        if let split = s.serverSplit {
            lines.append("")
            lines.append("Server (mock journal, \(split.entries) requests) vs client, p50 ms:")
            lines.append("  TTFT  server \(LoadFormat.ms(split.serverTTFTMs?.p50))  client \(LoadFormat.ms(split.clientTTFTMs?.p50))  client side \(LoadFormat.ms(split.ttftClientSideP50Ms))")
            lines.append("  ITL   server \(LoadFormat.ms(split.serverGapMs?.p50))  client \(LoadFormat.ms(split.clientITLMs?.p50))  client side \(LoadFormat.ms(split.itlClientSideP50Ms))")
        }
        for warning in s.warnings { lines.append("warning: \(warning)") }
        return lines
    }

    static func metricTable(_ s: LoadSummary) -> [String] {
        let header = ["Metric", "n", "mean", "min", "p50", "p90", "p95", "p99", "p99.9", "max"]
        var rows: [[String]] = []
        for name in LoadSummary.metricNames {
            guard let st = s.metrics[name] else {
                rows.append([LoadMetricCatalog.label(of: name), "0"] + Array(repeating: "–", count: 8))
                continue
            }
            rows.append([LoadMetricCatalog.label(of: name), String(st.count)] + [st.mean, st.min, st.p50, st.p90, st.p95, st.p99].map(LoadFormat.ms)
                + [LoadFormat.ms(st.p999), LoadFormat.ms(st.max)])
        }
        return table(header, rows)
    }

    static func sweepTable(_ summaries: [LoadSummary]) -> [String] {
        let header = ["Level", "req/s", "tok/s", "TTFT p50", "TTFT p99", "ITL p50", "E2E p50", "E2E p99", "errors"]
        let rows = summaries.map { s in
            ["\(s.mode)", LoadFormat.number(s.throughput.requestsPerSecond), LoadFormat.number(s.throughput.outputTokensPerSecond),
             LoadFormat.ms(s.metrics["ttft_ms"]?.p50), LoadFormat.ms(s.metrics["ttft_ms"]?.p99), LoadFormat.ms(s.metrics["itl_ms"]?.p50),
             LoadFormat.ms(s.metrics["e2e_ms"]?.p50), LoadFormat.ms(s.metrics["e2e_ms"]?.p99), String(s.requests.failed)]
        }
        return ["Sweep:"] + table(header, rows)
    }

    /// Columns: the first left-aligned, the rest right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }

    /// One progress line: `12.0 s  340/1000  28.3 req/s  2 errors  TTFT p50 101.2 ms`.
    public static func progressLine(_ p: LoadProgress.Snapshot) -> String {
        var text = "\(LoadFormat.number((p.elapsedSeconds * 10).rounded() / 10)) s  "
        if p.isWarmingUp { text += "warmup " }
        text += "\(p.finished)/\(p.planned.map(String.init) ?? "?")"
        text += "  \(LoadFormat.number((p.requestsPerSecond * 10).rounded() / 10)) req/s  \(p.failed) errors"
        text += "  TTFT p50 \(LoadFormat.ms(p.ttftP50Ms)) ms"
        return text
    }
}
