/// A point on the monotonic clock (``MonotonicClock``), with `Duration` arithmetic, so deadlines
/// and elapsed times are typed instead of raw nanosecond counts.
///
/// ```swift
/// let deadline = MonotonicInstant.now() + .seconds(5)
/// if MonotonicInstant.now() >= deadline { … }
/// let waited = start.duration(to: .now())
/// ```
///
/// Arithmetic saturates: adding a huge or negative duration clamps to the clock's range instead
/// of trapping. ``nanoseconds`` is for the edges only: the syscalls (`poll`, `clock_nanosleep`) and the
/// journal and report encoders that print nanosecond numbers.
public struct MonotonicInstant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since the clock's arbitrary origin, the unit ``MonotonicClock/now()`` returns.
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current instant.
    public static func now() -> MonotonicInstant { MonotonicInstant(nanoseconds: MonotonicClock.now()) }

    /// The instant `duration` later (earlier when negative), saturating at the clock's range.
    public func advanced(by duration: Duration) -> MonotonicInstant {
        let delta = duration.nanoseconds
        if delta >= 0 {
            let (sum, overflow) = nanoseconds.addingReportingOverflow(UInt64(delta))
            return MonotonicInstant(nanoseconds: overflow ? .max : sum)
        }
        let magnitude = delta == .min ? UInt64(Int64.max) + 1 : UInt64(-delta)
        return MonotonicInstant(nanoseconds: nanoseconds >= magnitude ? nanoseconds - magnitude : 0)
    }

    /// The signed duration from this instant to `other` (negative when `other` is earlier).
    public func duration(to other: MonotonicInstant) -> Duration {
        if other.nanoseconds >= nanoseconds {
            return .nanoseconds(Int64(clamping: other.nanoseconds - nanoseconds))
        }
        return .nanoseconds(-Int64(clamping: nanoseconds - other.nanoseconds))
    }

    /// How long ago this instant was (zero if it lies in the future).
    public var elapsed: Duration { max(.zero, duration(to: .now())) }

    /// Time left until this instant (zero once it has passed).
    public var remaining: Duration { max(.zero, MonotonicInstant.now().duration(to: self)) }

    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: MonotonicInstant, rhs: Duration) -> MonotonicInstant { lhs.advanced(by: rhs) }
    public static func - (lhs: MonotonicInstant, rhs: Duration) -> MonotonicInstant { lhs.advanced(by: .zero - rhs) }
    public static func - (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Duration { rhs.duration(to: lhs) }
    public static func += (lhs: inout MonotonicInstant, rhs: Duration) { lhs = lhs + rhs }

    /// The earlier of two optional deadlines (nil means none).
    public static func earliest(_ a: MonotonicInstant?, _ b: MonotonicInstant?) -> MonotonicInstant? {
        switch (a, b) {
        case (nil, nil): nil
        case (let x?, nil): x
        case (nil, let y?): y
        case (let x?, let y?): Swift.min(x, y)
        }
    }

    /// Milliseconds to wait in `poll(2)` until `deadline` (rounded up; 0 once passed; -1 for none).
    public static func pollMilliseconds(until deadline: MonotonicInstant?) -> Int32 {
        guard let deadline else { return -1 }
        return Syscalls.pollMilliseconds(until: deadline.nanoseconds)
    }

    /// Sleeps the calling thread until this instant, precisely (`clock_nanosleep` on Linux).
    @available(*, noasync, message: "blocks the calling thread")
    public func sleepUntil() { Syscalls.sleepPrecisely(until: nanoseconds) }

    public var description: String { "MonotonicInstant(\(nanoseconds) ns)" }
}
