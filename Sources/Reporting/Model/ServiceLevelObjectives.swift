// MARK: - ServiceLevelObjectives

/// Per-request latency objectives for goodput: a request is "good" when it completed and meets every set limit.
public struct ServiceLevelObjectives: Sendable, Hashable, Codable {
    /// Maximum TTFT in ms (nil: not checked).
    public var ttftMs: Double?
    /// Maximum TPOT in ms (nil: not checked).
    public var tpotMs: Double?
    /// Maximum E2EL in ms (nil: not checked).
    public var e2elMs: Double?

    public init(ttftMs: Double? = nil, tpotMs: Double? = nil, e2elMs: Double? = nil) {
        self.ttftMs = ttftMs
        self.tpotMs = tpotMs
        self.e2elMs = e2elMs
    }

    enum CodingKeys: String, CodingKey {
        case ttftMs = "ttft_ms"
        case tpotMs = "tpot_ms"
        case e2elMs = "e2el_ms"
    }
}
