import Foundation
import HTTPWire
import Reporting
import ScenarioRunner

/// `llmcheck run`: runs conformance scenarios against built-in mock servers and writes reports.
///
/// Exit codes: 0 every selected scenario passed; 1 a scenario failed or errored; 2 no failures but a
/// regression against `--baseline`; 64 bad command line, no scenarios found, or an invalid scenario file
/// (reported as an error result; the other scenarios still run and reports are still written);
/// 130 / 143 interrupted by SIGINT / SIGTERM (reports hold what finished).
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

            INTERRUPTING: Ctrl-C (or SIGTERM) stops scheduling, stops the running scenarios, writes every
            report with what finished (the rest marked skipped, "interrupted") and exits 130 (143). A second
            Ctrl-C exits at once.

            REPORTS (in --out; with --repeat N, in --out/repeat-1 … repeat-N):
            \(ReportSet.files.map { "  \($0.name)\(String(repeating: " ", count: max(1, 16 - $0.name.count)))\($0.purpose)" }.joined(separator: "\n"))

            EXIT CODES:
              0   every selected scenario passed
              1   a scenario failed or errored
              2   no failures, but a regression against --baseline
              64  bad command line, no scenarios found, or an invalid scenario file
              130 interrupted by Ctrl-C (143: SIGTERM)

            EXAMPLES:
              llmcheck run
              llmcheck run Scenarios/retry --jobs 4 --seed 7
              llmcheck run --filter '^openai\\.' --tag streaming --shard 2/4 --out Reports/shard-2
              llmcheck run --last-failed            # rerun what failed in the previous run's --out
              llmcheck run --filter retry --repeat 20 --max-failures 1   # hunt a flaky scenario
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
            .option("--seed", value: "N", help: "Run seed; each scenario's seed derives from it and the scenario id.", default: String(ToolIdentity.defaultSeed)),
            .option("--out", "-o", value: "DIR", help: "Directory for the reports.", default: "Reports"),
            .option("--baseline", value: "FILE", help: "Compare with a previous summary.json (or its directory); exit 2 on regression."),
            .option("--timeout", value: "SECONDS", help: "Cap every scenario's deadline (2, 500ms, 1.5s).", default: "each scenario's timeout_ms (10 s)"),
            .option("--client", value: "'CMD ARGS'", help: "Run every selected scenario against this program (see docs/clients.md); split like a shell would."),
            .option("--max-failures", value: "N", help: "Stop scheduling after N failed or errored scenarios (the rest are reported as skipped)."),
            .option("--repeat", value: "N", help: "Run the selection N times (flake hunting); reports per repetition in --out/repeat-I.", default: "1"),
            .flag("--last-failed", help: "Run only the scenarios that failed or errored in the previous run (its --out/summary.json)."),
            .option("--progress-interval", value: "SECONDS", help: "Without a terminal (CI), print a progress line this often.", default: "5"),
            .flag("--list", help: "Print the selected scenario ids (one per line; the count goes to standard error) and exit."),
        ],
        positionals: [PositionalSpec(name: "PATH", help: "Scenario files or directories (default: Scenarios).", isVariadic: true)]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let output = context.output
        let paths = arguments.positionals.isEmpty ? ["Scenarios"] : arguments.positionals
        let jobs = try arguments.int("--jobs", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        let seed = try arguments.uint64("--seed") ?? ToolIdentity.defaultSeed
        let timeout = try arguments.seconds("--timeout").map { max(1, Int(($0 * 1000).rounded())) }
        let maxFailures = try arguments.int("--max-failures", in: 1...1_000_000)
        let repeats = try arguments.int("--repeat", in: 1...10_000) ?? 1
        let progressInterval = try arguments.seconds("--progress-interval") ?? 5
        guard progressInterval > 0 else { throw UsageError("--progress-interval must be more than 0 seconds") }
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
        let outArgument = arguments.string("--out") ?? "Reports"
        let outDirectory = context.resolve(path: outArgument)
        let baseline = arguments.string("--baseline").map { context.resolve(path: $0) }
        if let baseline, !FileManager.default.fileExists(atPath: baseline) {
            throw UsageError("--baseline: no such file or directory '\(baseline)'")
        }
        var onlyIDs: Set<String>?
        if arguments.flag("--last-failed") {
            let failed = try lastFailed(in: outDirectory, shown: outArgument)
            guard !failed.isEmpty else {
                output.error("--last-failed: nothing to rerun, no scenario failed in \(outArgument)/\(ReportSet.FileName.summary)")
                return .success
            }
            onlyIDs = failed
        }
        let selection = ScenarioSelection(filter: arguments.string("--filter"), tags: arguments.strings("--tag"), shard: shard)
        var configuration = ConformanceRun.Configuration(
            paths: paths, selection: selection,
            options: SuiteRunner.Options(jobs: jobs, seed: seed, timeoutMilliseconds: timeout, maxFailures: maxFailures),
            runID: context.environment["LLMCHECK_RUN_ID"] ?? context.environment["GITHUB_RUN_ID"].map { "gha-\($0)" },
            onlyIDs: onlyIDs
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

        let console = RunConsole(output: output, progressInterval: progressInterval)
        var code = ExitCode.success
        var statuses: [String: Set<ScenarioOutcome.Status>] = [:]
        for repetition in 1...repeats {
            let directory = repeats == 1 ? outArgument : "\(outArgument)/repeat-\(repetition)"
            if repeats > 1 { output.line("repetition \(repetition) of \(repeats)") }
            let pass = try await runOnce(
                configuration, outDirectory: context.resolve(path: directory), shownDirectory: directory,
                baseline: baseline, console: console, context: context
            )
            for item in pass.report.results { statuses[item.id, default: []].insert(item.outcome.status) }
            if let signal = pass.signal { return .stopped(by: signal) }
            code = worse(code, pass.code)
            if code == .usage || code == .cannotCreate { return code }
        }
        if repeats > 1 { console.printFlakes(statuses, repeats: repeats) }
        return code
    }

    /// One pass over the selection: run (interruptible), write the reports, print the summary.
    static func runOnce(
        _ configuration: ConformanceRun.Configuration, outDirectory: String, shownDirectory: String,
        baseline: String?, console: RunConsole, context: CommandContext
    ) async throws -> (report: RunReport, code: ExitCode, signal: Int32?) {
        let output = context.output
        let run = ConformanceRun(configuration: configuration)
        let resolve = context.resolve(path:)
        console.start()
        let (result, signal) = await Interrupt.run(onSignal: { console.interrupted(by: $0) }) {
            do throws(ShardSpecError) {
                return Result<ConformanceRun.Outcome, ShardSpecError>.success(try await run.execute(resolve: resolve) { console.progress($0) })
            } catch {
                return .failure(error)
            }
        }
        console.finish()
        let outcome: ConformanceRun.Outcome
        switch result {
        case .success(let value): outcome = value
        case .failure(let error): throw UsageError(error.message)
        }
        for error in outcome.loadErrors {
            output.error("error: \(error.description)")
        }
        if outcome.fileCount == 0 {
            output.error("error: no scenario files (*.json) found in \(configuration.paths.joined(separator: ", "))")
            return (outcome.report, .usage, signal)
        }

        let report = outcome.report
        var comparison: BaselineComparison?
        if let baseline, signal == nil {
            do {
                comparison = try BaselineComparison.compare(report, againstBaselineAt: URL(fileURLWithPath: baseline))
            } catch {
                output.error("error: --baseline: \(error)")
                return (report, .usage, signal)
            }
        }
        do {
            try ReportSet.write(report, to: URL(fileURLWithPath: outDirectory), comparison: comparison)
        } catch {
            output.error("error: cannot write reports: \(error)")
            return (report, .cannotCreate, signal)
        }
        console.printSummary(report, comparison: comparison, outDirectory: shownDirectory, signal: signal)

        if !outcome.loadErrors.isEmpty { return (report, .usage, signal) }
        if report.hasFailures { return (report, .failure, signal) }
        if comparison?.hasRegression == true { return (report, .regression, signal) }
        return (report, .success, signal)
    }

    /// The more serious of two exit codes (usage > failure > regression > success).
    static func worse(_ a: ExitCode, _ b: ExitCode) -> ExitCode {
        let rank: [ExitCode: Int] = [.success: 0, .regression: 1, .failure: 2, .usage: 3, .cannotCreate: 4]
        return (rank[b] ?? 5) > (rank[a] ?? 5) ? b : a
    }

    /// Ids that failed or errored in the previous run's `summary.json` in `directory`.
    static func lastFailed(in directory: String, shown: String) throws -> Set<String> {
        let summary: RunSummary
        do {
            summary = try BaselineComparison.loadSummary(from: URL(fileURLWithPath: directory))
        } catch {
            throw UsageError("--last-failed: no previous run in \(shown): \(error)")
        }
        return Set(summary.scenarios.filter { $0.status == .failed || $0.status == .error }.map(\.id))
    }

    // MARK: - Listing

    static func list(_ configuration: ConformanceRun.Configuration, context: CommandContext) throws -> ExitCode {
        let loaded = ScenarioLoader.standard.load(paths: configuration.paths, resolve: context.resolve(path:))
        var selected: Set<String>
        do {
            selected = try configuration.selection.select(ids: loaded.scenarios.map { ($0.id, $0.tags) })
        } catch {
            throw UsageError(error.message)
        }
        if let only = configuration.onlyIDs { selected.formIntersection(only) }
        for scenario in loaded.scenarios where selected.contains(scenario.id) {
            context.output.line(scenario.id)
        }
        for error in loaded.errors { context.output.error("error: \(error.description)") }
        context.output.error("\(selected.count) of \(NumberText.count(loaded.scenarios.count, "scenario")) selected")
        if loaded.scenarios.isEmpty, loaded.errors.isEmpty { return .usage }
        return loaded.errors.isEmpty ? .success : .usage
    }
}
