import Foundation
import HTTPWire

/// The open loop's send times: cumulative gaps drawn from an ``ArrivalProcess`` at a mean rate.
///
/// Gaps are in seconds; the first request goes at 0. The same seed gives the same schedule.
public struct ArrivalSchedule: Sendable {
    public let rate: Double
    public let process: ArrivalProcess
    private var random: SeededRandom
    private var elapsed: Double = 0
    private var isFirst = true

    /// - Precondition: `rate` is finite and > 0 (the CLI refuses anything else).
    public init(rate: Double, process: ArrivalProcess, seed: UInt64) {
        self.rate = rate
        self.process = process
        random = SeededRandom(seed: seed)
    }

    /// One gap in seconds: exponential (Poisson), gamma with shape `b` and scale 1/(rate·b), or 1/rate.
    public mutating func nextGap() -> Double {
        switch process {
        case .constant: return 1 / rate
        case .poisson: return -log(random.unitInterval()) / rate
        case .gamma(let burstiness): return random.gamma(shape: burstiness) / (rate * burstiness)
        }
    }

    /// Seconds since the start at which the next request is due (0 for the first).
    public mutating func nextSendTime() -> Double {
        if isFirst {
            isFirst = false
            return 0
        }
        elapsed += nextGap()
        return elapsed
    }
}
