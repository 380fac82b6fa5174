import Foundation
import HTTPWire

// MARK: - ReportMerger

/// Merges shard report directories into one report: checks that every scenario ran exactly once,
/// recomputes totals and percentiles from the raw samples (never averages shard percentiles).
///
/// Each directory must hold `run.json` (written by ``ReportSet/write(_:to:comparison:)``).
///
/// ```swift
/// let merged = try ReportMerger(configuration: .init(expectedShardCount: 4)).merge(directories: dirs)
/// try ReportSet.write(merged.report, to: out)
/// ```
public struct ReportMerger: Sendable {
    /// What the merge verifies.
    public struct Configuration: Sendable, Hashable {
        /// Number of shards there must be (each index 1…N exactly once); nil: inferred from the shard reports
        /// (default nil).
        public var expectedShardCount: Int?
        /// Scenario ids that must all be present; nil: not checked (default nil).
        public var expectedScenarioIDs: Set<String>?
        /// Run id of the merged report; nil: the shards' common run id, else `merged-<first run id>` (default nil).
        public var runID: String?

        public init(expectedShardCount: Int? = nil, expectedScenarioIDs: Set<String>? = nil, runID: String? = nil) {
            self.expectedShardCount = expectedShardCount
            self.expectedScenarioIDs = expectedScenarioIDs
            self.runID = runID
        }
    }

    /// The merged report plus notes that did not block the merge.
    public struct Result: Sendable {
        public var report: RunReport
        /// Non-fatal observations (different run ids across shards …).
        public var notes: [String]
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: - Loading

    /// Reads `run.json` from a report directory.
    ///
    /// - Throws: ``ReportingError`` `.missingFile`, `.corruptFile` or `.unsupportedSchema` naming the file and problem.
    public static func loadRun(from directory: URL) throws -> RunReport {
        let file = directory.appendingPathComponent(ReportSet.FileName.run)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw ReportingError(.missingFile, path: directory.path, "no such report directory")
        }
        guard isDirectory.boolValue else {
            throw ReportingError(.missingFile, path: directory.path, "not a directory (give the shard's --out directory, not a file)")
        }
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ReportingError(.missingFile, path: file.path, "missing: is this a llmcheck report directory (written by 'llmcheck run --out')?")
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ReportingError(.missingFile, path: file.path, "cannot read: \(error.localizedDescription)")
        }
        guard !data.isEmpty else { throw ReportingError(.corruptFile, path: file.path, "file is empty (interrupted shard?)") }
        let report: RunReport
        do { report = try ReportJSON.makeDecoder().decode(RunReport.self, from: data) } catch {
            throw ReportingError(.corruptFile, path: file.path, ReportJSON.describe(error))
        }
        guard report.schemaVersion <= RunReport.currentSchemaVersion else {
            throw ReportingError(.unsupportedSchema, path: file.path,
                                 "schema_version \(report.schemaVersion) is newer than supported \(RunReport.currentSchemaVersion)")
        }
        return report
    }

    /// Scenario ids from a list file: the first word of each line; blank lines, `#` comments and the
    /// `N of M scenarios selected` footer of `llmcheck run --list` are skipped, so its output can be used as is.
    public static func scenarioIDs(fromList text: String) -> Set<String> {
        var ids: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.range(of: #"^\d+ of \d+ scenarios? selected$"#, options: .regularExpression) != nil { continue }
            if let first = trimmed.split(whereSeparator: \.isWhitespace).first { ids.insert(String(first)) }
        }
        return ids
    }

    // MARK: - Merging

    /// Loads and merges the report directories.
    public func merge(directories: [URL]) throws -> Result {
        guard !directories.isEmpty else { throw ReportingError(.noInput, "no report directories given") }
        let shards = try directories.map { ($0.path, try Self.loadRun(from: $0)) }
        return try merge(shards)
    }

    /// Merges already loaded shard reports, each labelled with the directory (or name) it came from.
    public func merge(_ shards: [(source: String, report: RunReport)]) throws -> Result {
        guard let first = shards.first else { throw ReportingError(.noInput, "no report directories given") }
        var notes: [String] = []

        // Shard coverage.
        let totals = Set(shards.compactMap { $0.report.shard?.total })
        if totals.count > 1 {
            let detail = shards.map { "\($0.source) (\($0.report.shard?.description ?? "unsharded"))" }.joined(separator: ", ")
            throw ReportingError(.shardMismatch, "shard reports disagree on the shard count: \(detail)")
        }
        let unsharded = shards.filter { $0.report.shard == nil }
        if !unsharded.isEmpty && (shards.count > 1 || configuration.expectedShardCount != nil) {
            throw ReportingError(.shardMismatch, "\(unsharded.count == 1 ? "a report" : "reports") without shard information: \(unsharded.map(\.source).joined(separator: ", ")); "
                + "each shard must run with --shard i/n")
        }
        let expectedTotal = configuration.expectedShardCount ?? totals.first
        if let expected = configuration.expectedShardCount, let actual = totals.first, actual != expected {
            throw ReportingError(.shardMismatch, "expected \(expected) shards but the reports say \(actual) (\(first.source): shard \(first.report.shard?.description ?? "-"))")
        }
        if let total = expectedTotal {
            var byIndex: [Int: [String]] = [:]
            for shard in shards {
                if let info = shard.report.shard { byIndex[info.index, default: []].append(shard.source) }
            }
            if let (index, sources) = byIndex.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
                throw ReportingError(.shardMismatch, "shard \(index)/\(total) given more than once: \(sources.joined(separator: ", "))")
            }
            if let outOfRange = byIndex.keys.sorted().first(where: { $0 < 1 || $0 > total }) {
                throw ReportingError(.shardMismatch, "shard index \(outOfRange) is outside 1…\(total): \(byIndex[outOfRange]?.joined(separator: ", ") ?? "")")
            }
            let missing = (1...max(1, total)).filter { byIndex[$0] == nil }
            if !missing.isEmpty {
                throw ReportingError(.shardMismatch, "missing \(missing.count == 1 ? "shard" : "shards") \(missing.map { "\($0)/\(total)" }.joined(separator: ", ")) "
                    + "(got \(shards.count) of \(total) reports); a shard job may have failed before writing its report")
            }
        }

        // Scenario coverage: each id exactly once.
        var owners: [String: [String]] = [:]
        for shard in shards {
            for result in shard.report.results { owners[result.id, default: []].append(shard.source) }
        }
        let duplicates = owners.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        if !duplicates.isEmpty {
            let listed = duplicates.prefix(10).map { "'\($0.key)' in \($0.value.joined(separator: " and "))" }.joined(separator: "; ")
            let more = duplicates.count > 10 ? " (and \(duplicates.count - 10) more)" : ""
            throw ReportingError(.duplicateScenario, "\(NumberText.count(duplicates.count, "scenario")) ran more than once: \(listed)\(more); "
                + "shards must be disjoint (did every job get the same --shard?)")
        }
        if let expected = configuration.expectedScenarioIDs {
            let missing = expected.subtracting(owners.keys).sorted()
            if !missing.isEmpty {
                let listed = missing.prefix(20).joined(separator: ", ")
                throw ReportingError(.missingScenario, "\(NumberText.count(missing.count, "expected scenario")) ran in no shard: \(listed)\(missing.count > 20 ? ", …" : "")")
            }
            let unexpected = Set(owners.keys).subtracting(expected).sorted()
            if !unexpected.isEmpty { notes.append("\(NumberText.count(unexpected.count, "scenario")) not in the expected list: \(unexpected.prefix(10).joined(separator: ", "))") }
        }

        // Build the merged report.
        let runIDs = Set(shards.map(\.report.runID))
        if runIDs.count > 1 { notes.append("shards have different run ids: \(runIDs.sorted().joined(separator: ", "))") }
        let versions = Set(shards.map(\.report.toolVersion))
        if versions.count > 1 { notes.append("shards were produced by different llmcheck versions: \(versions.sorted().joined(separator: ", "))") }
        let started = shards.map(\.report.startedAt).min() ?? first.report.startedAt
        let finished = shards.map(\.report.finishedAt).max() ?? first.report.finishedAt
        let runID = configuration.runID ?? (runIDs.count == 1 ? first.report.runID : "merged-\(first.report.runID)")
        var environment = first.report.environment
        for shard in shards.dropFirst() {
            environment.baseURLs.merge(shard.report.environment.baseURLs) { current, _ in current }
            environment.properties.merge(shard.report.environment.properties) { current, _ in current }
            if environment.gitSHA == nil { environment.gitSHA = shard.report.environment.gitSHA }
        }
        let hosts = Set(shards.map(\.report.environment.hostname))
        if hosts.count > 1 { environment.hostname = hosts.sorted().joined(separator: ",") }
        let sources = shards
            .sorted { ($0.report.shard?.index ?? 0, $0.source) < ($1.report.shard?.index ?? 0, $1.source) }
            .map { MergedSource(directory: $0.source, runID: $0.report.runID, shard: $0.report.shard, scenarioCount: $0.report.results.count) }
        let merged = RunReport(
            runID: runID,
            toolVersion: first.report.toolVersion,
            startedAt: started,
            finishedAt: finished,
            // Shards run in parallel: the run lasted from the earliest start to the latest finish.
            durationSeconds: max(0, finished.timeIntervalSince(started)),
            seed: Set(shards.compactMap(\.report.seed)).count == 1 ? first.report.seed : nil,
            shard: nil,
            environment: environment,
            serviceLevelObjectives: first.report.serviceLevelObjectives,
            results: shards.flatMap(\.report.results).sorted { $0.id < $1.id },
            mergedFrom: sources
        )
        return Result(report: merged, notes: notes)
    }
}
