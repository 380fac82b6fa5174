import HTTPWire

/// Timings and counts the provider reports about itself, in the provider's own units converted to
/// nanoseconds/seconds explicitly. Kept beside ``RequestTiming``, never mixed into it.
public struct ProviderTimings: Sendable, Hashable {
    /// Ollama's final-line metrics (all optional: Ollama omits zero values). Durations in ns.
    public struct Ollama: Sendable, Hashable {
        public var totalDuration: Int64?
        public var loadDuration: Int64?
        public var promptEvalCount: Int?
        public var promptEvalDuration: Int64?
        public var evalCount: Int?
        public var evalDuration: Int64?

        /// `eval_count / eval_duration · 1e9`.
        public var evalRate: Double? {
            guard let evalCount, let evalDuration, evalDuration > 0 else { return nil }
            return Double(evalCount) / Double(evalDuration) * 1e9
        }

        /// `load + prompt_eval` (docs/metrics.md `server_ttft_est`), in ns.
        public var serverTTFTEstimate: Int64? {
            guard loadDuration != nil || promptEvalDuration != nil else { return nil }
            return (loadDuration ?? 0) + (promptEvalDuration ?? 0)
        }
    }

    /// LM Studio `stats` (REST v0 / v1): seconds as floats.
    public struct LMStudio: Sendable, Hashable {
        public var tokensPerSecond: Double?
        public var timeToFirstTokenSeconds: Double?
        public var generationTimeSeconds: Double?
        public var stopReason: String?
        public var inputTokens: Int?
        public var outputTokens: Int?
    }

    /// llama.cpp `timings`: milliseconds as floats.
    public struct LlamaCpp: Sendable, Hashable {
        public var promptTokens: Int?
        public var promptMilliseconds: Double?
        public var predictedTokens: Int?
        public var predictedMilliseconds: Double?
        public var predictedPerSecond: Double?
        public var promptPerSecond: Double?
        public var cachedTokens: Int?
    }

    public var ollama: Ollama?
    public var lmStudio: LMStudio?
    public var llamaCpp: LlamaCpp?

    public init(ollama: Ollama? = nil, lmStudio: LMStudio? = nil, llamaCpp: LlamaCpp? = nil) {
        self.ollama = ollama
        self.lmStudio = lmStudio
        self.llamaCpp = llamaCpp
    }

    public var isEmpty: Bool { ollama == nil && lmStudio == nil && llamaCpp == nil }

    /// Reads whichever provider fields `json` carries (Ollama top-level metrics, `stats`, `timings`).
    mutating func absorb(_ json: JSONValue) {
        func int64(_ key: String) -> Int64? { json[key]?.intValue.map(Int64.init) }
        if json["total_duration"] != nil || json["eval_count"] != nil || json["eval_duration"] != nil || json["load_duration"] != nil {
            ollama = Ollama(
                totalDuration: int64("total_duration"), loadDuration: int64("load_duration"),
                promptEvalCount: json["prompt_eval_count"]?.intValue, promptEvalDuration: int64("prompt_eval_duration"),
                evalCount: json["eval_count"]?.intValue, evalDuration: int64("eval_duration"))
        }
        if let stats = json["stats"], case .object(let pairs) = stats, !pairs.isEmpty {
            lmStudio = LMStudio(
                tokensPerSecond: stats["tokens_per_second"]?.doubleValue,
                timeToFirstTokenSeconds: stats["time_to_first_token"]?.doubleValue ?? stats["time_to_first_token_seconds"]?.doubleValue,
                generationTimeSeconds: stats["generation_time"]?.doubleValue, stopReason: stats["stop_reason"]?.stringValue,
                inputTokens: stats["input_tokens"]?.intValue, outputTokens: stats["total_output_tokens"]?.intValue)
        }
        if let timings = json["timings"], case .object = timings {
            llamaCpp = LlamaCpp(
                promptTokens: timings["prompt_n"]?.intValue, promptMilliseconds: timings["prompt_ms"]?.doubleValue,
                predictedTokens: timings["predicted_n"]?.intValue, predictedMilliseconds: timings["predicted_ms"]?.doubleValue,
                predictedPerSecond: timings["predicted_per_second"]?.doubleValue,
                promptPerSecond: timings["prompt_per_second"]?.doubleValue, cachedTokens: timings["cache_n"]?.intValue)
        }
    }

    /// The server's own output-token count, if it reported one.
    public var outputTokens: Int? {
        ollama?.evalCount ?? lmStudio?.outputTokens ?? llamaCpp?.predictedTokens
    }
}
