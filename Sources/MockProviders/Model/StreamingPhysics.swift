import HTTPWire

/// How fast a mock "generates": the delay before the first token and between tokens.
///
/// All delays are taken on the connection's own thread, so they never slow other connections.
/// Jitter is drawn from a ``SeededRandom`` seeded by the mock's seed and the request, so two runs
/// with the same seed produce the same gaps.
public struct StreamingPhysics: Sendable, Hashable {
    /// Delay between the response head and the first content chunk. Default 0 (none).
    public var timeToFirstToken: Duration
    /// Tokens per second after the first token; 0 means no delay between chunks. Default 0.
    public var tokensPerSecond: Double
    /// Relative jitter of every delay, 0...1: a gap becomes `gap × (1 ± jitter·u)`. Default 0.
    public var jitter: Double

    public init(timeToFirstToken: Duration = .zero, tokensPerSecond: Double = 0, jitter: Double = 0) {
        self.timeToFirstToken = timeToFirstToken
        self.tokensPerSecond = tokensPerSecond
        self.jitter = jitter
    }

    /// No delays at all (the default).
    public static let instant = StreamingPhysics()

    /// The nominal gap between two tokens.
    public var interTokenGap: Duration {
        guard tokensPerSecond > 0 else { return .zero }
        // Checked: a tiny rate would otherwise overflow the nanosecond count.
        return CheckedNumber.duration(seconds: 1 / tokensPerSecond, maximum: DurationText.defaultMaximum) ?? DurationText.defaultMaximum
    }

    /// `base` with jitter applied from `rng`.
    public func jittered(_ base: Duration, using rng: inout SeededRandom) -> Duration {
        guard jitter > 0, base > .zero else { return base }
        let u = rng.nextUnit() * 2 - 1
        let factor = max(0, 1 + jitter * u)
        return .nanoseconds(Int64(CheckedNumber.integer((Double(base.nanoseconds) * factor).rounded(), in: 0...Int(Int64.max)) ?? Int(Int64.max)))
    }
}
