import Foundation
import HTTPWire

/// The continuous distributions a load test draws from, on the one seeded generator, so a `--seed`
/// reproduces the same arrival schedule and prompts on every platform.
extension SeededRandom {
    /// Uniform in (0, 1]: never 0, so `log` is finite.
    mutating func unitInterval() -> Double {
        Double((next() >> 11) + 1) / Double(1 << 53)
    }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u1 = unitInterval()
        let u2 = unitInterval()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Gamma(shape, scale 1) by Marsaglia and Tsang (2000); shapes below 1 via the boost `U^(1/shape)`.
    mutating func gamma(shape: Double) -> Double {
        if shape < 1 {
            return gamma(shape: shape + 1) * pow(unitInterval(), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = unitInterval()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
