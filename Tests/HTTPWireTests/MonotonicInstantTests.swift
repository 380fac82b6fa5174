import HTTPWire
import Testing

/// The project's one time type: `Duration` in nanoseconds at the edges, and instants whose
/// arithmetic saturates instead of trapping.
@Suite("MonotonicInstant and Duration.nanoseconds")
struct MonotonicInstantTests {
    static let wholeNanoseconds: [(Duration, Int64)] = [
        (.zero, 0),
        (.nanoseconds(1), 1),
        (.nanoseconds(-1), -1),
        (.milliseconds(1500), 1_500_000_000),
        (.seconds(-3) - .nanoseconds(7), -3_000_000_007),
        (.nanoseconds(1) / 3, 0),
        (.nanoseconds(-1) / 3, 0),
        (.nanoseconds(5) / 2, 2),
        (.nanoseconds(-5) / 2, -2),
        (.nanoseconds(Int64.max), .max),
        (.nanoseconds(Int64.min), .min),
    ]

    @Test("whole nanoseconds, truncated toward zero", arguments: wholeNanoseconds)
    func nanoseconds(duration: Duration, expected: Int64) {
        #expect(duration.nanoseconds == expected)
    }

    @Test("durations past Int64 nanoseconds saturate")
    func saturation() {
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
        #expect(Duration.seconds(Int64.min).nanoseconds == .min)
        #expect((Duration.nanoseconds(Int64.max) + .nanoseconds(1)).nanoseconds == .max)
        #expect((Duration.nanoseconds(Int64.min) - .nanoseconds(1)).nanoseconds == .min)
        #expect(Duration.seconds(9_223_372_036).nanoseconds == 9_223_372_036_000_000_000)
        #expect(Duration.seconds(9_223_372_037).nanoseconds == .max)
    }

    @Test("instant arithmetic clamps to the clock's range and keeps its sign")
    func instantArithmetic() {
        let start = MonotonicInstant(nanoseconds: 1_000)
        #expect((start + .nanoseconds(500)).nanoseconds == 1_500)
        #expect((start - .nanoseconds(400)).nanoseconds == 600)
        #expect((start - .seconds(10)).nanoseconds == 0)
        // A duration past Int64 nanoseconds counts as 292 years: later than any real instant, no trap.
        #expect((start + .seconds(Int64.max)).nanoseconds == 1_000 + UInt64(Int64.max))
        #expect((MonotonicInstant(nanoseconds: .max - 1) + .nanoseconds(5)).nanoseconds == .max)
        #expect(start.duration(to: MonotonicInstant(nanoseconds: 250)) == .nanoseconds(-750))
        #expect(MonotonicInstant(nanoseconds: 4_000) - start == .nanoseconds(3_000))
        #expect(Duration.milliseconds(2).milliseconds == 2)
    }
}
