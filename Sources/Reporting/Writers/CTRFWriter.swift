import Foundation
import HTTPWire

// MARK: - CTRFWriter

/// Writes `ctrf.json`, the Common Test Report Format (JSON) for JSON-consuming CI reporters.
///
/// Mapping: `error` outcomes become `failed` with `rawStatus: "error"` (CTRF has no error status);
/// `runId` is shared by all shards of a run and `environment.shardId` is `i/n`; durations are integer ms.
/// `reportId` is derived from the run id, shard and start time so the file is deterministic.
public struct CTRFWriter: Sendable {
    /// The CTRF spec version written (`0.1.0`).
    public static let specVersion = "0.1.0"

    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        let results = report.results.sorted { $0.id < $1.id }
        let counts = report.counts
        let start = Int64((report.startedAt.timeIntervalSince1970 * 1000).rounded())
        let stop = Int64((report.finishedAt.timeIntervalSince1970 * 1000).rounded())
        let document = Document(
            reportId: Self.deterministicUUID("\(report.runID)|\(report.shard?.description ?? "-")|\(start)|\(results.count)"),
            runId: report.runID,
            timestamp: NumberText.iso8601(report.finishedAt),
            generatedBy: "llmcheck \(report.toolVersion)",
            results: Results(
                tool: Tool(name: "llmcheck", version: report.toolVersion),
                summary: Summary(tests: counts.total, passed: counts.passed, failed: counts.failed + counts.errors,
                                 skipped: counts.skipped, pending: 0, other: 0, start: start, stop: stop),
                tests: results.map { result in
                    let status: String
                    switch result.outcome.status {
                    case .passed: status = "passed"
                    case .failed, .error: status = "failed"
                    case .skipped: status = "skipped"
                    }
                    let retries = result.requests.map { max($0.attempts.count, $0.attempt) - 1 }.max() ?? 0
                    return Test(
                        name: TextSanitizer.stripTerminalEscapes(result.id),
                        status: status,
                        duration: Int64((max(0, result.durationSeconds.isFinite ? result.durationSeconds : 0) * 1000).rounded()),
                        rawStatus: result.outcome.status.rawValue,
                        message: result.outcome.message.map { TextSanitizer.clean($0, maxBytes: 2048) },
                        suite: [result.provider, result.capability],
                        tags: result.tags.isEmpty ? nil : result.tags,
                        filePath: result.filePath,
                        retries: retries > 0 ? retries : nil,
                        type: "conformance",
                        extra: result.findings.isEmpty && result.outcome.kind == nil
                            ? nil : Extra(kind: result.outcome.kind, findings: result.findings.map(\.id))
                    )
                },
                environment: Environment(
                    appName: "llmcheck",
                    commit: report.environment.gitSHA,
                    osPlatform: report.environment.operatingSystem.isEmpty ? nil : report.environment.operatingSystem,
                    shardId: report.shard?.description
                )
            )
        )
        var data = try ReportJSON.makeEncoder().encode(document)
        data.append(0x0A)
        return data
    }

    /// A UUID-shaped identifier from two FNV-1a hashes of `text` (stable across runs and platforms).
    static func deterministicUUID(_ text: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash = seed
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return hash
        }
        let a = fnv(0xCBF2_9CE4_8422_2325)
        let b = fnv(0x84222325_CBF29CE4)
        let hex = String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    // MARK: - Document

    struct Document: Encodable {
        var reportFormat = "CTRF"
        var specVersion = CTRFWriter.specVersion
        var reportId: String
        var runId: String
        var timestamp: String
        var generatedBy: String
        var results: Results
    }

    struct Results: Encodable {
        var tool: Tool
        var summary: Summary
        var tests: [Test]
        var environment: Environment
    }

    struct Tool: Encodable {
        var name: String
        var version: String
    }

    struct Summary: Encodable {
        var tests, passed, failed, skipped, pending, other: Int
        var start, stop: Int64
    }

    struct Test: Encodable {
        var name: String
        var status: String
        var duration: Int64
        var rawStatus: String
        var message: String?
        var suite: [String]
        var tags: [String]?
        var filePath: String?
        var retries: Int?
        var type: String
        var extra: Extra?
    }

    struct Extra: Encodable {
        var kind: String?
        var findings: [String]
    }

    struct Environment: Encodable {
        var appName: String
        var commit: String?
        var osPlatform: String?
        var shardId: String?
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
