// MARK: - ShardInfo

/// Position of one shard: `index` of `total`, both 1-based (`--shard 2/4`).
public struct ShardInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based shard index, `1...total`.
    public var index: Int
    /// Number of shards, ≥ 1.
    public var total: Int

    public init(index: Int, total: Int) {
        self.index = index
        self.total = total
    }

    /// `i/n`, as given to `--shard`.
    public var description: String { "\(index)/\(total)" }
}
