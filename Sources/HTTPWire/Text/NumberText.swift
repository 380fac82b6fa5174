// MARK: - NumberText

/// The one number formatter: locale-independent, always `.` as decimal separator, never grouping
/// separators (JUnit `time="8,926.953"` breaks Jenkins and TestNG readers), plus counted nouns
/// ("1 scenario", "2 errors") and durations for people (`8.66 s`, `250 ms`).
public enum NumberText {
    /// `value` with exactly `digits` decimals (`1.5, 3` → `1.500`); `-` for non-finite values.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        let digits = max(0, min(9, digits))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e15 else { return String(describing: value) }  // beyond exact integers: plain description
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        let fraction = integer % UInt64(scale)
        let sign = value < 0 && integer != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let fractionText = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }

    /// Seconds for JUnit `time` attributes: three decimals.
    public static func seconds(_ value: Double) -> String { fixed(max(0, value), digits: 3) }

    /// A human figure: 2 decimals below 100, 1 below 10 000, none above.
    public static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude < 100 { return fixed(value, digits: 2) }
        if magnitude < 10_000 { return fixed(value, digits: 1) }
        return fixed(value, digits: 0)
    }

    /// ``compact(_:)`` without trailing zeros: `20`, `1.5`, `0.25`.
    public static func short(_ value: Double) -> String {
        var text = compact(value)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A signed percentage (`+12.5%`, `-3.0%`).
    public static func signedPercent(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return (value >= 0 ? "+" : "") + fixed(value, digits: 1) + "%"
    }

    /// A signed compact number (`+12.3`).
    public static func signed(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + compact(value)
    }

    /// `count` and the noun, singular for exactly one: `count(1, "scenario")` → `1 scenario`,
    /// `count(3, "match", plural: "matches")` → `3 matches`.
    public static func count(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// A duration for people: `850 µs`, `12.3 ms`, `250 ms`, `8.66 s`, `2 min 5 s`.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let magnitude = abs(seconds)
        if magnitude < 0.001 { return fixed(seconds * 1e6, digits: 0) + " µs" }
        if magnitude < 0.1 { return fixed(seconds * 1000, digits: 1) + " ms" }
        if magnitude < 1 { return fixed(seconds * 1000, digits: 0) + " ms" }
        if magnitude < 120 { return fixed(seconds, digits: 2) + " s" }
        let whole = Int(magnitude.rounded())
        return (seconds < 0 ? "-" : "") + "\(whole / 60) min \(whole % 60) s"
    }
}
