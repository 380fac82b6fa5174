/// Monotonic nanosecond timestamps shared by every timing measurement in llmcheck.
public enum MonotonicClock {
    /// Nanoseconds on a monotonic clock with an arbitrary origin (`CLOCK_MONOTONIC`).
    public static func now() -> UInt64 {
        Syscalls.monotonicNanoseconds()
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating; truncated toward zero).
    ///
    /// Runs wherever a deadline is set or a time is printed, so it reads the attoseconds directly
    /// where the standard library offers them: `components` divides a 128-bit count by 10¹⁸ and
    /// cost four times as much.
    public var nanoseconds: Int64 {
        #if compiler(>=6.2)  // `Duration.attoseconds` arrived with Swift 6.2
        if #available(macOS 26, iOS 26, tvOS 26, watchOS 26, visionOS 26, *) {
            return Int64(clamping: attoseconds / 1_000_000_000)
        }
        #endif
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }

    /// The duration in seconds as a Double.
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds as a Double: whole nanoseconds divided by 10⁶, the one
    /// conversion every report, journal and JSON output uses (so figures print as they always have).
    public var milliseconds: Double { Double(nanoseconds) / 1e6 }
}
