import Foundation

// MARK: - ScenarioSelection

/// Which scenarios of a suite run: `--filter REGEX` (matched against the id, searched), `--tag T` (any of),
/// and `--shard i/n`.
public struct ScenarioSelection: Sendable {
    public var filter: String?
    public var tags: [String]
    public var shard: ShardSpec?

    public init(filter: String? = nil, tags: [String] = [], shard: ShardSpec? = nil) {
        self.filter = filter
        self.tags = tags
        self.shard = shard
    }

    /// Ids of the selected scenarios, in the given order.
    /// - Throws: ``ShardSpecError`` when the filter is not a valid regular expression.
    public func select(ids: [(id: String, tags: [String])]) throws(ShardSpecError) -> Set<String> {
        var regex: NSRegularExpression?
        if let filter {
            do { regex = try NSRegularExpression(pattern: filter) } catch {
                throw ShardSpecError(message: "--filter is not a valid regular expression: '\(filter)'")
            }
        }
        var out: Set<String> = []
        for (id, scenarioTags) in ids {
            if let regex, regex.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) == nil { continue }
            if !tags.isEmpty, !tags.contains(where: scenarioTags.contains) { continue }
            if let shard, !shard.contains(scenarioID: id) { continue }
            out.insert(id)
        }
        return out
    }
}
