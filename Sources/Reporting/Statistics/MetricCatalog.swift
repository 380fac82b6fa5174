// MARK: - MetricCatalog

/// The metrics llmcheck reports, their formulas (docs/reports.md) and how to extract samples from traces.
public enum MetricCatalog {
    /// One metric definition.
    public struct Definition: Sendable {
        public var name: String
        public var label: String
        public var unit: String
        public var definition: String
        public var samples: @Sendable (RequestTrace) -> [Double]
    }

    /// All metrics, in report order. Warmup requests are excluded by ``summaries(for:)``.
    public static let definitions: [Definition] = [
        Definition(name: "ttft_ms", label: "Time to first token (ms)", unit: "ms",
                   definition: "t_first_token - t_send; first event with non-empty content or tool-call delta",
                   samples: { $0.effectiveTTFTMs.map { [$0] } ?? [] }),
        Definition(name: "ttfc_ms", label: "Time to first chunk (ms)", unit: "ms",
                   definition: "t_first_chunk - t_send; first parsed data event with any choice/delta",
                   samples: { $0.effectiveTTFCMs.map { [$0] } ?? [] }),
        Definition(name: "e2el_ms", label: "End-to-end latency (ms)", unit: "ms",
                   definition: "t_last_token - t_send; trailing usage-only chunk excluded",
                   samples: { $0.effectiveE2ELMs.map { [$0] } ?? [] }),
        Definition(name: "tpot_ms", label: "Time per output token (ms)", unit: "ms",
                   definition: "(e2el - ttft) / (output_tokens - 1), only when output_tokens >= 2",
                   samples: { $0.effectiveTPOTMs.map { [$0] } ?? [] }),
        Definition(name: "icl_ms", label: "Inter-chunk latency (ms)", unit: "ms",
                   definition: "gaps between consecutive content chunks, pooled over all requests",
                   samples: { $0.chunkGapsMs }),
        Definition(name: "request_latency_ms", label: "Request latency to stream end (ms)", unit: "ms",
                   definition: "t_end - t_send (stream closed, [DONE] or done:true)",
                   samples: { $0.requestLatencyMs.map { [$0] } ?? [] }),
        Definition(name: "output_tokens", label: "Output tokens", unit: "tokens",
                   definition: "per request; see token_source (server_usage > tokenizer_estimate > chunks)",
                   samples: { $0.outputTokens.map { [Double($0)] } ?? [] }),
        Definition(name: "decode_tps", label: "Decode rate (tokens/s)", unit: "tokens/s",
                   definition: "1000 / tpot_ms per request; rates above 5 000 tokens/s (an unpaced mock) are left out",
                   samples: { $0.decodeTokensPerSecond.map { [$0] } ?? [] }),
    ]

    /// Statistics of every metric over the non-warmup requests of `requests`.
    public static func summaries(for requests: [RequestTrace]) -> [MetricSummary] {
        let measured = requests.filter { !$0.isWarmup }
        return definitions.map { definition in
            MetricSummary(
                name: definition.name,
                unit: definition.unit,
                definition: definition.definition,
                statistics: Statistics(samples: measured.flatMap(definition.samples))
            )
        }
    }

    /// Display label of a metric name (the name itself if unknown).
    public static func label(for name: String) -> String {
        definitions.first { $0.name == name }?.label ?? name
    }
}
