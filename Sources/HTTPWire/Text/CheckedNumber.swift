/// Bounded, checked conversions for numbers that come from outside (flags, fault specs, scenario
/// and fixture files, headers, bodies): every one returns nil instead of trapping when the value
/// is malformed, not finite or out of the range the caller allows.
///
/// `Int(someDouble)`, `Int64(x * 1e9)` and unchecked `+`/`*` on such numbers crash the process
/// when the value is large enough (`1e300`, `9223372036854775807`); go through these instead.
public enum CheckedNumber {
    /// `value` as an `Int` when it is finite, whole and within `range`.
    public static func integer(_ value: Double, in range: ClosedRange<Int>) -> Int? {
        guard value.isFinite, value.rounded() == value,
            value >= Double(range.lowerBound), value <= Double(range.upperBound),
            // Double(Int.max) rounds up to 2^63, which Int cannot hold.
            value < 9.223372036854775e18, value > -9.223372036854775e18
        else { return nil }
        let result = Int(value)
        return range.contains(result) ? result : nil
    }

    /// `value` rounded up to a whole number when finite and the result lies within `range`.
    public static func integerRoundingUp(_ value: Double, in range: ClosedRange<Int>) -> Int? {
        guard value.isFinite else { return nil }
        return integer(value.rounded(.up), in: range)
    }

    /// A decimal integer (optional leading `+` or `-`, ASCII digits only) within `range`.
    public static func integer(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        // Int(_:) itself returns nil on overflow; the range check bounds what remains.
        guard let magnitude = Int(digits) else { return nil }
        let value = negative ? -magnitude : magnitude
        return range.contains(value) ? value : nil
    }

    /// A finite number within `range` (decimal or exponent notation), or nil.
    public static func number(_ text: some StringProtocol, in range: ClosedRange<Double>) -> Double? {
        guard let value = Double(String(text)), value.isFinite, range.contains(value) else { return nil }
        return value
    }

    /// A duration of `seconds` when finite and within `0...maximum`.
    public static func duration(seconds: Double, maximum: Duration) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds <= maximum.secondsDouble else { return nil }
        // Within the bound the nanosecond count fits Int64 (a bound is at most ~292 years).
        guard let nanoseconds = integer((seconds * 1e9).rounded(), in: 0...Int(Int64.max)) else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }

    /// `a + b`, or nil on overflow.
    public static func sum(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : result
    }
}
