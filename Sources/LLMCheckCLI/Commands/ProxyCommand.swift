import Foundation
import HTTPWire
import MockProviders

/// `llmcheck proxy`: faults and per-hop timing between a real app and a real provider.
public enum ProxyCommand: Command {
    public static let spec = CommandSpec(
        name: "proxy",
        abstract: "Put faults, intermediaries and per-hop timing between your app and a real provider.",
        discussion: """
            Point your app at the printed URL (first line of standard output) instead of the provider. Every
            request is forwarded to --upstream (plain http://) and the answer streamed back as it arrives: the
            head as soon as the upstream's head arrives, each SSE event or NDJSON line as soon as it is complete.
            The --fault grammar, schedules and the /__llmcheck/ control API (health, faults, journal, reset) are
            the same as `serve`'s; "after N chunks" counts the upstream's events. status= faults are answered
            by the proxy without contacting the upstream, in the provider's error dialect (--provider, or guessed
            from the upstream port: 11434 Ollama, 1234 LM Studio, else OpenAI). A dead upstream is warned about at
            start-up and answered 502 naming the upstream and the errno. The journal records per chunk when it
            arrived from the upstream and when it went out (see docs/proxy.md); -v prints one line per request.

            \(FaultSpec.helpText)

            \(ToxicKind.helpText)
            Toxics and emulations are listed and changed at runtime under /__llmcheck/toxics (GET, POST one spec
            per line, DELETE [/ID]); GET /__llmcheck/proxy shows the upstream and emulations.

            EXAMPLES:
              llmcheck proxy --upstream http://127.0.0.1:11434 --port 11435 -v
              llmcheck proxy --upstream http://127.0.0.1:8080 --fault 'stall=3,for=10s,request=2'
              llmcheck proxy --upstream http://127.0.0.1:11434 --record MockServers

            EXIT CODES: 130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM (after the summary line and the
            --journal/--record files are written), 64 bad option or fault, 69 cannot bind, 73 cannot write --record/--journal.
            """,
        options: [
            .option("--upstream", value: "URL", help: "The real provider, e.g. http://127.0.0.1:11434 (http only)."),
            .option("--host", value: "HOST", help: "Address to bind.", default: "127.0.0.1"),
            .option("--port", value: "PORT", help: "Port to listen on (0 = any free port).", default: "0"),
            .option("--provider", value: "NAME", help: "ollama, lmstudio or openai: error dialect and recorded provider.", default: "guessed from the port"),
            .option("--fault", value: "SPEC", help: "Inject a fault (grammar below).", repeatable: true),
            .option("--toxic", value: "SPEC", help: "Add a TCP toxic (Toxiproxy names, table below).", repeatable: true),
            .option("--emulate", value: "ITEM", help: "Emulate an intermediary: buffer=until-close|SIZE, gzip, idle-timeout=DUR[:cut], content-type=T, status-rewrite=A:B, strip-header=N, replay-on-reconnect.", repeatable: true),
            .option("--record", value: "DIR", help: "Record every exchange as a fixture in DIR/<provider>/recorded.json (created)."),
            .option("--journal", value: "FILE", help: "Write the request journal as JSON lines to FILE on exit."),
            .option("--seed", value: "N", help: "Seed of fault probabilities.", default: "random, printed"),
            .option("--control-token", value: "TOKEN", help: "Token that changes on /__llmcheck/ must send (else $LLMCHECK_CONTROL_TOKEN).", default: "random, printed"),
            .flag("--verbose", "-v", help: "Print a one-line timing summary per request on standard error."),
        ]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard let upstreamText = arguments.string("--upstream") else { throw UsageError("--upstream URL is required, e.g. --upstream http://127.0.0.1:11434") }
        let upstream: ProxyUpstream
        do { upstream = try ProxyUpstream(parsing: upstreamText) } catch { throw UsageError(error.description) }
        var provider: MockProviderKind?
        if let name = try arguments.choice("--provider", from: MockProviderKind.allCases.map(\.rawValue)) {
            provider = MockProviderKind(rawValue: name)
        }
        let faults = try ServeCommand.faults(arguments)
        let seed = try arguments.uint64("--seed") ?? UInt64.random(in: 1...999_999)
        var toxics: [ToxicSpec] = []
        for text in arguments.strings("--toxic") {
            do { toxics.append(try ToxicSpec.parse(text)) } catch { throw UsageError(error.description) }
        }
        var emulations: [ProxyEmulation] = []
        for text in arguments.strings("--emulate") {
            do { emulations += try ProxyEmulation.parse(text) } catch { throw UsageError(error.description) }
        }
        let port = try arguments.int("--port", in: 0...65535) ?? 0
        let host = arguments.string("--host") ?? "127.0.0.1"
        var configuration = ProxyConfiguration(
            upstream: upstream, provider: provider, server: HTTPServerConfiguration(host: host, port: UInt16(port)),
            faults: faults, seed: seed)
        let kind = configuration.provider
        var recorder: ProxyRecorder?
        var recordPath: String?
        if let dir = arguments.string("--record") {
            let path = context.resolve(path: dir) + "/" + kind.rawValue + "/recorded.json"
            recorder = try makeRecorder(writingTo: path, shown: path, flag: "--record", provider: provider ?? kind, context: context)
            recordPath = path
        }
        configuration.toxics = toxics
        configuration.emulations = emulations
        if let token = try ServeCommand.controlToken(arguments, context: context) { configuration.controlToken = token }
        return await serve(configuration, recorder: recorder, arguments: arguments, context: context, name: "proxy", recordPath: recordPath)
    }

    /// A recorder that rewrites `path` after every exchange (its directory created now).
    ///
    /// - Throws: ``UsageError`` naming `flag` and the path when `path` is a directory, or naming the
    ///   directory when it cannot be created or written (checked now so no recording is lost at exit).
    static func makeRecorder(writingTo path: String, shown: String, flag: String, provider: MockProviderKind?, context: CommandContext) throws -> ProxyRecorder {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UsageError("\(flag) \(shown) is a directory; name the fixture file to write, e.g. \(flag) \((shown as NSString).appendingPathComponent("recorded.json"))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw UsageError("cannot create the directory \(directory) for \(shown): \(error.localizedDescription)")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw UsageError("cannot write \(shown): directory \(directory) is not writable")
        }
        let output = context.output
        return ProxyRecorder(provider: provider) { fixture, exchange in
            let text = fixture.jsonValue.prettySerialized() + "\n"
            do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                output.error("error: cannot write \(shown): \(error)")
            }
            let state = exchange.isIncomplete ? "incomplete (the stream was cut before its end)" : "complete"
            output.error("recorded \(exchange.name ?? "") \(state) (\(fixture.exchanges.count) exchanges in \(shown))")
        }
    }

    /// Starts the proxy, prints its URL, waits for a signal, writes the journal.
    static func serve(
        _ configuration: ProxyConfiguration, recorder: ProxyRecorder?, arguments: ParsedArguments, context: CommandContext,
        name: String, recordPath: String?
    ) async -> ExitCode {
        let output = context.output
        let verbose = arguments.flag("--verbose")
        let proxy = ProxyServer(configuration: configuration, recorder: recorder) { entry in
            if verbose { output.error("llmcheck \(name): " + ProxyEngine.summary(entry)) }
        }
        do { try proxy.start() } catch {
            output.error("error: cannot listen on \(configuration.server.host):\(configuration.server.port): \(error)")
            return .unavailable
        }
        output.line(proxy.baseURL)
        output.error("llmcheck \(name): \(proxy.baseURL) → \(configuration.upstream.url)\(configuration.upstream.basePath) (\(configuration.provider) error dialect, seed \(configuration.seed))")
        // A token the user chose is a secret of theirs: never echoed (as `serve` does).
        if arguments.string("--control-token") == nil, (context.environment[ServeCommand.controlTokenVariable] ?? "").isEmpty {
            output.error("  control token: \(configuration.controlToken) (send it in \(MockConfiguration.controlTokenHeader) to change faults, toxics or reset)")
        } else {
            output.error("  control token: as given (send it in \(MockConfiguration.controlTokenHeader) to change faults, toxics or reset)")
        }
        for line in exposureNotes(configuration, port: proxy.port) { output.error(line) }
        for f in proxy.engine.faultPlan.faults { output.error("  fault #\(f.id): \(f.spec)") }
        for t in proxy.engine.toxicPlan.toxics { output.error("  toxic #\(t.id): \(t.spec)") }
        for e in configuration.emulations { output.error("  emulating \(e)") }
        if let recordPath { output.error("  recording into \(recordPath)") }
        let upstream = configuration.upstream
        if let warning = (try? await runOnDedicatedThread(name: "llmcheck-probe") { upstream.probe() }) ?? nil { output.error("warning: \(warning)") }
        output.error("Press Ctrl-C to stop.")
        let signal = await Interrupt.waitForSignal()
        await proxy.shutdown(grace: .seconds(1))
        let journal = proxy.journal()
        output.error("llmcheck \(name): " + summary(journal))
        if let recorder { output.error("llmcheck \(name): \(recorder.fixture.exchanges.count) exchanges recorded") }
        if let path = arguments.string("--journal") {
            let text = journal.map { $0.jsonValue.serialized() + "\n" }.joined()
            do { try text.write(toFile: context.resolve(path: path), atomically: true, encoding: .utf8) } catch {
                output.error("error: cannot write journal \(path): \(error)")
                return .cannotCreate
            }
        }
        return signal.map(ExitCode.stopped(by:)) ?? .success
    }

    /// The start notes for a listener beyond loopback (``ListenExposure``, as `serve` prints them).
    static func exposureNotes(_ configuration: ProxyConfiguration, port: UInt16) -> [String] {
        ListenExposure.notes(
            host: configuration.server.host, ports: [port], what: "the upstream through the proxy and its control endpoint /__llmcheck/",
            hasControlEndpoint: true)
    }

    /// The one-line summary at exit: `12 requests proxied, 2 errors` (an error: a status of 400 or
    /// more, or an exchange that did not complete).
    static func summary(_ journal: [JournalEntry]) -> String {
        let errors = journal.filter { $0.outcome != .completed || ($0.status ?? 0) >= 400 }.count
        let total = journal.last?.id ?? 0
        return "\(total) request\(total == 1 ? "" : "s") proxied, \(errors) error\(errors == 1 ? "" : "s")"
    }
}
