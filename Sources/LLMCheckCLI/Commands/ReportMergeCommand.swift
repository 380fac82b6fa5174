import Foundation
import HTTPWire
import Reporting

// MARK: - ReportMergeCommand

/// `llmcheck report merge DIR…`: merges shard report directories into one report set.
///
/// Verifies that every scenario ran exactly once across the shards and that no shard is missing, recomputes
/// totals and percentiles from the raw per-request samples, and writes the merged `junit.xml`, `summary.json`,
/// `requests.jsonl`, `summary.md`, `summary.csv`, `report.html`, `run.json` and `ctrf.json`.
public enum ReportMergeCommand: Command {
    public static let spec = CommandSpec(
        name: "report merge",
        abstract: "Merge sharded run reports into one (checks exactly-once coverage, recomputes percentiles).",
        discussion: """
        Each DIR is the --out directory of one 'llmcheck run --shard i/n' (it must contain run.json).
        Shard coverage is checked: every index 1…n present once, every scenario id in exactly one shard.
        Percentiles are recomputed from the raw per-request samples, never averaged across shards.

        EXAMPLES:
          llmcheck report merge Reports/shard-1 Reports/shard-2 Reports/shard-3 Reports/shard-4 --out Reports/merged
          llmcheck report merge shards/* --expect-shards 4 --baseline main/summary.json
          llmcheck run Scenarios --list > ids.txt && llmcheck report merge shards/* --expect-ids ids.txt
          cat Reports/merged/summary.md >> "$GITHUB_STEP_SUMMARY"

        EXIT CODES:
          0   merged; every scenario passed or was skipped
          1   merged; some scenarios failed or errored
          2   merged; regression against --baseline (failures take precedence: 1)
          64  bad command line
          65  invalid or incomplete shards (missing/corrupt run.json, duplicate scenario, missing shard or id)
          73  the merged reports could not be written
        """,
        options: [
            .option("--out", "-o", value: "DIR", help: "Directory for the merged reports.", default: "Reports/merged"),
            .option("--expect-shards", value: "N", help: "Number of shards there must be (indices 1…N each exactly once)."),
            .option("--expect-ids", value: "FILE", help: "Scenario ids that must all be present, one per line (the output of 'llmcheck run --list' works)."),
            .option("--run-id", value: "ID", help: "Run id of the merged report (default: the shards' common run id)."),
            .option("--baseline", value: "FILE", help: "Previous summary.json (or its directory) to compare the merged run with."),
            .option("--regression-percent", value: "PCT", help: "Relative increase that counts as a regression.", default: "25"),
            .option("--regression-ms", value: "MS", help: "Absolute increase (ms) that counts as a regression.", default: "20"),
            .flag("--quiet", "-q", help: "Print only errors."),
        ],
        positionals: [PositionalSpec(name: "DIR", help: "Shard report directories (each with run.json).", isVariadic: true)]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let output = context.output
        let directories = arguments.positionals
        guard !directories.isEmpty else {
            throw UsageError("give at least one shard report directory, e.g. 'llmcheck report merge Reports/shard-*'")
        }
        let expectedShards = try arguments.int("--expect-shards", in: 1...256)
        let relative = try number(arguments, "--regression-percent") ?? BaselineThresholds.default.relativePercent
        let absolute = try number(arguments, "--regression-ms") ?? BaselineThresholds.default.absoluteMs
        let quiet = arguments.flag("--quiet")
        let outDirectory = URL(fileURLWithPath: context.resolve(path: arguments.string("--out") ?? "Reports/merged"))

        var expectedIDs: Set<String>?
        if let path = arguments.string("--expect-ids") {
            let resolved = context.resolve(path: path)
            guard let text = try? String(contentsOfFile: resolved, encoding: .utf8) else {
                output.error("error: --expect-ids: cannot read '\(resolved)'")
                return .dataError
            }
            expectedIDs = ReportMerger.scenarioIDs(fromList: text)
        }

        // Merge.
        let merger = ReportMerger(configuration: .init(
            expectedShardCount: expectedShards, expectedScenarioIDs: expectedIDs, runID: arguments.string("--run-id")))
        let merged: ReportMerger.Result
        do {
            merged = try merger.merge(directories: directories.map { URL(fileURLWithPath: context.resolve(path: $0)) })
        } catch let error as ReportingError {
            output.error("error: \(error.description)")
            return .dataError
        }
        for note in merged.notes { output.error("note: \(note)") }

        // Baseline.
        var comparison: BaselineComparison?
        if let baseline = arguments.string("--baseline") {
            do {
                comparison = try BaselineComparison.compare(
                    merged.report, againstBaselineAt: URL(fileURLWithPath: context.resolve(path: baseline)),
                    thresholds: BaselineThresholds(relativePercent: relative, absoluteMs: absolute))
            } catch let error as ReportingError {
                output.error("error: --baseline: \(error.description)")
                return .dataError
            }
        }

        // Write.
        let written: [URL]
        do {
            written = try ReportSet.write(merged.report, to: outDirectory, comparison: comparison)
        } catch let error as ReportingError {
            output.error("error: \(error.description)")
            return .cannotCreate
        }

        let counts = merged.report.counts
        if !quiet {
            output.line("Merged \(NumberText.count(merged.report.mergedFrom.count, "report")): \(NumberText.count(counts.total, "scenario")), \(counts.passed) passed, "
                + "\(counts.failed) failed, \(counts.errors) errored, \(counts.skipped) skipped.")
            if let comparison {
                for line in RunConsole.baselineLines(comparison) { output.line(line) }
            }
            for url in written { output.line("  \(url.path)") }
        }
        if merged.report.hasFailures { return .failure }
        if comparison?.hasRegression == true { return .regression }
        return .success
    }

    private static func number(_ arguments: ParsedArguments, _ name: String) throws(UsageError) -> Double? {
        guard let text = arguments.string(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw UsageError("\(name) expects a non-negative number, got '\(text)'")
        }
        return value
    }
}
