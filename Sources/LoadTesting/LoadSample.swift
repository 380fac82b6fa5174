import Reporting

/// One request of a load run: Reporting's per-request trace plus what only a load generator knows.
///
/// The trace's `t_*` instants are nanoseconds since the start of the level; its `error.code` is the
/// ``LoadErrorClass``. `load.json` keeps every sample so shards can be merged and percentiles recomputed.
public struct LoadSample: Sendable, Hashable, Codable {
    public var trace: RequestTrace
    /// Open loop: when the request was due, ns since the start of the level (nil in the closed loop).
    public var scheduledNs: Int64?
    /// Open loop: how late it was sent (t_send − scheduled), ms.
    public var scheduleLagMs: Double?
    /// The shard that sent it (1-based), when sharded.
    public var shard: Int?

    public init(trace: RequestTrace, scheduledNs: Int64? = nil, scheduleLagMs: Double? = nil, shard: Int? = nil) {
        self.trace = trace
        self.scheduledNs = scheduledNs
        self.scheduleLagMs = scheduleLagMs
        self.shard = shard
    }

    enum CodingKeys: String, CodingKey {
        case trace
        case scheduledNs = "scheduled_ns"
        case scheduleLagMs = "schedule_lag_ms"
        case shard
    }

    /// The error class, or nil for a completed request.
    public var errorClass: String? { trace.error?.code }
    /// Whether the request completed (2xx, whole stream, no error).
    public var isCompleted: Bool { trace.isCompleted }
    /// Whether it finished as a failure (cancelled requests are neither completed nor failed).
    public var isFailed: Bool { !isCompleted && (errorClass.map(LoadErrorClass.isFailure) ?? true) }
    /// Time to first byte: t_headers − t_send (response head), ms.
    public var ttfbMs: Double? {
        guard let headers = trace.tHeadersNs, headers >= trace.tSendNs else { return nil }
        return Double(headers - trace.tSendNs) / 1e6
    }
    /// Output tokens per second of this request: output_tokens / E2E.
    public var outputTokensPerSecond: Double? {
        guard let tokens = trace.outputTokens, let e2e = trace.effectiveE2ELMs, e2e > 0 else { return nil }
        return Double(tokens) / (e2e / 1000)
    }
}
