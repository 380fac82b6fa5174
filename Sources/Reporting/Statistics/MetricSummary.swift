// MARK: - MetricSummary

/// Statistics of one metric over a run, with its unit and formula (an entry of `summary.json` → `metrics`).
public struct MetricSummary: Sendable, Hashable, Codable {
    /// Stable metric name with unit suffix (`ttft_ms`).
    public var name: String
    /// `ms`, `tokens`, `tokens/s`.
    public var unit: String
    /// Formula in words.
    public var definition: String
    /// Nil when no request produced a sample.
    public var statistics: Statistics?

    public init(name: String, unit: String, definition: String, statistics: Statistics?) {
        self.name = name
        self.unit = unit
        self.definition = definition
        self.statistics = statistics
    }

    enum CodingKeys: String, CodingKey {
        case name, unit, definition
        case statistics = "stats"
    }

    /// Whether a bigger value is worse (latencies), used by ``BaselineComparison``.
    public var isLowerBetter: Bool { unit == "ms" }
}
