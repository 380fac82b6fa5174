/// A small, fast, reproducible random number generator (SplitMix64).
///
/// Every random choice the tool makes (a mock's generated words, jitter and fault probability, a load
/// test's arrival schedule and prompts, a misbehaving client's retries) comes from one of these, seeded
/// from the configured seed plus stable inputs, so a run can be replayed exactly on every platform.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator seeded from `seed` mixed with the stable hash of `parts`.
    public init(seed: UInt64, mixing parts: String...) {
        var h = seed ^ 0x9E37_79B9_7F4A_7C15
        for part in parts { h = SeededRandom.mix(h ^ SeededRandom.stableHash(part)) }
        state = h
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// A uniform Double in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// The SplitMix64 finaliser.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes: stable across runs and platforms (unlike `Hasher`).
    public static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
