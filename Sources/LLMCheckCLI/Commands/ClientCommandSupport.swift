import Foundation
import HTTPWire
import ProviderClient

/// Options and helpers shared by `models`, `chat` and `discover`.
enum ClientCommandSupport {
    /// `models`: a model list is answered at once by every provider, so nobody should wait long:
    /// connect 5 s per address, response headers 20 s, 20 s between body pieces, 30 s in all.
    static let modelsTimeouts = RequestTimeouts(connect: .seconds(5), headers: .seconds(20), idle: .seconds(20), total: .seconds(30))
    /// `chat`: a local model may load for a minute or two before the first byte and generate for
    /// minutes, so: connect 5 s, response headers 120 s, 60 s of stream silence, 300 s in all.
    static let chatTimeouts = RequestTimeouts(connect: .seconds(5), headers: .seconds(120), idle: .seconds(60), total: .seconds(300))

    /// The endpoint options, with the command's default timeouts in the help.
    static func endpointOptions(timeouts: RequestTimeouts) -> [OptionSpec] {
        func seconds(_ value: Duration?) -> String { value.map { "\(Int($0.secondsDouble)) s" } ?? "none" }
        return [
            .option("--url", value: "URL", help: "Base URL of the provider (OLLAMA_HOST syntax: host, :port, http://h:p/v1 …)."),
            .option("--provider", "-p", value: "KIND", help: "ollama, lmstudio or openai (OpenAI-compatible: llama.cpp, vLLM, OpenAI). Default: from the port (11434 ollama, 1234 lmstudio, else openai)."),
            .option("--api-key", value: "KEY", help: "API key (default: OPENAI_API_KEY, LM_API_TOKEN or OLLAMA_API_KEY by provider). Never printed."),
            .flag("--no-proxy", help: "Ignore http_proxy/https_proxy/all_proxy (default: honoured like curl)."),
            .option("--connect-timeout", value: "SECONDS", help: "TCP connect timeout per address.", default: seconds(timeouts.connect)),
            .option(
                "--timeout", value: "SECONDS",
                help: "Bound on the whole request, retries included. The wait for response headers (default \(seconds(timeouts.headers))) and between body pieces (default \(seconds(timeouts.idle))) never exceeds it.",
                default: seconds(timeouts.total)),
            .option("--retries", value: "N", help: "Retries on connection errors, 408/409/429/5xx.", default: "2"),
        ]
    }

    /// The endpoint and client configuration from the command line and environment, and the
    /// "waiting for …" line its progress feeds (shown on a terminal after a silent second).
    static func makeClient(
        _ arguments: ParsedArguments, context: CommandContext, timeouts defaults: RequestTimeouts
    ) async throws -> (ProviderClient, [String], WaitingIndicator) {
        let url = arguments.string("--url")
        var kind: ProviderKind?
        var identification: String?
        if let text = arguments.string("--provider") {
            guard let parsed = ProviderKind(argument: text) else {
                throw UsageError("--provider must be ollama, lmstudio or openai, got '\(text)'")
            }
            kind = parsed
        }
        var timeouts = defaults
        if let connect = try arguments.seconds("--connect-timeout") {
            guard connect > 0 else { throw UsageError("--connect-timeout must be greater than 0") }
            timeouts.connect = .nanoseconds(Int64(min(connect, 86_400) * 1e9))
        }
        if let total = try arguments.seconds("--timeout") {
            guard total > 0 else { throw UsageError("--timeout must be greater than 0") }
            timeouts = timeouts.capped(to: .nanoseconds(Int64(min(total, 7 * 86_400) * 1e9)))
            timeouts.total = .nanoseconds(Int64(min(total, 7 * 86_400) * 1e9))
        }
        let indicator = WaitingIndicator(output: context.output, origin: url ?? "the provider")
        let started = MonotonicInstant.now()
        if kind == nil {
            guard let url else {
                indicator.stop()
                throw UsageError("give --url (e.g. --url http://127.0.0.1:11434) or --provider to read the environment")
            }
            // The key goes along so a keyed server (llama.cpp /props) can be fingerprinted too.
            let key = arguments.string("--api-key") ?? context.environment["OPENAI_API_KEY"] ?? context.environment["LM_API_TOKEN"]
            // --connect-timeout also bounds the identification probes when it is longer than theirs.
            let connect = try arguments.seconds("--connect-timeout")
            indicator.setWaiting(for: "the server to identify itself (--provider skips this)")
            // Identification (two rounds of probes) gets at most half of --timeout and the request what is
            // left: --timeout bounds the whole command, identification included.
            (kind, identification) = await identifyKind(of: url, apiKey: key, connectTimeout: connect, within: timeouts.total.map { $0 / 4 })
            indicator.setWaiting(for: nil)
            if let total = timeouts.total { timeouts = timeouts.capped(to: max(total - started.elapsed, .milliseconds(1))) }
        }
        let resolved: ProviderEnvironment
        do {
            resolved = try ProviderEnvironment.resolve(kind: kind ?? .openaiCompatible, url: url, apiKey: arguments.string("--api-key"), environment: context.environment)
        } catch {
            indicator.stop()
            throw UsageError(error.message)
        }
        let retries = try arguments.int("--retries", in: 0...10) ?? 2
        let proxy = arguments.flag("--no-proxy") ? ProxySettings.none : ProxySettings.fromEnvironment(context.environment)
        var notes = resolved.notes
        if let identification { notes.append(identification) }
        if let route = proxy.proxy(scheme: resolved.endpoint.scheme, host: resolved.endpoint.host) {
            notes.append("via proxy \(route) (from \(proxy.sources.joined(separator: ", "))); --no-proxy to bypass")
        }
        var configuration = ProviderClientConfiguration(
            timeouts: timeouts, progress: { indicator.update($0) }, retry: RetryPolicy(maxRetries: retries), proxy: proxy)
        // Under `llmcheck run --client`, name the request so the run links the mock's journal to it.
        if let testID = context.environment["LLMCHECK_TEST_ID"], !testID.isEmpty { configuration.extraHeaders.add(name: "X-Test-Id", value: testID) }
        return (ProviderClient(endpoint: resolved.endpoint, configuration: configuration), notes, indicator)
    }

    /// The API family of an unlabelled `--url`: a path ending in `/v1` means OpenAI-compatible;
    /// otherwise what answers there is fingerprinted (Ollama banner, LM Studio `/api/v0`, llama.cpp,
    /// vLLM…), and only when nothing answers does the port decide (11434 Ollama, 1234 LM Studio).
    static func identifyKind(of url: String, apiKey: String? = nil, connectTimeout: Double? = nil, within limit: Duration? = nil) async -> (ProviderKind, String?) {
        guard let endpoint = try? ProviderEndpoint.parse(url, kind: .openaiCompatible) else { return (.openaiCompatible, nil) }
        let byPort: ProviderKind = switch endpoint.port {
        case 11434: .ollama
        case 1234: .lmstudio
        default: .openaiCompatible
        }
        if endpoint.basePath.hasSuffix("/v1") || endpoint.scheme != "http" { return (byPort == .lmstudio ? .lmstudio : .openaiCompatible, nil) }
        let discovery = ProviderDiscovery(host: endpoint.host, ports: [endpoint.port], timeouts: probeTimeouts(connect: connectTimeout).capped(to: limit), apiKey: apiKey)
        guard let found = await discovery.fingerprint(port: endpoint.port), let kind = found.flavor.kind else { return (byPort, nil) }
        let version = found.version.map { " \($0)" } ?? ""
        return (kind, "identified \(found.flavor.rawValue)\(version) at \(endpoint.host):\(endpoint.port) (--provider to skip the probe)")
    }

    /// Discovery's probe timeouts, lengthened to `connect` seconds (connect, headers, idle; twice
    /// that in total) when it is longer than the probe's own 300 ms.
    static func probeTimeouts(connect: Double?) -> ProviderTimeouts {
        let probe = ProviderTimeouts.probe
        guard let connect, connect > 0.3 else { return probe }
        let wait = Duration.nanoseconds(Int64(connect * 1e9))
        return ProviderTimeouts(connect: wait, headers: max(probe.headers ?? wait, wait), idle: max(probe.idle ?? wait, wait), total: max(probe.total ?? wait, wait * 2))
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
