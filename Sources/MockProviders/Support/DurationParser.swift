import HTTPWire

/// Parses the short duration texts used in fault specs and fixtures.
public enum DurationParser {
    /// A duration from `2`, `0.5`, `250ms`, `1.5s`, `2m`, `100us`; bare numbers are seconds.
    /// Returns nil when malformed, negative or not finite.
    public static func parse(_ text: String) -> Duration? {
        let t = text.trimmingSpaces().lowercased()
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)) { seconds = v * scale }
            break
        }
        if seconds == nil, let v = Double(t) { seconds = v }
        guard let s = seconds, s.isFinite, s >= 0, s < 1e9 else { return nil }
        return .nanoseconds(Int64(s * 1e9))
    }

    /// A compact human spelling of `duration` (`250ms`, `1.5s`).
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms < 1000 { return ms.rounded() == ms ? "\(Int(ms))ms" : "\(ms)ms" }
        let s = duration.secondsDouble
        return s.rounded() == s ? "\(Int(s))s" : "\(s)s"
    }
}
