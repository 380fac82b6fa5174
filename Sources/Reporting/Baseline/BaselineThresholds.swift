// MARK: - BaselineThresholds

/// When a latency change counts as a regression. A change must exceed **both** the absolute and the
/// relative threshold. Defaults are deliberately loose: shared CI runners are noisy (a 10 % gate sat
/// below the noise floor of GitHub-hosted runners; see docs/reports.md).
public struct BaselineThresholds: Sendable, Hashable, Codable {
    /// Minimum relative increase, in percent (default 25).
    public var relativePercent: Double
    /// Minimum absolute increase, in ms (default 20).
    public var absoluteMs: Double
    /// Fewer samples than this on either side: the metric is shown but never gates (default 5).
    public var minimumSamples: Int
    /// Percentiles compared (default p50, p95, p99).
    public var percentiles: [String]

    public init(relativePercent: Double = 25, absoluteMs: Double = 20, minimumSamples: Int = 5, percentiles: [String] = ["p50", "p95", "p99"]) {
        self.relativePercent = relativePercent
        self.absoluteMs = absoluteMs
        self.minimumSamples = minimumSamples
        self.percentiles = percentiles
    }

    public static let `default` = BaselineThresholds()
}
