import Foundation

// MARK: - NumberText

/// Locale-independent number formatting: always `.` as decimal separator, never grouping separators
/// (JUnit `time="8,926.953"` breaks Jenkins and TestNG readers).
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

    /// A signed percentage (`+12.5%`, `-3.0%`).
    public static func signedPercent(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return (value >= 0 ? "+" : "") + fixed(value, digits: 1) + "%"
    }

    /// A signed compact number (`+12.3`).
    public static func signed(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + compact(value)
    }

    /// ISO-8601 UTC with milliseconds, `2026-11-21T21:21:07.123Z`.
    public static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The JUnit XSD timestamp form, `2026-11-21T21:21:07` (UTC, no zone designator).
    public static func junitTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Parses ISO-8601 with or without fractional seconds.
    public static func parseISO8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
