import HTTPWire

/// What answered on one port.
public struct DiscoveredProvider: Sendable {
    /// The server software recognised from its answers.
    public enum Flavor: String, Sendable, Hashable, CaseIterable {
        case ollama
        case lmstudio
        case llamacpp = "llama.cpp"
        case vllm
        case openaiCompatible = "openai-compatible"
        /// Something speaks HTTP but does not look like an LLM API (Open WebUI, a proxy, …).
        case otherHTTP = "other-http"

        /// The API family to talk to it with.
        public var kind: ProviderKind? {
            switch self {
            case .ollama: .ollama
            case .lmstudio: .lmstudio
            case .llamacpp, .vllm, .openaiCompatible: .openaiCompatible
            case .otherHTTP: nil
            }
        }
    }

    public var host: String
    public var port: UInt16
    public var flavor: Flavor
    public var version: String?
    public var models: [ModelInfo]
    /// Why the flavor was chosen (`GET / → "Ollama is running"`, `X-Powered-By: Express`, …).
    public var evidence: [String]
    /// Round trip of the first probe.
    public var latency: Duration
    /// The `Server` header, if any.
    public var server: String?

    /// An endpoint for talking to it (nil for ``Flavor/otherHTTP``).
    public var endpoint: ProviderEndpoint? {
        flavor.kind.map { ProviderEndpoint(kind: $0, host: host, port: port) }
    }
}

/// Finds LLM servers on this machine by probing well-known loopback ports concurrently, with
/// short timeouts, and fingerprinting whatever answers (docs/failures.md Appendix A).
///
/// * Ollama: `GET /` says `Ollama is running`; `GET /api/version`.
/// * LM Studio: `GET /api/v0/models` answers a list with `state`; `X-Powered-By: Express`;
///   unknown routes answer 200 `{"error":"Unexpected endpoint…"}`.
/// * llama.cpp: the `Server: llama.cpp` header (on every answer, 401s included), `GET /props`
///   (`default_generation_settings`, `n_ctx`; needs the key when the server has one), `GET /health`
///   `{"status":"ok"}` (key-exempt), `/v1/models` `owned_by: llamacpp`.
/// * vLLM: `GET /version`, `/v1/models` `owned_by: vllm` with `max_model_len`.
/// * Otherwise any `/v1/models` list: a generic OpenAI-compatible server.
public struct ProviderDiscovery: Sendable {
    /// Ollama, LM Studio, llama.cpp, vLLM/generic, KoboldCpp, Jan, vLLM alt, Flask-style, Ollama alt, Open WebUI, alt.
    public static let defaultPorts: [UInt16] = [11434, 1234, 8080, 8000, 5001, 1337, 8001, 5000, 11435, 3000, 8081]

    public var host: String
    public var ports: [UInt16]
    public var timeouts: ProviderTimeouts
    /// Transport override (tests); default raw sockets.
    public var transport: (any HTTPTransport)?
    /// Key sent with the probes, so that servers behind a key can be told apart (default none).
    public var apiKey: String?

    public init(
        host: String = "127.0.0.1", ports: [UInt16] = ProviderDiscovery.defaultPorts, timeouts: ProviderTimeouts = .probe,
        transport: (any HTTPTransport)? = nil, apiKey: String? = nil
    ) {
        self.host = host
        self.ports = ports
        self.timeouts = timeouts
        self.transport = transport
        self.apiKey = apiKey?.isEmpty == true ? nil : apiKey
    }

    /// Probes every port concurrently; returns what answered, in port-list order.
    public func discover() async -> [DiscoveredProvider] {
        await withTaskGroup(of: (Int, DiscoveredProvider?).self) { group in
            for (index, port) in ports.enumerated() {
                group.addTask { (index, await fingerprint(port: port)) }
            }
            var found: [(Int, DiscoveredProvider)] = []
            for await (index, result) in group { if let result { found.append((index, result)) } }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Fingerprints one port; nil when nothing answers HTTP there.
    public func fingerprint(port: UInt16) async -> DiscoveredProvider? {
        let endpoint = ProviderEndpoint(kind: .openaiCompatible, host: host, port: port, apiKey: apiKey)
        let client = ProviderClient(
            endpoint: endpoint, configuration: ProviderClientConfiguration(timeouts: timeouts, retry: .none, transport: transport))
        let root = await client.probe("/", timeouts: timeouts)
        guard root.status != nil else { return nil }
        async let versionProbe = client.probe("/api/version", timeouts: timeouts)
        async let modelsProbe = client.probe("/v1/models", timeouts: timeouts)
        async let v0Probe = client.probe("/api/v0/models", timeouts: timeouts)
        async let propsProbe = client.probe("/props", timeouts: timeouts)
        async let healthProbe = client.probe("/health", timeouts: timeouts)
        async let vllmVersionProbe = client.probe("/version", timeouts: timeouts)
        let (version, models, v0, props, health, vllmVersion) = await (versionProbe, modelsProbe, v0Probe, propsProbe, healthProbe, vllmVersionProbe)

        var evidence: [String] = []
        var flavor: DiscoveredProvider.Flavor = .otherHTTP
        var versionText: String?
        let owners = (models.json?["data"]?.arrayValue ?? []).compactMap { $0["owned_by"]?.stringValue }
        let poweredBy = root.headers["X-Powered-By"] ?? models.headers["X-Powered-By"]
        if root.text.hasPrefix("Ollama is running") {
            flavor = .ollama
            evidence.append("GET / → \"Ollama is running\"")
        }
        if version.isOK, let v = version.json?["version"]?.stringValue, flavor == .ollama || root.status == 404 {
            if flavor != .ollama { evidence.append("GET /api/version → {\"version\"}") }
            flavor = .ollama
            versionText = v
        }
        if flavor == .otherHTTP, v0.isOK, v0.json?["data"]?.arrayValue != nil {
            flavor = .lmstudio
            evidence.append("GET /api/v0/models → model list with state")
        }
        if flavor == .otherHTTP, root.json?["error"]?.stringValue?.contains("Unexpected endpoint") == true {
            flavor = .lmstudio
            evidence.append("GET / → 200 {\"error\":\"Unexpected endpoint…\"}")
        }
        if flavor == .lmstudio, let poweredBy { evidence.append("X-Powered-By: \(poweredBy)") }
        if flavor == .otherHTTP, props.isOK, let p = props.json, p["default_generation_settings"] != nil || p["n_ctx"] != nil || p["total_slots"] != nil {
            flavor = .llamacpp
            evidence.append("GET /props → llama.cpp server properties")
            versionText = p["build_info"]?.stringValue
        }
        if flavor == .otherHTTP, owners.contains("llamacpp") {
            flavor = .llamacpp
            evidence.append("/v1/models owned_by llamacpp")
        }
        // Public even behind --api-key: the Server header of any answer, and the key-exempt /health.
        let servers = [root, models, health, props].compactMap { $0.headers["Server"] }
        if flavor == .otherHTTP, let banner = servers.first(where: { $0.lowercased().hasPrefix("llama.cpp") }) {
            flavor = .llamacpp
            evidence.append("Server: \(banner)")
        }
        if flavor == .otherHTTP, health.isOK, health.json?["status"]?.stringValue == "ok", models.status == 401 || props.status == 401 {
            flavor = .llamacpp
            evidence.append("GET /health → {\"status\":\"ok\"} (key-exempt) while the API answers 401")
        }
        if flavor == .llamacpp, models.status == 401 || props.status == 401 {
            evidence.append(apiKey == nil ? "the server requires an API key (pass --api-key)" : "the key given was refused (401)")
        }
        if flavor == .otherHTTP, owners.contains("vllm") {
            flavor = .vllm
            evidence.append("/v1/models owned_by vllm")
            versionText = vllmVersion.json?["version"]?.stringValue
        }
        if flavor == .otherHTTP, models.isOK, models.json?["data"]?.arrayValue != nil {
            flavor = .openaiCompatible
            evidence.append("GET /v1/models → OpenAI model list")
            if health.isOK, health.json?["status"]?.stringValue == "ok" { evidence.append("GET /health → {\"status\":\"ok\"}") }
        }
        if flavor == .otherHTTP, models.status == 401 || models.status == 403 {
            flavor = .openaiCompatible
            evidence.append("GET /v1/models → \(models.status ?? 0) (an API key is required)")
        }
        if flavor == .otherHTTP {
            evidence.append("GET / → HTTP \(root.status ?? 0)" + (root.headers["Content-Type"].map { " (\($0))" } ?? ""))
        }
        var list: [ModelInfo] = []
        if let kind = flavor.kind {
            var providerEndpoint = endpoint
            providerEndpoint.kind = kind
            let typed = ProviderClient(
                endpoint: providerEndpoint, configuration: ProviderClientConfiguration(timeouts: timeouts, retry: .none, transport: transport))
            list = (try? await typed.listModels()) ?? []
        }
        return DiscoveredProvider(
            host: host, port: port, flavor: flavor, version: versionText, models: list, evidence: evidence, latency: root.elapsed,
            server: root.headers["Server"])
    }
}
