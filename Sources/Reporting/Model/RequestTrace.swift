import Foundation

// MARK: - RequestTrace

/// The per-request trace written to `requests.jsonl` (AIPerf-like; docs/reports.md defines each field).
///
/// Every `t_*` timestamp is in nanoseconds on a monotonic clock, relative to the start of the scenario.
/// The `*_ms` metrics may be left nil by the runner: the `effective…` accessors derive them from the
/// timestamps with the R1 formulas (TTFT = t_first_token − t_send, TTFC = t_first_chunk − t_send,
/// E2EL = t_last_token − t_send, TPOT = (E2EL − TTFT) / (output_tokens − 1) when output_tokens ≥ 2).
public struct RequestTrace: Sendable, Hashable, Codable {
    /// Where `output_tokens` came from, best first.
    public enum TokenSource: String, Sendable, Hashable, Codable, CaseIterable {
        /// Usage reported by the server (OpenAI usage, Ollama eval_count, LM Studio stats, llama.cpp predicted_n).
        case serverUsage = "server_usage"
        /// Counted with a tokenizer on the client.
        case tokenizerEstimate = "tokenizer_estimate"
        /// Number of content chunks (approximate: a chunk may carry several tokens).
        case chunks
    }

    public var scenarioID: String
    /// Unique within the scenario (`r1`, `r2`…).
    public var requestID: String
    /// Number of the final attempt (1 when there was no retry).
    public var attempt: Int
    public var provider: String
    public var model: String?
    /// Endpoint path, no host (`/v1/chat/completions`).
    public var endpoint: String
    /// HTTP status of the final attempt; nil when no response head arrived.
    public var status: Int?
    /// Warmup requests are kept in the trace but excluded from statistics.
    public var isWarmup: Bool

    public var tSendNs: Int64
    public var tHeadersNs: Int64?
    public var tFirstChunkNs: Int64?
    public var tFirstTokenNs: Int64?
    /// First non-reasoning output (TTFO); nil when the same as first token or unknown.
    public var tFirstOutputNs: Int64?
    public var tLastTokenNs: Int64?
    public var tEndNs: Int64?

    /// Gaps between consecutive content chunks in ms (ICL samples; pooled across requests).
    public var chunkGapsMs: [Double]
    public var ttftMs: Double?
    public var ttfcMs: Double?
    public var e2elMs: Double?
    public var tpotMs: Double?
    public var outputTokens: Int?
    public var tokenSource: TokenSource?
    public var chunksCount: Int
    /// Provider-native timings, verbatim and never mixed into client metrics (`eval_duration` ns, `predicted_per_second` …).
    public var providerTimings: [String: Double]
    public var error: TraceError?
    /// Every attempt including retries, in order.
    public var attempts: [AttemptTrace]

    public init(
        scenarioID: String,
        requestID: String,
        attempt: Int = 1,
        provider: String,
        model: String? = nil,
        endpoint: String,
        status: Int? = nil,
        isWarmup: Bool = false,
        tSendNs: Int64 = 0,
        tHeadersNs: Int64? = nil,
        tFirstChunkNs: Int64? = nil,
        tFirstTokenNs: Int64? = nil,
        tFirstOutputNs: Int64? = nil,
        tLastTokenNs: Int64? = nil,
        tEndNs: Int64? = nil,
        chunkGapsMs: [Double] = [],
        ttftMs: Double? = nil,
        ttfcMs: Double? = nil,
        e2elMs: Double? = nil,
        tpotMs: Double? = nil,
        outputTokens: Int? = nil,
        tokenSource: TokenSource? = nil,
        chunksCount: Int = 0,
        providerTimings: [String: Double] = [:],
        error: TraceError? = nil,
        attempts: [AttemptTrace] = []
    ) {
        self.scenarioID = scenarioID
        self.requestID = requestID
        self.attempt = attempt
        self.provider = provider
        self.model = model
        self.endpoint = endpoint
        self.status = status
        self.isWarmup = isWarmup
        self.tSendNs = tSendNs
        self.tHeadersNs = tHeadersNs
        self.tFirstChunkNs = tFirstChunkNs
        self.tFirstTokenNs = tFirstTokenNs
        self.tFirstOutputNs = tFirstOutputNs
        self.tLastTokenNs = tLastTokenNs
        self.tEndNs = tEndNs
        self.chunkGapsMs = chunkGapsMs
        self.ttftMs = ttftMs
        self.ttfcMs = ttfcMs
        self.e2elMs = e2elMs
        self.tpotMs = tpotMs
        self.outputTokens = outputTokens
        self.tokenSource = tokenSource
        self.chunksCount = chunksCount
        self.providerTimings = providerTimings
        self.error = error
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case scenarioID = "scenario_id"
        case requestID = "request_id"
        case attempt, provider, model, endpoint, status
        case isWarmup = "warmup"
        case tSendNs = "t_send_ns"
        case tHeadersNs = "t_headers_ns"
        case tFirstChunkNs = "t_first_chunk_ns"
        case tFirstTokenNs = "t_first_token_ns"
        case tFirstOutputNs = "t_first_output_ns"
        case tLastTokenNs = "t_last_token_ns"
        case tEndNs = "t_end_ns"
        case chunkGapsMs = "chunk_gaps_ms"
        case ttftMs = "ttft_ms"
        case ttfcMs = "ttfc_ms"
        case e2elMs = "e2el_ms"
        case tpotMs = "tpot_ms"
        case outputTokens = "output_tokens"
        case tokenSource = "token_source"
        case chunksCount = "chunks_count"
        case providerTimings = "provider_timings"
        case error, attempts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scenarioID = try c.decode(String.self, forKey: .scenarioID)
        requestID = try c.decode(String.self, forKey: .requestID)
        attempt = try c.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        provider = try c.decode(String.self, forKey: .provider)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint) ?? ""
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        isWarmup = try c.decodeIfPresent(Bool.self, forKey: .isWarmup) ?? false
        tSendNs = try c.decodeIfPresent(Int64.self, forKey: .tSendNs) ?? 0
        tHeadersNs = try c.decodeIfPresent(Int64.self, forKey: .tHeadersNs)
        tFirstChunkNs = try c.decodeIfPresent(Int64.self, forKey: .tFirstChunkNs)
        tFirstTokenNs = try c.decodeIfPresent(Int64.self, forKey: .tFirstTokenNs)
        tFirstOutputNs = try c.decodeIfPresent(Int64.self, forKey: .tFirstOutputNs)
        tLastTokenNs = try c.decodeIfPresent(Int64.self, forKey: .tLastTokenNs)
        tEndNs = try c.decodeIfPresent(Int64.self, forKey: .tEndNs)
        chunkGapsMs = try c.decodeIfPresent([Double].self, forKey: .chunkGapsMs) ?? []
        ttftMs = try c.decodeIfPresent(Double.self, forKey: .ttftMs)
        ttfcMs = try c.decodeIfPresent(Double.self, forKey: .ttfcMs)
        e2elMs = try c.decodeIfPresent(Double.self, forKey: .e2elMs)
        tpotMs = try c.decodeIfPresent(Double.self, forKey: .tpotMs)
        outputTokens = try c.decodeIfPresent(Int.self, forKey: .outputTokens)
        tokenSource = try c.decodeIfPresent(TokenSource.self, forKey: .tokenSource)
        chunksCount = try c.decodeIfPresent(Int.self, forKey: .chunksCount) ?? 0
        providerTimings = try c.decodeIfPresent([String: Double].self, forKey: .providerTimings) ?? [:]
        error = try c.decodeIfPresent(TraceError.self, forKey: .error)
        attempts = try c.decodeIfPresent([AttemptTrace].self, forKey: .attempts) ?? []
    }

    // MARK: - Derived metrics

    private func milliseconds(from start: Int64, to end: Int64?) -> Double? {
        guard let end, end >= start else { return nil }
        return Double(end - start) / 1_000_000
    }

    /// TTFT in ms: ``ttftMs`` or t_first_token − t_send.
    public var effectiveTTFTMs: Double? { ttftMs ?? milliseconds(from: tSendNs, to: tFirstTokenNs) }
    /// TTFC in ms: ``ttfcMs`` or t_first_chunk − t_send.
    public var effectiveTTFCMs: Double? { ttfcMs ?? milliseconds(from: tSendNs, to: tFirstChunkNs) }
    /// E2EL in ms: ``e2elMs`` or t_last_token − t_send.
    public var effectiveE2ELMs: Double? { e2elMs ?? milliseconds(from: tSendNs, to: tLastTokenNs) }
    /// Request latency to stream end in ms: t_end − t_send.
    public var requestLatencyMs: Double? { milliseconds(from: tSendNs, to: tEndNs) }
    /// TPOT in ms: ``tpotMs`` or (E2EL − TTFT) / (output_tokens − 1), only when output_tokens ≥ 2.
    public var effectiveTPOTMs: Double? {
        if let tpotMs { return tpotMs }
        guard let e2el = effectiveE2ELMs, let ttft = effectiveTTFTMs, let tokens = outputTokens, tokens >= 2 else { return nil }
        return max(0, e2el - ttft) / Double(tokens - 1)
    }
    /// Decode rate per request in tokens/s: 1000 / TPOT; nil above ``maximumPlausibleDecodeRate``.
    public var decodeTokensPerSecond: Double? {
        guard let tpot = effectiveTPOTMs, tpot > 0 else { return nil }
        let rate = 1000 / tpot
        return rate <= Self.maximumPlausibleDecodeRate ? rate : nil
    }
    /// Fastest decode rate reported (5 000 tokens/s). No model decodes one stream that fast; a higher figure
    /// only says the tokens came from an unpaced mock in one burst, so it is left out rather than shown.
    public static let maximumPlausibleDecodeRate: Double = 5_000
    /// Whether the request completed: a 2xx status and no error.
    public var isCompleted: Bool { error == nil && (status.map { (200..<300).contains($0) } ?? false) }
}
