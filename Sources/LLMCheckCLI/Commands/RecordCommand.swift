import Foundation
import HTTPWire
import MockProviders

/// `llmcheck record`: a recording proxy in front of a real provider.
public enum RecordCommand: Command {
    public static let spec = CommandSpec(
        name: "record",
        abstract: "Record real provider traffic (with timing) as a replayable fixture.",
        discussion: """
            Point your client at the printed URL instead of the provider. Every exchange is forwarded to
            --upstream unchanged (plain http only), streamed back as it arrives, and added to --out with the
            time offset of every body chunk. The file is rewritten after each exchange, so stopping with
            Ctrl-C loses nothing. Authorization and other request headers are never recorded (the matcher
            keeps method, path and the body's model/stream); Set-Cookie and similar response headers are dropped.
            Replay with: llmcheck serve <provider> --fixtures DIR

            EXAMPLE:
              llmcheck record --upstream http://127.0.0.1:11434 --out MockServers/ollama/recorded.json --provider ollama

            EXIT CODES: 0 stopped by a signal, 64 bad option, 69 cannot bind, 73 cannot write --out.
            """,
        options: [
            .option("--upstream", value: "URL", help: "The real provider, e.g. http://127.0.0.1:11434."),
            .option("--out", value: "FILE", help: "Fixture file to write."),
            .option("--provider", value: "NAME", help: "ollama, lmstudio or openai (stored in the fixture)."),
            .option("--host", value: "HOST", help: "Address to bind.", default: "127.0.0.1"),
            .option("--port", value: "PORT", help: "Port to listen on (0 = any free port).", default: "0"),
        ]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard let upstream = arguments.string("--upstream") else { throw UsageError("--upstream URL is required") }
        guard let out = arguments.string("--out") else { throw UsageError("--out FILE is required") }
        var provider: MockProviderKind?
        if let name = try arguments.choice("--provider", from: MockProviderKind.allCases.map(\.rawValue)) {
            provider = MockProviderKind(rawValue: name)
        }
        let port = try arguments.int("--port", in: 0...65535) ?? 0
        let host = arguments.string("--host") ?? "127.0.0.1"
        let path = context.resolve(path: out)
        let directory = (path as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: directory) else {
            context.output.error("error: cannot write \(out): directory \(directory) is not writable")
            return .cannotCreate
        }
        let output = context.output
        guard let proxy = RecordingProxy(
            upstream: upstream, provider: provider, configuration: HTTPServerConfiguration(host: host, port: UInt16(port)),
            onChange: { fixture in
                let text = fixture.jsonValue.prettySerialized() + "\n"
                do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                    output.error("error: cannot write \(out): \(error)")
                }
                output.error("recorded \(SecretMasking.redactTokens(fixture.exchanges.last?.name ?? "")) (\(fixture.exchanges.count) exchanges)")
            })
        else {
            throw UsageError("--upstream must be a plain http:// URL such as http://127.0.0.1:11434, got '\(SecretMasking.redactURL(upstream))'")
        }
        do { try proxy.start() } catch {
            context.output.error(ServeCommand.bindFailureMessage(error, doing: "listen", host: host, port: UInt16(port)))
            return .unavailable
        }
        context.output.line(proxy.baseURL)
        context.output.error("llmcheck record: forwarding \(proxy.baseURL) → \(SecretMasking.redactURL(upstream)), writing \(out). Press Ctrl-C to stop.")
        let exposure = ServeCommand.exposureNotes(
            host: host, ports: [proxy.port], what: "the recording proxy and, through it, \(SecretMasking.redactURL(upstream))", hasControlEndpoint: false)
        for line in exposure { context.output.error(line) }
        await ServeCommand.waitForTerminationSignal()
        await proxy.shutdown(grace: .seconds(1))
        context.output.error("llmcheck record: \(proxy.fixture.exchanges.count) exchanges in \(out)")
        return .success
    }
}
