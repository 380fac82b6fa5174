// MARK: - MergedSource

/// One shard report that went into a merged report.
public struct MergedSource: Sendable, Hashable, Codable {
    /// The directory the shard report was read from, as given.
    public var directory: String
    public var runID: String
    public var shard: ShardInfo?
    public var scenarioCount: Int

    public init(directory: String, runID: String, shard: ShardInfo?, scenarioCount: Int) {
        self.directory = directory
        self.runID = runID
        self.shard = shard
        self.scenarioCount = scenarioCount
    }

    enum CodingKeys: String, CodingKey {
        case directory
        case runID = "run_id"
        case shard
        case scenarioCount = "scenario_count"
    }
}
