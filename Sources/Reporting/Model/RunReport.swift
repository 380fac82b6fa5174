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

// MARK: - RunEnvironment

/// Where the run happened. Base URLs are redacted by the writers (no credentials, no query strings).
public struct RunEnvironment: Sendable, Hashable, Codable {
    /// Host name (default: the current host).
    public var hostname: String
    /// Operating system description (default: `ProcessInfo.operatingSystemVersionString`).
    public var operatingSystem: String
    /// Git revision of the project under test, if known (e.g. `GITHUB_SHA`).
    public var gitSHA: String?
    /// Provider base URLs by provider name (redacted before writing).
    public var baseURLs: [String: String]
    /// Free-form extra properties (model, server version, CI job URL …), written as JUnit properties.
    public var properties: [String: String]

    public init(
        hostname: String = ProcessInfo.processInfo.hostName,
        operatingSystem: String = ProcessInfo.processInfo.operatingSystemVersionString,
        gitSHA: String? = nil,
        baseURLs: [String: String] = [:],
        properties: [String: String] = [:]
    ) {
        self.hostname = hostname
        self.operatingSystem = operatingSystem
        self.gitSHA = gitSHA
        self.baseURLs = baseURLs
        self.properties = properties
    }

    enum CodingKeys: String, CodingKey {
        case hostname
        case operatingSystem = "os"
        case gitSHA = "git_sha"
        case baseURLs = "base_urls"
        case properties
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname) ?? "localhost"
        operatingSystem = try c.decodeIfPresent(String.self, forKey: .operatingSystem) ?? ""
        gitSHA = try c.decodeIfPresent(String.self, forKey: .gitSHA)
        baseURLs = try c.decodeIfPresent([String: String].self, forKey: .baseURLs) ?? [:]
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
    }
}

// MARK: - ServiceLevelObjectives

/// Per-request latency objectives for goodput: a request is "good" when it completed and meets every set limit.
public struct ServiceLevelObjectives: Sendable, Hashable, Codable {
    /// Maximum TTFT in ms (nil: not checked).
    public var ttftMs: Double?
    /// Maximum TPOT in ms (nil: not checked).
    public var tpotMs: Double?
    /// Maximum E2EL in ms (nil: not checked).
    public var e2elMs: Double?

    public init(ttftMs: Double? = nil, tpotMs: Double? = nil, e2elMs: Double? = nil) {
        self.ttftMs = ttftMs
        self.tpotMs = tpotMs
        self.e2elMs = e2elMs
    }

    enum CodingKeys: String, CodingKey {
        case ttftMs = "ttft_ms"
        case tpotMs = "tpot_ms"
        case e2elMs = "e2el_ms"
    }
}

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

// MARK: - OutcomeCounts

/// How many scenarios ended in each ``ScenarioOutcome/Status``.
public struct OutcomeCounts: Sendable, Hashable, Codable {
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
    public var skipped: Int

    public init(total: Int = 0, passed: Int = 0, failed: Int = 0, errors: Int = 0, skipped: Int = 0) {
        self.total = total
        self.passed = passed
        self.failed = failed
        self.errors = errors
        self.skipped = skipped
    }

    public init(_ statuses: [ScenarioOutcome.Status]) {
        self.init(total: statuses.count)
        for status in statuses {
            switch status {
            case .passed: passed += 1
            case .failed: failed += 1
            case .error: errors += 1
            case .skipped: skipped += 1
            }
        }
    }
}
