import MockProviders
import HTTPWire

// MARK: - StableHash

/// Hashes that are identical across processes, runs and platforms (unlike Swift's seeded `Hasher`), on the one
/// seeded generator's primitives (``HTTPWire/SeededRandom``).
public enum StableHash {
    /// 64-bit FNV-1a of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 { SeededRandom.stableHash(text) }

    /// The seed of one scenario: the run seed mixed with the scenario id (SplitMix64 finaliser),
    /// so a scenario gets the same seed whatever else runs, in whatever order or shard.
    public static func scenarioSeed(runSeed: UInt64, scenarioID: String) -> UInt64 {
        SeededRandom.mix(runSeed ^ fnv1a64(scenarioID))
    }
}
