import Foundation

// MARK: - RunReport

/// Everything one `llmcheck run` (or one shard of it) produced: the input of every report writer.
///
/// The scenario runner fills this value; ``ReportSet/write(_:to:comparison:)`` turns it into
/// `junit.xml`, `summary.json`, `requests.jsonl`, `summary.md`, `summary.csv`, `report.html` and `run.json`.
/// `run.json` is this value encoded with ``ReportJSON/makeEncoder()`` and is what ``ReportMerger`` reads back.
///
/// JSON keys are snake_case (see `docs/reports.md`).
public struct RunReport: Sendable, Hashable, Codable {
    /// The `run.json` / `summary.json` schema version written by this library.
    public static let currentSchemaVersion = 1

    /// Schema version of this document (default ``currentSchemaVersion``).
    public var schemaVersion: Int
    /// Identifier of the logical run; shards of one CI run should share it (e.g. derived from `GITHUB_RUN_ID`).
    public var runID: String
    /// Version of llmcheck that produced the report.
    public var toolVersion: String
    /// Wall-clock start (written as ISO-8601 UTC).
    public var startedAt: Date
    /// Wall-clock end (written as ISO-8601 UTC).
    public var finishedAt: Date
    /// Duration of the run in seconds: first send to last response, warmup excluded (default: finished − started).
    public var durationSeconds: Double
    /// Random seed used for fault injection and ordering, if any.
    public var seed: UInt64?
    /// Which shard this report covers; nil for an unsharded or merged run.
    public var shard: ShardInfo?
    /// Host, OS, git revision and the providers' (redacted) base URLs.
    public var environment: RunEnvironment
    /// Service-level objectives used for goodput; nil means goodput is not computed.
    public var serviceLevelObjectives: ServiceLevelObjectives?
    /// One entry per scenario, in any order (writers sort by ``ScenarioResult/id``).
    public var results: [ScenarioResult]
    /// For a merged report: the shard reports it was built from (empty otherwise).
    public var mergedFrom: [MergedSource]

    public init(
        schemaVersion: Int = RunReport.currentSchemaVersion,
        runID: String,
        toolVersion: String,
        startedAt: Date,
        finishedAt: Date,
        durationSeconds: Double? = nil,
        seed: UInt64? = nil,
        shard: ShardInfo? = nil,
        environment: RunEnvironment = RunEnvironment(),
        serviceLevelObjectives: ServiceLevelObjectives? = nil,
        results: [ScenarioResult],
        mergedFrom: [MergedSource] = []
    ) {
        self.schemaVersion = schemaVersion
        self.runID = runID
        self.toolVersion = toolVersion
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds ?? max(0, finishedAt.timeIntervalSince(startedAt))
        self.seed = seed
        self.shard = shard
        self.environment = environment
        self.serviceLevelObjectives = serviceLevelObjectives
        self.results = results
        self.mergedFrom = mergedFrom
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case runID = "run_id"
        case toolVersion = "tool_version"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case seed
        case shard
        case environment
        case serviceLevelObjectives = "slo"
        case results
        case mergedFrom = "merged_from"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        runID = try c.decode(String.self, forKey: .runID)
        toolVersion = try c.decodeIfPresent(String.self, forKey: .toolVersion) ?? "unknown"
        startedAt = try c.decode(Date.self, forKey: .startedAt)
        finishedAt = try c.decode(Date.self, forKey: .finishedAt)
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds)
            ?? max(0, finishedAt.timeIntervalSince(startedAt))
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        shard = try c.decodeIfPresent(ShardInfo.self, forKey: .shard)
        environment = try c.decodeIfPresent(RunEnvironment.self, forKey: .environment) ?? RunEnvironment()
        serviceLevelObjectives = try c.decodeIfPresent(ServiceLevelObjectives.self, forKey: .serviceLevelObjectives)
        results = try c.decode([ScenarioResult].self, forKey: .results)
        mergedFrom = try c.decodeIfPresent([MergedSource].self, forKey: .mergedFrom) ?? []
    }

    // MARK: - Derived

    /// Outcome counts over ``results``.
    public var counts: OutcomeCounts { OutcomeCounts(results.map(\.outcome.status)) }

    /// Whether any scenario failed or errored (the CLI exits 1 then).
    public var hasFailures: Bool { counts.failed + counts.errors > 0 }

    /// Every request trace of every scenario, sorted by scenario id then request id.
    public var allRequests: [RequestTrace] {
        results.sorted { $0.id < $1.id }.flatMap(\.requests)
    }
}
