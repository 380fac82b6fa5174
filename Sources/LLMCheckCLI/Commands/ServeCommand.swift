import Foundation
import HTTPWire
import MockProviders
import ScenarioRunner

/// `llmcheck serve`: run mock providers until SIGINT/SIGTERM.
public enum ServeCommand: Command {
    public static let spec = CommandSpec(
        name: "serve",
        abstract: "Serve a mock Ollama, LM Studio or OpenAI-compatible provider with faults.",
        discussion: """
            The first lines on standard output are the base URLs, one per provider, in the order given
            (scriptable with --port 0). Notes (listen address, seed, physics, faults, fixtures, control
            token) go to standard error. The journal and faults can be inspected and changed on the same
            port under /__llmcheck/ (health, faults, journal, reset); changes need the control token in
            the X-LLMCheck-Control-Token header and Content-Type: application/json (GET health is open).

            DURATIONS: a number with a unit (250ms, 1.5s, 2m); a bare number is seconds, as in fault
            specs and scenario files (--ttft 200 is 200 seconds; write --ttft 200ms).

            \(FaultSpec.helpText)

            EXAMPLES:
              llmcheck serve ollama --port 11434
              llmcheck serve openai --api-key sk-test --fault 'status=429,retry_after_ms=500,times=1'
              llmcheck serve ollama lmstudio openai --port 0 --ttft 200ms --tps 40 --jitter 0.1 --seed 7
              llmcheck serve ollama --fixtures MockServers --speed 0

            EXIT CODES: 0 stopped by a signal, 64 bad option, fault or fixture, 69 cannot bind,
            73 cannot write the --journal file.
            """,
        options: [
            .option("--host", value: "HOST", help: "Address to bind.", default: "127.0.0.1"),
            .option("--port", value: "PORT", help: "Port of the first provider (0 = any free port; further providers use PORT+1…).", default: "0"),
            .option("--fixtures", value: "DIR", help: "Replay recorded exchanges from DIR/<provider>/*.json (or DIR/*.json)."),
            .option("--speed", value: "X", help: "Fixture replay speed (2 = twice as fast, 0 = no delays).", default: "1"),
            .option("--fault", value: "SPEC", help: "Inject a fault (grammar below).", repeatable: true),
            .option("--seed", value: "N", help: "Seed of generated text, jitter and fault probabilities.", default: "random, printed"),
            .option("--api-key", value: "KEY", help: "Require this bearer key (OpenAI 401 invalid_api_key; LM Studio token)."),
            .option("--models", value: "A,B", help: "Models to serve instead of the provider's defaults."),
            .option("--ttft", value: "DUR", help: "Time to first token, e.g. 200ms or 1.5s (a bare number is seconds).", default: "0"),
            .option("--tps", value: "N", help: "Tokens per second while streaming (0 = no delay).", default: "0"),
            .option("--jitter", value: "F", help: "Relative jitter of every delay, 0-1 (seeded).", default: "0"),
            .option("--reply", value: "TEXT", help: "Fixed reply text instead of seeded generated words."),
            .option("--origins", value: "LIST", help: "Ollama: extra allowed browser origins (OLLAMA_ORIGINS syntax)."),
            .option("--journal", value: "FILE", help: "Write the request journal as JSON lines to FILE on exit (its directory must exist)."),
            .option("--control-token", value: "TOKEN", help: "Token that changes on /__llmcheck/ must send (else $LLMCHECK_CONTROL_TOKEN).", default: "random, printed"),
            .flag("--no-host-check", help: "Ollama: do not apply the DNS-rebinding Host check."),
            .flag("--no-jit", help: "LM Studio: do not load unloaded models on demand."),
            .flag("--unknown-endpoint-404", help: "LM Studio: answer unknown paths 404 instead of 200 + error."),
            .flag("--cors", help: "LM Studio: the \"Enable CORS\" server setting (preflights 204, Access-Control-Allow-Origin: *)."),
        ],
        positionals: [PositionalSpec(name: "provider", help: "ollama, lmstudio or openai (several allowed).", isVariadic: true)]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let configurations = try makeConfigurations(arguments, context: context)
        var journalPath: String?
        if let path = arguments.string("--journal") {
            let resolved = context.resolve(path: path)
            if let problem = journalProblem(resolved) {
                context.output.error("error: --journal \(path): \(problem)")
                return .cannotCreate
            }
            journalPath = resolved
        }
        var servers: [MockProviderServer] = []
        for var configuration in configurations {
            // Session mode: GET /__llmcheck/verdict judges the journal with the runner's verdicts.
            configuration.sessionJudge = SessionVerdict()
            let server = MockProviderServer(configuration: configuration)
            do {
                try server.start()
            } catch {
                context.output.error(bindFailureMessage(
                    error, doing: "serve \(configuration.provider)", host: configuration.server.host, port: configuration.server.port))
                for s in servers { await s.shutdown(grace: .zero) }
                return .unavailable
            }
            servers.append(server)
        }
        for server in servers { context.output.line(server.baseURL) }
        for line in startNotes(servers, arguments: arguments, context: context) { context.output.error(line) }
        context.output.error("Press Ctrl-C to stop.")
        await waitForTerminationSignal()
        context.output.error("llmcheck serve: stopping")
        for server in servers { await server.shutdown(grace: .seconds(1)) }
        if let journalPath, let path = arguments.string("--journal") {
            var text = ""
            for server in servers { for e in server.journal() { text += e.jsonValue.serialized() + "\n" } }
            do {
                try text.write(toFile: journalPath, atomically: true, encoding: .utf8)
            } catch {
                context.output.error("error: cannot write journal \(path): \(journalProblem(journalPath) ?? "write failed")")
                return .cannotCreate
            }
        }
        return .success
    }

    /// Suspends until SIGINT or SIGTERM arrives (the shared ``Interrupt`` mechanism).
    static func waitForTerminationSignal() async {
        _ = await Interrupt.waitForSignal()
    }
}
