import Foundation
import HTTPWire

// MARK: - NumberText dates

/// Dates in the reports' fixed forms (the numbers themselves are formatted by ``NumberText`` in HTTPWire).
extension NumberText {
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
