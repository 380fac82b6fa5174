import Foundation
import HTTPWire
import ProviderClient

/// Options and helpers shared by `models`, `chat` and `discover`.
enum ClientCommandSupport {
    static let endpointOptions: [OptionSpec] = [
        .option("--url", value: "URL", help: "Base URL of the provider (OLLAMA_HOST syntax: host, :port, http://h:p/v1 …)."),
        .option("--provider", "-p", value: "KIND", help: "ollama, lmstudio or openai (OpenAI-compatible: llama.cpp, vLLM, OpenAI). Default: from the port (11434 ollama, 1234 lmstudio, else openai)."),
        .option("--api-key", value: "KEY", help: "API key (default: OPENAI_API_KEY, LM_API_TOKEN or OLLAMA_API_KEY by provider). Never printed."),
        .flag("--no-proxy", help: "Ignore http_proxy/https_proxy/all_proxy (default: honoured like curl)."),
        .option("--connect-timeout", value: "SECONDS", help: "TCP connect timeout per address.", default: "5"),
        .option("--timeout", value: "SECONDS", help: "Headers and idle (between chunks) timeout.", default: "600"),
        .option("--retries", value: "N", help: "Retries on connection errors, 408/409/429/5xx.", default: "2"),
    ]

    /// The endpoint and client configuration from the command line and environment.
    static func makeClient(_ arguments: ParsedArguments, context: CommandContext) async throws -> (ProviderClient, [String]) {
        let url = arguments.string("--url")
        var kind: ProviderKind?
        var identification: String?
        if let text = arguments.string("--provider") {
            guard let parsed = ProviderKind(argument: text) else {
                throw UsageError("--provider must be ollama, lmstudio or openai, got '\(text)'")
            }
            kind = parsed
        }
        if kind == nil {
            guard let url else {
                throw UsageError("give --url (e.g. --url http://127.0.0.1:11434) or --provider to read the environment")
            }
            (kind, identification) = await identifyKind(of: url)
        }
        let resolved: ProviderEnvironment
        do {
            resolved = try ProviderEnvironment.resolve(kind: kind ?? .openaiCompatible, url: url, apiKey: arguments.string("--api-key"), environment: context.environment)
        } catch {
            throw UsageError(error.message)
        }
        var timeouts = ProviderTimeouts()
        if let connect = try arguments.seconds("--connect-timeout") { timeouts.connect = .nanoseconds(Int64(connect * 1e9)) }
        if let timeout = try arguments.seconds("--timeout") {
            timeouts.headers = .nanoseconds(Int64(timeout * 1e9))
            timeouts.idle = .nanoseconds(Int64(timeout * 1e9))
        }
        let retries = try arguments.int("--retries", in: 0...10) ?? 2
        let proxy = arguments.flag("--no-proxy") ? ProxySettings.none : ProxySettings.fromEnvironment(context.environment)
        var notes = resolved.notes
        if let identification { notes.append(identification) }
        if let route = proxy.proxy(scheme: resolved.endpoint.scheme, host: resolved.endpoint.host) {
            notes.append("via proxy \(route) (from \(proxy.sources.joined(separator: ", "))); --no-proxy to bypass")
        }
        let configuration = ProviderClientConfiguration(timeouts: timeouts, retry: RetryPolicy(maxRetries: retries), proxy: proxy)
        return (ProviderClient(endpoint: resolved.endpoint, configuration: configuration), notes)
    }

    /// The API family of an unlabelled `--url`: a path ending in `/v1` means OpenAI-compatible;
    /// otherwise what answers there is fingerprinted (Ollama banner, LM Studio `/api/v0`, llama.cpp,
    /// vLLM…), and only when nothing answers does the port decide (11434 Ollama, 1234 LM Studio).
    static func identifyKind(of url: String) async -> (ProviderKind, String?) {
        guard let endpoint = try? ProviderEndpoint.parse(url, kind: .openaiCompatible) else { return (.openaiCompatible, nil) }
        let byPort: ProviderKind = switch endpoint.port {
        case 11434: .ollama
        case 1234: .lmstudio
        default: .openaiCompatible
        }
        if endpoint.basePath.hasSuffix("/v1") || endpoint.scheme != "http" { return (byPort == .lmstudio ? .lmstudio : .openaiCompatible, nil) }
        let discovery = ProviderDiscovery(host: endpoint.host, ports: [endpoint.port])
        guard let found = await discovery.fingerprint(port: endpoint.port), let kind = found.flavor.kind else { return (byPort, nil) }
        let version = found.version.map { " \($0)" } ?? ""
        return (kind, "identified \(found.flavor.rawValue)\(version) at \(endpoint.host):\(endpoint.port) (--provider to skip the probe)")
    }

    /// Exit code for a provider failure: 69 when unreachable, 64 for bad configuration, else 1.
    static func exitCode(for error: ProviderError) -> ExitCode {
        switch error.code {
        case .connectionRefused, .unreachable, .dnsFailure, .connectTimeout, .proxyFailure, .tlsFailure, .noProviderAvailable: .unavailable
        case .invalidConfiguration: .usage
        default: .failure
        }
    }

    /// Reports a provider error on stderr with its context.
    static func report(_ error: ProviderError, context: CommandContext) -> ExitCode {
        context.output.error("error: \(error)")
        if let snippet = error.bodySnippet, !snippet.isEmpty, snippet != error.message {
            context.output.error("  body: \(String(snippet.prefix(300)).replacingOccurrences(of: "\n", with: "\\n"))")
        }
        return exitCode(for: error)
    }

    static func formatBytes(_ bytes: Int64?) -> String {
        guard let bytes, bytes > 0 else { return "-" }
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\(NumberText.fixed(value, digits: 1)) \(units[unit])"
    }

    /// Left-aligned columns.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
