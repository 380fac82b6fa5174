import Foundation
import HTTPWire
import MockProviders

/// `llmcheck record`: `llmcheck proxy --record` writing one named file (kept as an alias; one proxy).
public enum RecordCommand: Command {
    public static let spec = CommandSpec(
        name: "record",
        abstract: "Record real provider traffic (with timing) as a replayable fixture (alias of proxy --record).",
        discussion: """
            Point your client at the printed URL instead of the provider. Every exchange is forwarded to
            --upstream (plain http only; https:// is refused with the reason), streamed back as it arrives, and
            added to --out with the arrival offset of every SSE event / NDJSON line; the directory of --out is
            created when missing. The file is rewritten after each exchange, so stopping with Ctrl-C loses
            nothing; an exchange cut short (the client left mid-stream) is kept, marked "incomplete", with a log
            line. Request headers are never recorded (the matcher keeps method, path, the body's model and
            whether the request streamed); Set-Cookie and similar response headers are dropped.
            Replay with: llmcheck serve <provider> --fixtures DIR. Same as: llmcheck proxy --record DIR.

            EXAMPLE:
              llmcheck record --upstream http://127.0.0.1:11434 --out MockServers/ollama/recorded.json --provider ollama

            EXIT CODES: 130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM (after the summary line), 64 bad option
            or --out not creatable (or a directory), 69 cannot bind.
            """,
        options: [
            .option("--upstream", value: "URL", help: "The real provider, e.g. http://127.0.0.1:11434."),
            .option("--out", value: "FILE", help: "Fixture file to write (its directory is created)."),
            .option("--provider", value: "NAME", help: "ollama, lmstudio or openai (stored in the fixture)."),
            .option("--host", value: "HOST", help: "Address to bind.", default: "127.0.0.1"),
            .option("--port", value: "PORT", help: "Port to listen on (0 = any free port).", default: "0"),
            .flag("--verbose", "-v", help: "Print a one-line timing summary per request on standard error."),
        ]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard let upstreamText = arguments.string("--upstream") else { throw UsageError("--upstream URL is required") }
        guard let out = arguments.string("--out") else { throw UsageError("--out FILE is required") }
        let upstream: ProxyUpstream
        do { upstream = try ProxyUpstream(parsing: upstreamText) } catch { throw UsageError(error.description) }
        var provider: MockProviderKind?
        if let name = try arguments.choice("--provider", from: MockProviderKind.allCases.map(\.rawValue)) {
            provider = MockProviderKind(rawValue: name)
        }
        let port = try arguments.int("--port", in: 0...65535) ?? 0
        let host = arguments.string("--host") ?? "127.0.0.1"
        let path = context.resolve(path: out)
        let recorder = try ProxyCommand.makeRecorder(writingTo: path, shown: out, flag: "--out", provider: provider, context: context)
        var configuration = ProxyConfiguration(upstream: upstream, provider: provider, server: HTTPServerConfiguration(host: host, port: UInt16(port)))
        if let token = try ServeCommand.controlToken(arguments, context: context) { configuration.controlToken = token }
        return await ProxyCommand.serve(configuration, recorder: recorder, arguments: arguments, context: context, name: "record", recordPath: out)
    }
}
