import Foundation
import LoadTesting
import Reporting

/// `llmcheck load merge DIR…`: combines the `load.json` of `llmcheck load --shard i/n` runs.
public enum LoadMergeCommand: Command {
    public static let spec = CommandSpec(
        name: "load merge",
        abstract: "Merge sharded load runs (recomputes percentiles from every request).",
        discussion: """
            Each argument is a load.json or the --out directory holding one. Every shard 1…n must be present
            exactly once. Statistics are recomputed from the per-request samples, never averaged; shards are
            aligned on their start time, offered rates, concurrency and generator CPU add up.

            EXAMPLES:
              llmcheck load merge shard-1 shard-2 shard-3 shard-4 --out Reports/load
              llmcheck load merge shards/*/load.json --json --baseline main/load.json

            EXIT CODES: 0 merged; 2 regression against --baseline; 64 bad command line; 65 shards missing,
            duplicated or unreadable; 73 --out not writable.
            """,
        options: [
            .option("--out", "-o", value: "DIR", help: "Write the merged load.json, requests.csv and load.html."),
            .flag("--json", help: "Print the merged JSON document instead of the table."),
            .option("--baseline", value: "FILE", help: "A previous load.json (or its directory): exit 2 on regression."),
            .option("--regression-percent", value: "PCT", help: "Relative increase that counts as a regression.", default: "25"),
            .option("--regression-ms", value: "MS", help: "Absolute increase (ms) that counts as a regression.", default: "20"),
        ],
        positionals: [PositionalSpec(name: "LOAD", help: "load.json files or directories containing one.", isVariadic: true)])

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard !arguments.positionals.isEmpty else { throw UsageError("give the shards' load.json files or --out directories") }
        var inputs: [(path: String, report: LoadReport)] = []
        let merged: LoadReport
        do {
            for path in arguments.positionals.map(context.resolve(path:)) {
                inputs.append((path, try LoadReport.read(path: path)))
            }
            merged = try LoadMerger.merge(inputs)
        } catch {
            context.output.error("error: \(error.message)")
            return .dataError
        }
        var thresholds = BaselineThresholds.default
        if let v = arguments.string("--regression-percent") {
            guard let n = Double(v), n.isFinite, n >= 0 else { throw UsageError("--regression-percent expects a number ≥ 0, got '\(v)'") }
            thresholds.relativePercent = n
        }
        if let v = arguments.string("--regression-ms") {
            guard let n = Double(v), n.isFinite, n >= 0 else { throw UsageError("--regression-ms expects a number ≥ 0, got '\(v)'") }
            thresholds.absoluteMs = n
        }
        let plan = LoadPlan(
            modes: merged.levels.map(\.summary.mode), isSweep: merged.isSweep, base: LoadConfiguration(), model: merged.target.model,
            outDirectory: arguments.string("--out").map(context.resolve(path:)),
            baselinePath: arguments.string("--baseline").map(context.resolve(path:)), thresholds: thresholds,
            json: arguments.flag("--json"), quiet: true)
        return try LoadCommand.finish(merged, plan: plan, signal: nil, context: context)
    }
}
