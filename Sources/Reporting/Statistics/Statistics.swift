// MARK: - Statistics

/// Summary statistics of raw samples, computed the way vLLM `bench serve` and GenAI-Perf do (formulas in docs/reports.md).
///
/// - Percentiles use linear interpolation between closest ranks (numpy's default `method="linear"`):
///   for sorted samples `x` and `q ∈ [0, 1]`, `h = (n − 1)·q`, result `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`.
/// - `std` is the population standard deviation (numpy `ddof=0`).
/// - `p99_9` is present only when `count ≥ 1000`.
/// - Non-finite samples (NaN, ±∞) are ignored.
///
/// Always compute from raw samples: shard percentiles cannot be averaged, so ``ReportMerger`` recomputes.
public struct Statistics: Sendable, Hashable, Codable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var min: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double?
    public var max: Double

    /// Below this many samples p99 is mostly the maximum; writers print a warning.
    public static let minimumSamplesForP99 = 100

    /// Statistics of `samples`, or nil when there is no finite sample. O(n log n).
    public init?(samples: [Double]) {
        let sorted = samples.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        count = sorted.count
        let sum = sorted.reduce(0, +)
        let average = sum / Double(count)
        mean = average
        let variance = sorted.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(count)
        std = variance.squareRoot()
        min = first
        max = last
        p50 = Self.percentile(sorted: sorted, 50)
        p90 = Self.percentile(sorted: sorted, 90)
        p95 = Self.percentile(sorted: sorted, 95)
        p99 = Self.percentile(sorted: sorted, 99)
        p999 = count >= 1000 ? Self.percentile(sorted: sorted, 99.9) : nil
    }

    /// The `percent`-th percentile (0…100) of ascending `sorted` samples with numpy's linear interpolation.
    ///
    /// - Precondition: `sorted` is non-empty and ascending.
    public static func percentile(sorted: [Double], _ percent: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? .nan }
        let clamped = Swift.min(100, Swift.max(0, percent))
        let h = Double(sorted.count - 1) * clamped / 100
        let lower = Int(h.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = h - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// Whether p99 rests on too few samples to mean much (`count < 100`).
    public var isP99Unreliable: Bool { count < Self.minimumSamplesForP99 }

    enum CodingKeys: String, CodingKey {
        case count, mean, std, min, p50, p90, p95, p99
        case p999 = "p99_9"
        case max
    }
}
