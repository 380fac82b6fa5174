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
            (scriptable with --port 0). Notes (seed, faults, fixtures) go to standard error. The journal
            and faults can be inspected and changed on the same port under /__llmcheck/ (health, faults,
            journal, reset).

            \(FaultSpec.helpText)

            EXAMPLES:
              llmcheck serve ollama --port 11434
              llmcheck serve openai --api-key sk-test --fault 'status=429,retry_after_ms=500,times=1'
              llmcheck serve ollama lmstudio openai --port 0 --ttft 200ms --tps 40 --jitter 0.1 --seed 7
              llmcheck serve ollama --fixtures MockServers --speed 0

            EXIT CODES: 0 stopped by a signal, 64 bad option, fault or fixture, 69 cannot bind.
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
            .option("--ttft", value: "DUR", help: "Time to first token, e.g. 200ms.", default: "0"),
            .option("--tps", value: "N", help: "Tokens per second while streaming (0 = no delay).", default: "0"),
            .option("--jitter", value: "F", help: "Relative jitter of every delay, 0-1 (seeded).", default: "0"),
            .option("--reply", value: "TEXT", help: "Fixed reply text instead of seeded generated words."),
            .option("--origins", value: "LIST", help: "Ollama: extra allowed browser origins (OLLAMA_ORIGINS syntax)."),
            .option("--journal", value: "FILE", help: "Write the request journal as JSON lines to FILE on exit."),
            .flag("--no-host-check", help: "Ollama: do not apply the DNS-rebinding Host check."),
            .flag("--no-jit", help: "LM Studio: do not load unloaded models on demand."),
            .flag("--unknown-endpoint-404", help: "LM Studio: answer unknown paths 404 instead of 200 + error."),
        ],
        positionals: [PositionalSpec(name: "provider", help: "ollama, lmstudio or openai (several allowed).", isVariadic: true)]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let configurations = try makeConfigurations(arguments, context: context)
        var servers: [MockProviderServer] = []
        for var configuration in configurations {
            // Session mode: GET /__llmcheck/verdict judges the journal with the runner's verdicts.
            configuration.sessionJudge = SessionVerdict()
            let server = MockProviderServer(configuration: configuration)
            do {
                try server.start()
            } catch {
                context.output.error("error: cannot serve \(configuration.provider) on \(configuration.server.host):\(configuration.server.port): \(error)")
                for s in servers { await s.shutdown(grace: .zero) }
                return .unavailable
            }
            servers.append(server)
        }
        for server in servers { context.output.line(server.baseURL) }
        for server in servers {
            let c = server.configuration
            var note = "llmcheck serve: \(c.provider) on \(server.baseURL) (seed \(c.seed), \(c.models.count) models"
            if !c.fixtures.isEmpty { note += ", \(c.fixtures.reduce(0) { $0 + $1.exchanges.count }) fixture exchanges" }
            note += ")"
            context.output.error(note)
            for f in server.faults { context.output.error("  fault #\(f.id): \(f.spec)") }
        }
        context.output.error("Press Ctrl-C to stop.")
        await waitForTerminationSignal()
        context.output.error("llmcheck serve: stopping")
        for server in servers { await server.shutdown(grace: .seconds(1)) }
        if let path = arguments.string("--journal") {
            var text = ""
            for server in servers { for e in server.journal() { text += e.jsonValue.serialized() + "\n" } }
            do {
                try text.write(toFile: context.resolve(path: path), atomically: true, encoding: .utf8)
            } catch {
                context.output.error("error: cannot write journal \(path): \(error)")
                return .cannotCreate
            }
        }
        return .success
    }

    /// The configuration of every provider named on the command line.
    static func makeConfigurations(_ arguments: ParsedArguments, context: CommandContext) throws -> [MockConfiguration] {
        guard !arguments.positionals.isEmpty else {
            throw UsageError("name at least one provider: ollama, lmstudio or openai")
        }
        var kinds: [MockProviderKind] = []
        for name in arguments.positionals {
            guard let kind = MockProviderKind(rawValue: name.lowercased()) else {
                let near = ArgumentParser.suggestion(for: name.lowercased(), among: ["ollama", "lmstudio", "openai"])
                throw UsageError("unknown provider '\(name)'; " + (near.map { "did you mean '\($0)'?" } ?? "expected ollama, lmstudio or openai"))
            }
            kinds.append(kind)
        }
        let host = arguments.string("--host") ?? "127.0.0.1"
        let port = try arguments.int("--port", in: 0...65535) ?? 0
        if port != 0, port + kinds.count - 1 > 65535 { throw UsageError("--port \(port) leaves no room for \(kinds.count) providers") }
        var faults: [FaultSpec] = []
        for text in arguments.strings("--fault") {
            do { faults.append(try FaultSpec.parse(text)) } catch { throw UsageError("--fault: \(error.description)") }
        }
        let seed: UInt64
        if let text = arguments.string("--seed") {
            guard let s = UInt64(text) else { throw UsageError("--seed expects a whole number ≥ 0, got '\(text)'") }
            seed = s
        } else {
            seed = UInt64.random(in: 1...999_999)
        }
        var physics = StreamingPhysics()
        if let ttft = try arguments.seconds("--ttft") { physics.timeToFirstToken = .nanoseconds(Int64(ttft * 1e9)) }
        if let text = arguments.string("--tps") {
            guard let v = CheckedNumber.number(text, in: 0...1e9), v == 0 || v >= 1e-3 else {
                throw UsageError("--tps expects 0 or a number of tokens per second from 0.001 to 1000000000, got '\(text)'")
            }
            physics.tokensPerSecond = v
        }
        if let text = arguments.string("--jitter") {
            guard let v = Double(text), (0...1).contains(v) else { throw UsageError("--jitter expects a fraction between 0 and 1, got '\(text)'") }
            physics.jitter = v
        }
        var speed = 1.0
        if let text = arguments.string("--speed") {
            guard let v = Double(text), v >= 0, v.isFinite else { throw UsageError("--speed expects a number ≥ 0 (0 = no delays), got '\(text)'") }
            speed = v
        }
        let modelNames = arguments.string("--models").map { $0.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty } }
        if let modelNames, modelNames.isEmpty { throw UsageError("--models needs at least one model name") }
        let origins = arguments.string("--origins").map { $0.split(separator: ",").map { $0.trimmingSpaces() } } ?? []
        var out: [MockConfiguration] = []
        for (i, kind) in kinds.enumerated() {
            var fixtures: [Fixture] = []
            if let dir = arguments.string("--fixtures") {
                let path = context.resolve(path: dir)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw UsageError("--fixtures: '\(dir)' is not a directory")
                }
                do { fixtures = try FixtureLoader.loadFixtures(directory: path, provider: kind) } catch {
                    throw UsageError("--fixtures: bad fixture\n\(error.description)")
                }
            }
            var c = MockConfiguration(provider: kind)
            if let modelNames { c.models = modelNames.map { MockModel.guessed(from: $0, provider: kind) } }
            c.seed = seed
            c.apiKey = arguments.string("--api-key")
            c.physics = physics
            c.replyText = arguments.string("--reply")
            c.faults = faults
            c.fixtures = fixtures
            c.replaySpeed = speed
            c.allowedOrigins = origins
            c.checksHost = !arguments.flag("--no-host-check")
            c.lmStudio.isJITLoadingEnabled = !arguments.flag("--no-jit")
            c.lmStudio.returns200ForUnknownEndpoints = !arguments.flag("--unknown-endpoint-404")
            c.server = HTTPServerConfiguration(host: host, port: port == 0 ? 0 : UInt16(port + i))
            out.append(c)
        }
        return out
    }

    /// Suspends until SIGINT or SIGTERM arrives (the shared ``Interrupt`` mechanism).
    static func waitForTerminationSignal() async {
        _ = await Interrupt.waitForSignal()
    }
}
