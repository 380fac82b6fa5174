import Foundation
import Diagnosis
import HTTPWire
import ProviderClient

/// `llmcheck discover`: probe well-known loopback ports and fingerprint what answers.
public enum DiscoverCommand: Command {
    public static let spec = CommandSpec(
        name: "discover", abstract: "Find LLM providers listening on this machine.",
        discussion: """
            Probes the ports concurrently with short timeouts (connect 300 ms, headers 1.5 s) and
            fingerprints each answer: Ollama (GET / banner, /api/version), LM Studio (/api/v0/models,
            X-Powered-By: Express), llama.cpp (Server: llama.cpp, /props, /health — also behind
            --api-key, whose /health and Server header are public), vLLM (/version, owned_by vllm) or a
            generic OpenAI-compatible /v1/models. --api-key is sent with the probes (default:
            OPENAI_API_KEY); --connect-timeout lengthens the probes on a slow or busy machine.

            EXIT CODES: 0 at least one provider found, 1 none found, 64 usage.
            """,
        options: [
            .option("--ports", value: "LIST", help: "Ports and ranges, as for diagnose --scan-ports (11434,1234,8000-8002).", default: ProviderDiscovery.defaultPorts.map(String.init).joined(separator: ",")),
            .option("--host", value: "HOST", help: "Host to probe.", default: "127.0.0.1"),
            .option("--api-key", value: "KEY", help: "Key sent with the probes (default: OPENAI_API_KEY). Never printed."),
            .option("--connect-timeout", value: "SECONDS", help: "Connect and header budget per probe.", default: "0.3"),
            .flag("--json", help: "Print JSON."),
        ])

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        var ports = ProviderDiscovery.defaultPorts
        if let text = arguments.string("--ports") {
            // The same list syntax as `diagnose --scan-ports`, ranges included.
            do { ports = try DiagnosisConfiguration.parsePorts(text, option: "--ports") } catch { throw UsageError(error.message) }
        }
        let connect = try arguments.seconds("--connect-timeout")
        if let connect, connect <= 0 { throw UsageError("--connect-timeout must be greater than 0") }
        let timeouts = ClientCommandSupport.probeTimeouts(connect: connect)
        let key = arguments.string("--api-key") ?? context.environment["OPENAI_API_KEY"]
        let discovery = ProviderDiscovery(host: arguments.string("--host") ?? "127.0.0.1", ports: ports, timeouts: timeouts, apiKey: key)
        let found = await discovery.discover()
        if arguments.flag("--json") {
            let items: [JSONValue] = found.map { provider in
                var item: JSONValue = ["host": .string(provider.host), "port": .int(Int(provider.port)), "flavor": .string(provider.flavor.rawValue)]
                item.set("kind", provider.flavor.kind.map { .string($0.rawValue) } ?? .null)
                item.set("version", provider.version.map { .string($0) } ?? .null)
                item.set("server", provider.server.map { .string($0) } ?? .null)
                item.set("latency_ms", .number(provider.latency.milliseconds))
                item.set("models", .array(provider.models.map { .string($0.id) }))
                item.set("evidence", .array(provider.evidence.map { .string($0) }))
                return item
            }
            let document: JSONValue = ["probed_ports": .array(ports.map { .int(Int($0)) }), "providers": .array(items)]
            context.output.line(document.prettySerialized())
        } else if found.isEmpty {
            context.output.line("no HTTP server answered on \(discovery.host) ports \(ports.map(String.init).joined(separator: ","))")
        } else {
            let rows = found.map { p -> [String] in
                [
                    String(p.port), p.flavor.rawValue, p.version ?? "-", String(p.models.count),
                    NumberText.fixed(p.latency.milliseconds, digits: 1) + " ms", p.evidence.joined(separator: "; "),
                ]
            }
            for line in ClientCommandSupport.table(["PORT", "PROVIDER", "VERSION", "MODELS", "LATENCY", "EVIDENCE"], rows) { context.output.line(line) }
        }
        return found.contains { $0.flavor != .otherHTTP } ? .success : .failure
    }
}
