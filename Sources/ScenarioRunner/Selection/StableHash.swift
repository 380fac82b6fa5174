// MARK: - StableHash

/// Hashes that are identical across processes, runs and platforms (unlike Swift's seeded `Hasher`).
public enum StableHash {
    /// 64-bit FNV-1a of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The seed of one scenario: the run seed mixed with the scenario id (SplitMix64 finaliser),
    /// so a scenario gets the same seed whatever else runs, in whatever order or shard.
    public static func scenarioSeed(runSeed: UInt64, scenarioID: String) -> UInt64 {
        var z = runSeed ^ fnv1a64(scenarioID)
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
