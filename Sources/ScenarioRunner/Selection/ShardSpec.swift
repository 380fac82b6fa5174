// MARK: - ShardSpec

/// One shard of a suite split across CI jobs: `index` of `total`, 1-based (`--shard 2/4`).
///
/// Assignment is by a stable hash of the scenario id, so it is deterministic, disjoint and
/// complete: every scenario lands in exactly one shard whatever the machine or order.
public struct ShardSpec: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var total: Int

    /// - Throws: a message when `index` is not within `1...total`.
    public init(index: Int, total: Int) throws(ShardSpecError) {
        guard total >= 1 else { throw ShardSpecError(message: "shard total must be at least 1, got \(total)") }
        guard (1...total).contains(index) else {
            throw ShardSpecError(message: "shard index must be between 1 and \(total), got \(index)")
        }
        self.index = index
        self.total = total
    }

    /// Parses `i/n`.
    public static func parse(_ text: String) throws(ShardSpecError) -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardSpecError(message: "expected a shard as i/n (1-based, e.g. 2/4), got '\(text)'")
        }
        return try ShardSpec(index: i, total: n)
    }

    /// The shard from `CI_NODE_INDEX` (1-based, as GitLab sets it) and `CI_NODE_TOTAL`; nil when neither is set.
    public static func fromEnvironment(_ environment: [String: String]) throws(ShardSpecError) -> ShardSpec? {
        let index = environment["CI_NODE_INDEX"]
        let total = environment["CI_NODE_TOTAL"]
        if index == nil, total == nil { return nil }
        guard let index, let total else {
            throw ShardSpecError(message: "CI_NODE_INDEX and CI_NODE_TOTAL must be set together")
        }
        guard let i = Int(index), let n = Int(total) else {
            throw ShardSpecError(message: "CI_NODE_INDEX/CI_NODE_TOTAL must be whole numbers, got '\(index)'/'\(total)'")
        }
        return try ShardSpec(index: i, total: n)
    }

    /// Whether the scenario with `id` belongs to this shard.
    public func contains(scenarioID id: String) -> Bool {
        Int(StableHash.fnv1a64(id) % UInt64(total)) + 1 == index
    }

    public var description: String { "\(index)/\(total)" }
}

/// A malformed shard specification.
public struct ShardSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
