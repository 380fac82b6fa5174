import ProviderClient

extension ProviderTimings {
    /// The provider's own figures under its own field names, for a trace's `provider_timings`: llama.cpp
    /// `timings` (ms and tokens/s as sent), Ollama's final-line metrics (ns as sent), LM Studio `stats`
    /// (seconds as sent). Kept verbatim so a load run can be checked against what the server measured.
    var traceFields: [String: Double] {
        var fields: [String: Double] = [:]
        func put(_ key: String, _ value: Double?) { if let value, value.isFinite { fields[key] = value } }
        if let l = llamaCpp {
            put("prompt_n", l.promptTokens.map(Double.init))
            put("prompt_ms", l.promptMilliseconds)
            put("prompt_per_second", l.promptPerSecond)
            put("predicted_n", l.predictedTokens.map(Double.init))
            put("predicted_ms", l.predictedMilliseconds)
            put("predicted_per_second", l.predictedPerSecond)
            put("cache_n", l.cachedTokens.map(Double.init))
        }
        if let o = ollama {
            put("total_duration", o.totalDuration.map(Double.init))
            put("load_duration", o.loadDuration.map(Double.init))
            put("prompt_eval_count", o.promptEvalCount.map(Double.init))
            put("prompt_eval_duration", o.promptEvalDuration.map(Double.init))
            put("eval_count", o.evalCount.map(Double.init))
            put("eval_duration", o.evalDuration.map(Double.init))
        }
        if let s = lmStudio {
            put("tokens_per_second", s.tokensPerSecond)
            put("time_to_first_token", s.timeToFirstTokenSeconds)
            put("generation_time", s.generationTimeSeconds)
            put("input_tokens", s.inputTokens.map(Double.init))
            put("total_output_tokens", s.outputTokens.map(Double.init))
        }
        return fields
    }
}
