import HTTPWire
import Reporting

/// `requests.csv`: one row per request with its timings (ms, relative to the level start) and error class.
public enum LoadCSVWriter {
    public static let header = [
        "level", "request_id", "shard", "status", "error_class", "error_message", "t_send_ms", "scheduled_ms", "schedule_lag_ms",
        "ttfb_ms", "ttft_ms", "e2e_ms", "total_ms", "tpot_ms", "itl_mean_ms", "itl_max_ms", "output_tokens", "token_source", "chunks",
    ]

    public static func render(_ report: LoadReport) -> String {
        var out = header.joined(separator: ",") + "\n"
        for (levelIndex, level) in report.levels.enumerated() {
            for sample in level.samples ?? [] {
                let t = sample.trace
                let gaps = t.chunkGapsMs
                let fields: [String] = [
                    String(levelIndex + 1), t.requestID, sample.shard.map(String.init) ?? "", t.status.map(String.init) ?? "",
                    sample.errorClass ?? "", t.error?.message ?? "", ms(Double(t.tSendNs) / 1e6),
                    sample.scheduledNs.map { ms(Double($0) / 1e6) } ?? "", sample.scheduleLagMs.map(ms) ?? "",
                    sample.ttfbMs.map(ms) ?? "", t.effectiveTTFTMs.map(ms) ?? "", t.effectiveE2ELMs.map(ms) ?? "",
                    t.requestLatencyMs.map(ms) ?? "", t.effectiveTPOTMs.map(ms) ?? "",
                    gaps.isEmpty ? "" : ms(gaps.reduce(0, +) / Double(gaps.count)), gaps.max().map(ms) ?? "",
                    t.outputTokens.map(String.init) ?? "", t.tokenSource?.rawValue ?? "", String(t.chunksCount),
                ]
                out += fields.map(Escaping.csvField).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    private static func ms(_ value: Double) -> String { NumberText.fixed(value, digits: 3) }
}
