import Foundation
import Testing
@testable import Reporting

@Suite("Shard merging")
struct ReportMergerTests {
    /// The sample run split into `total` shards by a stable hash of the scenario id.
    private func shards(_ total: Int) -> [RunReport] {
        (1...total).map { index in
            SampleReport.make(shard: ShardInfo(index: index, total: total)) { id in
                Int(id.utf8.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 } % UInt32(total)) + 1 == index
            }
        }
    }

    private func writeShards(_ reports: [RunReport], into root: URL) throws -> [URL] {
        try reports.enumerated().map { offset, report in
            let dir = root.appendingPathComponent("shard-\(offset + 1)")
            try ReportSet.write(report, to: dir)
            return dir
        }
    }

    @Test("merging all shards gives the same results and statistics as the unsharded run")
    func mergesExactly() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let parts = shards(4)
        #expect(parts.allSatisfy { !$0.results.isEmpty })
        let dirs = try writeShards(parts, into: root)
        let merged = try ReportMerger(configuration: .init(expectedShardCount: 4)).merge(directories: dirs)
        let whole = SampleReport.make()
        #expect(merged.report.results.map(\.id) == whole.results.map(\.id).sorted())
        #expect(merged.report.counts == whole.counts)
        #expect(merged.report.shard == nil)
        #expect(merged.report.mergedFrom.map { $0.shard?.index } == [1, 2, 3, 4])
        // Percentiles recomputed from raw samples equal the unsharded run's (never averaged).
        let mergedSummary = RunSummary(report: merged.report)
        // The unsharded run as its own report set would persist it (ms rounded to whole ns).
        let wholeSummary = RunSummary(report: ReportSanitizer.sanitized(whole))
        for metric in wholeSummary.metrics {
            #expect(mergedSummary.metric(named: metric.name)?.statistics == metric.statistics, "\(metric.name) differs")
        }
        let out = root.appendingPathComponent("merged")
        try ReportSet.write(merged.report, to: out)
        let (doc, ok) = XMLCollector.parse(try String(contentsOf: out.appendingPathComponent("junit.xml"), encoding: .utf8))
        #expect(ok)
        #expect(doc.all("testcase").count == whole.results.count)
    }

    @Test("a scenario in two shards is an error naming the id and both directories")
    func duplicate() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var parts = shards(2)
        parts[1].results.append(parts[0].results[0])
        let dirs = try writeShards(parts, into: root)
        let error = try #require(throws: ReportingError.self) { try ReportMerger().merge(directories: dirs) }
        #expect(error.code == .duplicateScenario)
        #expect(error.description.contains(parts[0].results[0].id))
        #expect(error.description.contains("shard-1") && error.description.contains("shard-2"))
    }

    @Test("a missing shard, a repeated shard index and a shard-count mismatch are errors")
    func shardCoverage() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let parts = shards(3)
        let dirs = try writeShards(parts, into: root)
        let missing = try #require(throws: ReportingError.self) { try ReportMerger().merge(directories: Array(dirs.prefix(2))) }
        #expect(missing.code == .shardMismatch)
        #expect(missing.description.contains("3/3"))
        let wrongCount = try #require(throws: ReportingError.self) {
            try ReportMerger(configuration: .init(expectedShardCount: 4)).merge(directories: dirs)
        }
        #expect(wrongCount.code == .shardMismatch)
        #expect(wrongCount.description.contains("expected 4"))
        var again = parts[0]
        again.results = []
        let repeatedDir = root.appendingPathComponent("shard-1-again")
        try ReportSet.write(again, to: repeatedDir)
        let repeated = try #require(throws: ReportingError.self) { try ReportMerger().merge(directories: dirs + [repeatedDir]) }
        #expect(repeated.code == .shardMismatch)
        #expect(repeated.description.contains("shard 1/3 given more than once"))
        var otherTotal = parts[0]
        otherTotal.shard = ShardInfo(index: 1, total: 5)
        let mixed = try #require(throws: ReportingError.self) {
            try ReportMerger().merge([("a", otherTotal), ("b", parts[1]), ("c", parts[2])])
        }
        #expect(mixed.description.contains("disagree"))
    }

    @Test("expected scenario ids must all be present")
    func expectedIDs() throws {
        let parts = shards(2)
        let expected = Set(SampleReport.make().results.map(\.id)).union(["openai.never-ran"])
        let error = try #require(throws: ReportingError.self) {
            try ReportMerger(configuration: .init(expectedScenarioIDs: expected)).merge(parts.enumerated().map { ("d\($0.offset)", $0.element) })
        }
        #expect(error.code == .missingScenario)
        #expect(error.description.contains("openai.never-ran"))
    }

    @Test("id lists accept 'llmcheck run --list' output")
    func idList() {
        let text = "# expected\n\ndiscovery.all-three  [discovery]\n  openai.chat.stream\r\nx.y [a, b]\n229 of 229 scenarios selected\n"
        #expect(ReportMerger.scenarioIDs(fromList: text) == ["discovery.all-three", "openai.chat.stream", "x.y"])
    }

    @Test("missing, empty and corrupt run.json are reported with the file and the problem")
    func badFiles() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = try #require(throws: ReportingError.self) { try ReportMerger.loadRun(from: empty) }
        #expect(missing.code == .missingFile)
        #expect(missing.description.contains("empty/run.json"))
        let nonexistent = try #require(throws: ReportingError.self) { try ReportMerger.loadRun(from: root.appendingPathComponent("nope")) }
        #expect(nonexistent.code == .missingFile)

        try Data().write(to: empty.appendingPathComponent("run.json"))
        #expect(throws: ReportingError.self) { try ReportMerger.loadRun(from: empty) }
        try Data("{\"schema_version\": 1, \"run_id\": 5}".utf8).write(to: empty.appendingPathComponent("run.json"))
        let corrupt = try #require(throws: ReportingError.self) { try ReportMerger.loadRun(from: empty) }
        #expect(corrupt.code == .corruptFile)
        #expect(corrupt.description.contains("run_id"))
        try Data("{not json".utf8).write(to: empty.appendingPathComponent("run.json"))
        #expect((try? ReportMerger.loadRun(from: empty)) == nil)
        var future = SampleReport.make()
        future.schemaVersion = 99
        try ReportJSON.makeEncoder().encode(future).write(to: empty.appendingPathComponent("run.json"))
        let schema = try #require(throws: ReportingError.self) { try ReportMerger.loadRun(from: empty) }
        #expect(schema.code == .unsupportedSchema)
        #expect(throws: ReportingError.self) { try ReportMerger().merge(directories: []) }
    }
}
