import Foundation
import HTTPWire

/// Wall-clock timestamps in the formats providers put on the wire.
enum WallClock {
    /// Seconds since the Unix epoch, with nanosecond fraction.
    static func nowUnixNanoseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000_000_000)
    }

    /// Unix seconds (OpenAI `created`).
    static func nowUnixSeconds() -> Int64 { nowUnixNanoseconds() / 1_000_000_000 }

    /// RFC 3339 UTC with up to nine fractional digits, trailing zeros trimmed, as Go prints
    /// `time.Time` (Ollama `created_at`): `2025-10-26T17:15:24.097767Z`.
    static func rfc3339(unixNanoseconds ns: Int64, offsetSeconds: Int = 0) -> String {
        let local = ns + Int64(offsetSeconds) * 1_000_000_000
        let seconds = local >= 0 ? local / 1_000_000_000 : (local - 999_999_999) / 1_000_000_000
        let fraction = Int(local - seconds * 1_000_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction > 0 {
            var digits = pad(fraction, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            out += "." + digits
        }
        if offsetSeconds == 0 {
            out += "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let a = abs(offsetSeconds)
            out += "\(sign)\(pad(a / 3600, 2)):\(pad(a / 60 % 60, 2))"
        }
        return out
    }

    /// Now as RFC 3339 UTC.
    static func nowRFC3339() -> String { rfc3339(unixNanoseconds: nowUnixNanoseconds()) }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Howard Hinnant's `civil_from_days`.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}
