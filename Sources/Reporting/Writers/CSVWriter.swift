import HTTPWire

// MARK: - CSVWriter

/// Writes `summary.csv`: one row per metric, GenAI-Perf column order
/// (`Metric,avg,min,max,p99,p95,p90,p50,std,count,unit`), '.' decimals.
public struct CSVWriter: Sendable {
    public init() {}

    public func render(_ summary: RunSummary) -> String {
        var lines = ["Metric,avg,min,max,p99,p95,p90,p50,std,count,unit"]
        for metric in summary.metrics {
            guard let s = metric.statistics else {
                lines.append("\(Escaping.csvField(metric.name)),,,,,,,,,0,\(Escaping.csvField(metric.unit))")
                continue
            }
            let values = [s.mean, s.min, s.max, s.p99, s.p95, s.p90, s.p50, s.std].map { NumberText.fixed($0, digits: 3) }
            lines.append(([Escaping.csvField(metric.name)] + values + [String(s.count), Escaping.csvField(metric.unit)]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
