import Foundation
import Reporting

/// The `load.json` / `--json` document: what was run against what, and one summary per level.
///
/// Without a sweep the single level's summary keys sit at the top level (`requests.completed`,
/// `metrics.ttft_ms.p50`…); with a sweep every level is an entry of `levels`. `load.json` also keeps every
/// sample (`levels[i].samples`) so `llmcheck load merge` can recompute percentiles across shards.
public struct LoadReport: Sendable, Codable {
    /// What the run targeted and how.
    public struct Target: Sendable, Hashable, Codable {
        /// Base URL without credentials or query.
        public var url: String
        public var provider: String
        public var model: String
        public var isStreaming: Bool
        public var maxTokens: Int?
        public var prompts: String
        public var seed: UInt64

        public init(url: String, provider: String, model: String, isStreaming: Bool, maxTokens: Int?, prompts: String, seed: UInt64) {
            self.url = url
            self.provider = provider
            self.model = model
            self.isStreaming = isStreaming
            self.maxTokens = maxTokens
            self.prompts = prompts
            self.seed = seed
        }

        enum CodingKeys: String, CodingKey {
            case url, provider, model
            case isStreaming = "stream"
            case maxTokens = "max_tokens"
            case prompts, seed
        }
    }

    /// One level: its summary and (in `load.json`) its samples.
    public struct Level: Sendable, Codable {
        public var summary: LoadSummary
        public var samples: [LoadSample]?

        public init(summary: LoadSummary, samples: [LoadSample]?) {
            self.summary = summary
            self.samples = samples
        }

        enum CodingKeys: String, CodingKey { case samples }

        public init(from decoder: any Decoder) throws {
            summary = try LoadSummary(from: decoder)
            samples = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([LoadSample].self, forKey: .samples)
        }

        public func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(samples, forKey: .samples)
        }
    }

    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var toolVersion: String
    public var target: Target
    /// Whether the levels came from `--sweep` (then the document lists them under `levels`).
    public var isSweep: Bool
    public var levels: [Level]
    public var shard: ShardInfo?
    /// After a merge: the shards merged, as `i/n`.
    public var mergedShards: [String]

    public init(toolVersion: String, target: Target, isSweep: Bool, levels: [Level], shard: ShardInfo?, mergedShards: [String] = []) {
        schemaVersion = Self.currentSchemaVersion
        self.toolVersion = toolVersion
        self.target = target
        self.isSweep = isSweep
        self.levels = levels
        self.shard = shard
        self.mergedShards = mergedShards
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case toolVersion = "tool_version"
        case target
        case isSweep = "sweep"
        case levels, shard
        case mergedShards = "merged_shards"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        toolVersion = try c.decodeIfPresent(String.self, forKey: .toolVersion) ?? ""
        target = try c.decode(Target.self, forKey: .target)
        isSweep = try c.decodeIfPresent(Bool.self, forKey: .isSweep) ?? false
        shard = try c.decodeIfPresent(ShardInfo.self, forKey: .shard)
        mergedShards = try c.decodeIfPresent([String].self, forKey: .mergedShards) ?? []
        if isSweep {
            levels = try c.decode([Level].self, forKey: .levels)
        } else {
            levels = [try Level(from: decoder)]
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(toolVersion, forKey: .toolVersion)
        try c.encode(target, forKey: .target)
        try c.encode(isSweep, forKey: .isSweep)
        try c.encodeIfPresent(shard, forKey: .shard)
        if !mergedShards.isEmpty { try c.encode(mergedShards, forKey: .mergedShards) }
        if isSweep || levels.count != 1 {
            try c.encode(levels, forKey: .levels)
        } else if let level = levels.first {
            try level.encode(to: encoder)
        }
    }

    /// The same report without per-request samples (what `--json` prints).
    public var withoutSamples: LoadReport {
        var copy = self
        copy.levels = levels.map { Level(summary: $0.summary, samples: nil) }
        return copy
    }

    /// Pretty JSON with sorted keys.
    public func jsonData(pretty: Bool = true) throws -> Data {
        try ReportJSON.makeEncoder(pretty: pretty).encode(self)
    }

    /// Reads a `load.json` (a file, or a directory containing one).
    ///
    /// - Throws: ``LoadInputError`` `.badReport` naming the file and the problem.
    public static func read(path: String) throws(LoadInputError) -> LoadReport {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let file = exists && isDirectory.boolValue ? (path as NSString).appendingPathComponent("load.json") : path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LoadInputError(.badReport, "\(file): cannot read the file")
        }
        guard !data.isEmpty else { throw LoadInputError(.badReport, "\(file): the file is empty (an interrupted shard?)") }
        let report: LoadReport
        do {
            report = try ReportJSON.makeDecoder().decode(LoadReport.self, from: data)
        } catch {
            throw LoadInputError(.badReport, "\(file): not a llmcheck load.json: \(ReportJSON.describe(error))")
        }
        guard report.schemaVersion <= currentSchemaVersion else {
            throw LoadInputError(.badReport, "\(file): schema_version \(report.schemaVersion) is newer than supported \(currentSchemaVersion)")
        }
        return report
    }
}
