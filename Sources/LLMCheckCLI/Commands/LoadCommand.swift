import Diagnosis
import Foundation
import HTTPWire
import LoadTesting
import ProviderClient
import Reporting

/// `llmcheck load`: a serving benchmark and load test against any endpoint.
public enum LoadCommand: Command {
    public static let spec = CommandSpec(
        name: "load", abstract: "Load-test an endpoint: TTFT, ITL, TPOT, E2E, throughput, goodput, broken streams.",
        discussion: """
            Closed loop (--concurrency N), open loop (--rate R with --arrival poisson|gamma|constant) or a sweep of
            either; every request is timed on the raw-socket client, and broken streams (malformed chunk, no
            terminator, no finish reason, reset, mid-stream error, wrong Content-Type) count as errors by class
            next to HTTP errors by status. Metric definitions and their vLLM / AIPerf / guidellm names: docs/load.md.
            Progress goes to standard error. Ctrl-C stops early and still prints and writes what was measured.
            Against 'llmcheck serve', the mock's journal splits TTFT and ITL into server and client side.

            EXAMPLES:
              llmcheck load --url http://127.0.0.1:11434 --model llama3.2 --concurrency 4 --requests 200
              llmcheck load --url http://127.0.0.1:8080/v1 --model m --rate 20 --arrival gamma --burstiness 0.5 --duration 60s
              llmcheck load --url http://127.0.0.1:8080 --sweep concurrency=1,4,16,64 --requests 400 --out Reports/load
              llmcheck load --url … --goodput ttft=500,tpot=50 --baseline main/load.json --out Reports/load
              llmcheck load --url … --rate 400 --shard 2/4 --out shard-2 ; llmcheck load merge shard-* --out merged

            EXIT CODES: 0 ran; 1 stopped by --max-error-rate or nothing completed; 2 regression against --baseline;
            64 bad command line, SLO spec or prompt file; 69 the endpoint is unreachable; 73 --out not writable;
            130 / 143 stopped by Ctrl-C / SIGTERM (results still printed and written).
            """,
        options: ClientCommandSupport.endpointOptions(timeouts: loadTimeouts).filter { $0.key != "--retries" } + [
            .option("--model", "-m", value: "MODEL", help: "Model to request (default: the first model the endpoint lists)."),
            .option("--concurrency", "-c", value: "N", help: "Closed loop: N requests in flight, each followed by the next.", default: "1"),
            .option("--rate", "-r", value: "R", help: "Open loop: R requests per second on a schedule, whatever the server does."),
            .option("--arrival", value: "KIND", help: "Open-loop gaps: poisson, gamma or constant.", default: "poisson"),
            .option("--burstiness", value: "B", help: "Gamma shape: 1 = Poisson, < 1 burstier, > 1 more regular (implies gamma)."),
            .option("--sweep", value: "DIM=LIST", help: "Run one level per value: concurrency=1,4,16,64 or rate=1,2,5."),
            .option("--requests", "-n", value: "N", help: "Measured requests per level (default 100 unless --duration)."),
            .option("--duration", "-d", value: "DUR", help: "Stop starting requests after DUR per level (30s, 2m)."),
            .option("--warmup", value: "N", help: "Requests sent first and left out of every figure.", default: "0"),
            .option("--seed", value: "N", help: "Seed of the arrival schedule and synthetic prompts.", default: "1"),
            .option("--prompt-words", value: "N", help: "Synthetic prompts of N words.", default: "32"),
            .option("--prompts", value: "FILE", help: "Prompts: one per line, or JSONL objects with messages or prompt."),
            .option("--max-tokens", value: "N", help: "Output token limit per request."),
            .flag("--no-stream", help: "Ask for whole answers (stream: false); TTFT then equals E2E."),
            .flag("--new-connections", help: "Open a new TCP connection for every request (default: keep connections alive, as pooled SDK clients do)."),
            .option("--goodput", value: "SLOS", help: "Objectives for goodput, all must hold: ttft=500,tpot=50,e2e=5000 (ms)."),
            .option("--max-error-rate", value: "F", help: "End a level early when more than F (0…1 or 5%) of finished requests failed."),
            .option("--shard", value: "I/N", help: "Run shard I of N: 1/N of the rate or concurrency and requests; merge with 'load merge'."),
            .flag("--json", help: "Print one JSON document (no per-request samples) instead of the table."),
            .option("--out", "-o", value: "DIR", help: "Write load.json (with samples), requests.csv and load.html."),
            .option("--baseline", value: "FILE", help: "A previous load.json (or its directory): exit 2 when a latency percentile regressed."),
            .option("--regression-percent", value: "PCT", help: "Relative increase that counts as a regression.", default: "25"),
            .option("--regression-ms", value: "MS", help: "Absolute increase (ms) that counts as a regression.", default: "20"),
            .flag("--quiet", "-q", help: "No progress lines."),
        ])

    /// Per request: connect 5 s, response headers 300 s (a local model may load first), 120 s of stream
    /// silence, no total limit (a long generation is what a load test measures).
    static let loadTimeouts = RequestTimeouts(connect: .seconds(5), headers: .seconds(300), idle: .seconds(120), total: nil)

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'; give the endpoint with --url")
        }
        var plan = try LoadPlan.parse(arguments, context: context)
        let output = context.output
        let (made, notes, indicator) = try await ClientCommandSupport.makeClient(arguments, context: context, timeouts: loadTimeouts)
        indicator.stop()  // the load has its own progress line
        if !plan.json { for note in notes { output.error("note: \(note)") } }
        var configuration = made.configuration
        configuration.retry = .none  // a load test counts every failure; nothing is retried
        configuration.progress = nil
        if !arguments.flag("--new-connections") { configuration.transport = KeepAliveTransport() }
        let client = ProviderClient(endpoint: made.endpoint, configuration: configuration)
        if let failure = await preflight(client, arguments: arguments, context: context) { return failure }
        if plan.model == nil {
            plan.model = (try? await client.listModels())?.first?.id
            guard plan.model != nil else { throw UsageError("--model is required (the endpoint listed no models)") }
        }
        plan.base.model = plan.model ?? "mock"

        let runPlan = plan
        let (levels, signal) = await Interrupt.run(onSignal: { _ in
            output.error("stopping: in-flight requests are cancelled; what was measured is reported (Ctrl-C again to quit at once)")
        }) {
            await runLevels(runPlan, client: client, context: context)
        }

        let endpoint = client.endpoint
        let target = LoadReport.Target(
            url: TextSanitizer.redactURL(endpoint.baseURL), provider: endpoint.kind.rawValue, model: plan.base.model,
            isStreaming: plan.base.isStreaming, maxTokens: plan.base.maxTokens, prompts: plan.base.prompts.origin, seed: plan.base.seed)
        let report = LoadReport(toolVersion: LLMCheckCLI.version, target: target, isSweep: plan.isSweep, levels: levels, shard: plan.base.shard)
        return try finish(report, plan: plan, signal: signal, context: context)
    }

    /// Fails fast, before any load, when nothing answers: the diagnose ladder explains why.
    static func preflight(_ client: ProviderClient, arguments: ParsedArguments, context: CommandContext) async -> ExitCode? {
        do {
            _ = try await client.checkHealth()
            return nil
        } catch {
            let unreachable: Set<ProviderError.Code> = [.connectionRefused, .unreachable, .dnsFailure, .connectTimeout, .tlsFailure, .proxyFailure]
            guard unreachable.contains(error.code) else {
                context.output.error("note: the health check failed (\(error.code.rawValue): \(error.message)); running the load anyway")
                return nil
            }
            var diagnosis = DiagnosisConfiguration(environment: context.environment)
            diagnosis.urls = [client.endpoint.baseURL]
            diagnosis.provider = client.endpoint.kind
            diagnosis.apiKey = arguments.string("--api-key")
            let report = await Diagnoser(configuration: diagnosis).run()
            context.output.error("error: \(client.endpoint.baseURL) is not reachable, so no load was sent: \(report.headline)")
            if let fix = report.findings.first?.fix { context.output.error("  fix: \(fix)") }
            return .unavailable
        }
    }

    static func runLevels(_ plan: LoadPlan, client: ProviderClient, context: CommandContext) async -> [LoadReport.Level] {
        var levels: [LoadReport.Level] = []
        for mode in plan.modes {
            if Task.isCancelled { break }
            var configuration = plan.base
            configuration.mode = mode
            let progress = LoadProgress()
            let runner = LoadRunner(client: client, configuration: configuration, progress: progress)
            let check = client.endpoint.scheme == "http" ? await JournalCrossCheck.begin(host: client.endpoint.host, port: client.endpoint.port) : nil
            if !plan.quiet, plan.modes.count > 1 { context.output.error("level: \(mode)") }
            let reporter = plan.quiet ? nil : Task { await LoadProgressPrinter.run(progress, output: context.output) }
            let result = await runner.run()
            reporter?.cancel()
            _ = await reporter?.value
            var summary = LoadSummary(result: result, objectives: configuration.objectives)
            if let check {
                // Not a child of the (possibly cancelled) run task: the journal is read even after Ctrl-C.
                if let split = await Task.detached(operation: { await check.split(client: result.samples) }).value { summary.attach(split) }
            }
            levels.append(LoadReport.Level(summary: summary, samples: result.samples))
            if result.stopReason == "interrupted" { break }
        }
        return levels
    }

    static func finish(_ report: LoadReport, plan: LoadPlan, signal: Int32?, context: CommandContext) throws -> ExitCode {
        let output = context.output
        var comparisons: [BaselineComparison] = []
        if let baseline = plan.baselinePath {
            do {
                comparisons = try LoadBaseline.compare(report, baselinePath: baseline, thresholds: plan.thresholds)
            } catch {
                output.error("error: \(error.message)")
                return .usage
            }
        }
        if plan.json {
            output.line(String(decoding: try report.withoutSamples.jsonData(), as: UTF8.self))
        } else {
            output.line(LoadConsoleRenderer.render(report))
            for row in comparisons.flatMap(\.metrics) where row.isRegression {
                output.line("regression: \(row.metric) \(row.statistic) \(LoadFormatText.ms(row.baseline)) → \(LoadFormatText.ms(row.current)) ms (\(NumberText.signedPercent(row.deltaPercent)))")
            }
        }
        if let directory = plan.outDirectory {
            do {
                let written = try LoadOutputWriter.write(report, to: directory, comparisons: comparisons)
                if !plan.json { output.error("wrote \(written.joined(separator: ", "))") }
            } catch {
                output.error("error: cannot write --out \(directory): \(error.localizedDescription)")
                return .cannotCreate
            }
        }
        if let signal { return .stopped(by: signal) }
        if comparisons.contains(where: \.hasRegression) { return .regression }
        let stoppedByErrors = report.levels.contains { $0.summary.stopReason == "max_error_rate" }
        let nothingCompleted = report.levels.contains { $0.summary.requests.completed == 0 }
        return stoppedByErrors || nothingCompleted ? .failure : .success
    }
}

/// Millisecond text for command output.
enum LoadFormatText {
    static func ms(_ value: Double) -> String { NumberText.fixed(value, digits: 2) }
}
