import Foundation
import HTTPWire
import Reporting
import ScenarioRunner

/// `llmcheck run`: runs conformance scenarios against built-in mock servers and writes reports.
///
/// Exit codes: 0 every selected scenario passed; 1 a scenario failed or errored; 2 no failures but a
/// regression against `--baseline`; 64 bad command line, no scenarios found, or an invalid scenario file
/// (reported as an error result; the other scenarios still run and reports are still written).
public enum RunCommand: Command {
    public static let spec = CommandSpec(
        name: "run",
        abstract: "Run conformance scenarios against built-in mock servers and write reports.",
        discussion: """
            Each scenario starts its own mock servers on 127.0.0.1 (ephemeral ports), drives a client against
            them, checks the expectations and judges the client's behaviour from the mocks' journals.
            Scenario files are documented in Scenarios/README.md.

            SHARDING: --shard i/n (1-based) assigns scenarios by a stable hash of their id. Without the flag,
            CI_NODE_INDEX (1-based) and CI_NODE_TOTAL are used when set.

            REPORTS (in --out): junit.xml, summary.json, requests.jsonl, summary.md, summary.csv, report.html, run.json.

            EXIT CODES:
              0   every selected scenario passed
              1   a scenario failed or errored
              2   no failures, but a regression against --baseline
              64  bad command line, no scenarios found, or an invalid scenario file

            EXAMPLES:
              llmcheck run
              llmcheck run Scenarios/retry --jobs 4 --seed 7
              llmcheck run --filter '^openai\\.' --tag streaming --shard 2/4 --out Reports/shard-2
              llmcheck run Scenarios/clients --client 'python3 my_app.py'
              llmcheck run Scenarios/clients --client 'llmcheck chat'

            --client runs your program once per request with LLMCHECK_PROVIDER, LLMCHECK_BASE_URL,
            OPENAI_BASE_URL, OLLAMA_HOST … set; it prints the answer and exits 0, or exits non-zero when it
            gave up. The contract is in docs/clients.md.
            """,
        options: [
            .option("--filter", value: "REGEX", help: "Run only scenarios whose id matches the regular expression."),
            .option("--tag", value: "TAG", help: "Run only scenarios with this tag (any of the given tags).", repeatable: true),
            .option("--shard", value: "I/N", help: "Run shard I of N (1-based), by stable hash of the scenario id."),
            .option("--jobs", "-j", value: "N", help: "Scenarios run in parallel.", default: "number of cores"),
            .option("--seed", value: "N", help: "Run seed; each scenario's seed derives from it and the scenario id.", default: "1"),
            .option("--out", "-o", value: "DIR", help: "Directory for the reports.", default: "Reports"),
            .option("--baseline", value: "FILE", help: "Compare with a previous summary.json (or its directory); exit 2 on regression."),
            .option("--timeout", value: "SECONDS", help: "Cap every scenario's deadline (2, 500ms, 1.5s).", default: "each scenario's timeout_ms (10 s)"),
            .option("--client", value: "'CMD ARGS'", help: "Run every selected scenario against this program (see docs/clients.md); split like a shell would."),
            .flag("--list", help: "List the selected scenarios and exit without running them."),
        ],
        positionals: [PositionalSpec(name: "PATH", help: "Scenario files or directories (default: Scenarios).", isVariadic: true)]
    )

    /// The default run seed.
    public static let defaultSeed: UInt64 = 1

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let output = context.output
        let paths = arguments.positionals.isEmpty ? ["Scenarios"] : arguments.positionals
        let jobs = try arguments.int("--jobs", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        let seed: UInt64
        if let text = arguments.string("--seed") {
            guard let value = UInt64(text) else { throw UsageError("--seed expects a whole number ≥ 0, got '\(text)'") }
            seed = value
        } else {
            seed = defaultSeed
        }
        let timeout = try arguments.seconds("--timeout").map { max(1, Int(($0 * 1000).rounded())) }
        var shard: ShardSpec?
        do {
            if let text = arguments.string("--shard") {
                shard = try ShardSpec.parse(text)
            } else {
                shard = try ShardSpec.fromEnvironment(context.environment)
            }
        } catch {
            throw UsageError(arguments.string("--shard") != nil ? "--shard: \(error.message)" : error.message)
        }
        let outDirectory = context.resolve(path: arguments.string("--out") ?? "Reports")
        let baseline = arguments.string("--baseline").map { context.resolve(path: $0) }
        if let baseline, !FileManager.default.fileExists(atPath: baseline) {
            throw UsageError("--baseline: no such file or directory '\(baseline)'")
        }
        let selection = ScenarioSelection(filter: arguments.string("--filter"), tags: arguments.strings("--tag"), shard: shard)
        var configuration = ConformanceRun.Configuration(
            paths: paths, selection: selection,
            options: SuiteRunner.Options(jobs: jobs, seed: seed, timeoutMilliseconds: timeout),
            runID: context.environment["LLMCHECK_RUN_ID"] ?? context.environment["GITHUB_RUN_ID"].map { "gha-\($0)" }
        )
        if let text = arguments.string("--client") {
            do {
                configuration.clientCommand = Scenario.Command(argv: try Scenario.Command.split(text))
            } catch {
                throw UsageError("--client: \(error.message)")
            }
        }

        if arguments.flag("--list") {
            return try list(configuration, context: context)
        }

        let progressEnabled = output.isErrorTerminal
        let run = ConformanceRun(configuration: configuration)
        let outcome: ConformanceRun.Outcome
        do {
            outcome = try await run.execute(resolve: context.resolve(path:)) { progress in
                guard progressEnabled else { return }
                let failed = progress.failed > 0 ? ", \(progress.failed) failed" : ""
                let id = progress.last.id.count > 48 ? String(progress.last.id.prefix(47)) + "…" : progress.last.id
                output.writeError("\r\u{1B}[2K[\(progress.finished)/\(progress.total)\(failed)] \(id)")
            }
        } catch {
            throw UsageError(error.message)
        }
        if progressEnabled { output.writeError("\r\u{1B}[2K") }
        for error in outcome.loadErrors {
            output.error("error: \(error.description)")
        }
        if outcome.fileCount == 0 {
            output.error("error: no scenario files (*.json) found in \(paths.joined(separator: ", "))")
            return .usage
        }

        let report = outcome.report
        var comparison: BaselineComparison?
        if let baseline {
            do {
                comparison = try BaselineComparison.compare(report, againstBaselineAt: URL(fileURLWithPath: baseline))
            } catch {
                output.error("error: --baseline: \(error)")
                return .usage
            }
        }
        do {
            try ReportSet.write(report, to: URL(fileURLWithPath: outDirectory), comparison: comparison)
        } catch {
            output.error("error: cannot write reports: \(error)")
            return .cannotCreate
        }
        printSummary(report, comparison: comparison, outDirectory: arguments.string("--out") ?? "Reports", context: context)

        if !outcome.loadErrors.isEmpty { return .usage }
        if report.hasFailures { return .failure }
        if comparison?.hasRegression == true { return .regression }
        return .success
    }

    // MARK: - Output

    static func list(_ configuration: ConformanceRun.Configuration, context: CommandContext) throws -> ExitCode {
        let loaded = ScenarioLoader.standard.load(paths: configuration.paths, resolve: context.resolve(path:))
        let selected: Set<String>
        do {
            selected = try configuration.selection.select(ids: loaded.scenarios.map { ($0.id, $0.tags) })
        } catch {
            throw UsageError(error.message)
        }
        for scenario in loaded.scenarios where selected.contains(scenario.id) {
            let tags = scenario.tags.isEmpty ? "" : "  [\(scenario.tags.joined(separator: ", "))]"
            context.output.line("\(scenario.id)\(tags)")
        }
        for error in loaded.errors { context.output.error("error: \(error.description)") }
        context.output.line("\(selected.count) of \(loaded.scenarios.count) scenarios selected")
        if loaded.scenarios.isEmpty, loaded.errors.isEmpty { return .usage }
        return loaded.errors.isEmpty ? .success : .usage
    }

    static func printSummary(_ report: RunReport, comparison: BaselineComparison?, outDirectory: String, context: CommandContext) {
        let output = context.output
        let color = output.isTerminal
        let counts = report.counts
        for result in report.results where result.outcome.status == .failed || result.outcome.status == .error {
            let label = result.outcome.status == .failed ? "FAIL " : "ERROR"
            output.line("\(Terminal.style(label, .red, enabled: color)) \(result.id): \(result.outcome.message ?? "")")
            for finding in result.findings.prefix(3) {
                output.line("       finding \(finding.id): \(finding.message)")
            }
        }
        let duration = String(format: "%.2f", locale: Locale(identifier: "en_US_POSIX"), report.durationSeconds)
        var line = "\(counts.total) scenarios: \(counts.passed) passed, \(counts.failed) failed, \(counts.errors) errors, \(counts.skipped) skipped in \(duration) s (seed \(report.seed.map(String.init) ?? "-")"
        if let shard = report.shard { line += ", shard \(shard)" }
        line += ")"
        let ok = counts.failed + counts.errors == 0
        output.line(Terminal.style(line, ok ? .green : .red, enabled: color))
        if let comparison {
            let regressions = comparison.metrics.filter(\.isRegression).count + comparison.scenarioChanges.filter(\.isRegression).count
            output.line(regressions > 0 ? "baseline: \(regressions) regression(s)" : "baseline: no regressions")
        }
        output.line("reports: \(outDirectory)/junit.xml, summary.json, requests.jsonl, summary.md, report.html")
    }
}
