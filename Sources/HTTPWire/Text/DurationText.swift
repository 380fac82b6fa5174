/// The short duration texts used on the command line, in fault specs, fixtures and scenario files:
/// `2`, `0.5`, `250ms`, `1.5s`, `2m`, `1h`, `100us`, `10ns` (a bare number is seconds).
public enum DurationText {
    /// The duration, or nil when malformed, negative, not finite or absurdly long (≥ 10⁹ s).
    public static func parse(_ text: String) -> Duration? {
        parseSeconds(text).map { .nanoseconds(Int64($0 * 1e9)) }
    }

    /// The duration in seconds, with the same rules as ``parse(_:)``.
    public static func parseSeconds(_ text: String) -> Double? {
        let t = text.trimmingSpaces().lowercased()
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        if let (suffix, scale) = units.first(where: { t.hasSuffix($0.0) }) {
            seconds = Double(t.dropLast(suffix.count)).map { $0 * scale }
        } else {
            seconds = Double(t)
        }
        guard let s = seconds, s.isFinite, s >= 0, s < 1e9 else { return nil }
        return s
    }

    /// A compact spelling of `duration` (`250ms`, `1.5s`), readable back by ``parse(_:)``.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms < 1000 { return ms.rounded() == ms ? "\(Int(ms))ms" : "\(ms)ms" }
        let s = duration.secondsDouble
        return s.rounded() == s ? "\(Int(s))s" : "\(s)s"
    }
}
