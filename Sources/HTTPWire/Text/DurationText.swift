/// The short duration texts used on the command line, in fault specs, fixtures and scenario files:
/// `2`, `0.5`, `250ms`, `1.5s`, `2m`, `1h`, `100us`, `10ns` (a bare number is seconds).
///
/// Every duration that comes from outside is bounded: ``parse(_:maximum:)`` refuses values above
/// its `maximum` (default ``defaultMaximum``) instead of overflowing.
public enum DurationText {
    /// The largest duration accepted when the caller names no other bound: 10⁹ s (~31 years).
    public static let defaultMaximum: Duration = .seconds(1_000_000_000)

    /// The duration, or nil when malformed, negative, not finite or longer than `maximum`.
    public static func parse(_ text: String, maximum: Duration = defaultMaximum) -> Duration? {
        parseSeconds(text, maximum: maximum).flatMap { CheckedNumber.duration(seconds: $0, maximum: maximum) }
    }

    /// The duration in seconds, with the same rules as ``parse(_:maximum:)``.
    public static func parseSeconds(_ text: String, maximum: Duration = defaultMaximum) -> Double? {
        let t = text.trimmingSpaces().lowercased()
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        if let (suffix, scale) = units.first(where: { t.hasSuffix($0.0) }) {
            seconds = Double(t.dropLast(suffix.count)).map { $0 * scale }
        } else {
            seconds = Double(t)
        }
        guard let s = seconds, s.isFinite, s >= 0, s < 1e9, s <= maximum.secondsDouble else { return nil }
        return s
    }

    /// A duration given in seconds as a JSON number, with the same bounds as ``parse(_:maximum:)``.
    public static func duration(seconds: Double, maximum: Duration = defaultMaximum) -> Duration? {
        guard seconds < 1e9 else { return nil }
        return CheckedNumber.duration(seconds: seconds, maximum: maximum)
    }

    /// A compact spelling of `duration` (`250ms`, `1.5s`), readable back by ``parse(_:maximum:)``.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms < 1000 { return ms.rounded() == ms && ms > -9e15 ? "\(Int64(ms))ms" : "\(ms)ms" }
        let s = duration.secondsDouble
        return s.rounded() == s && abs(s) < 9e18 ? "\(Int64(s))s" : "\(s)s"
    }
}
