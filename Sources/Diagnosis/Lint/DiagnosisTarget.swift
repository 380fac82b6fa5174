import Foundation
import HTTPWire
import ProviderClient
/// The API family a client speaks.
public enum Dialect: String, Sendable, Hashable {
    /// Ollama's native `/api/*` (NDJSON streams).
    case ollamaNative = "ollama-native"
    /// OpenAI-style `{base}/models`, `{base}/chat/completions` (SSE streams).
    case openAI = "openai"
}

/// One endpoint `diagnose` examines, with where its URL came from.
public struct DiagnosisTarget: Sendable {
    public var index: Int
    /// URL text as given.
    public var input: String
    /// `argument`, `OLLAMA_HOST`, `OPENAI_BASE_URL`, `OPENAI_API_BASE`, `default`.
    public var source: String
    public var provider: ProviderKind
    /// Whether the provider was given (flag or env name) rather than guessed.
    public var isProviderKnown: Bool
    public var dialect: Dialect
    /// A default-port probe nobody configured: its absence is context, not a problem.
    public var isDefaultProbe: Bool
    public var endpoint: Result<Endpoint, EndpointParseError>

    public var parsed: Endpoint? { if case .success(let e) = endpoint { e } else { nil } }
}

/// Decides which targets to examine.
public enum TargetPlanner {
    public static func plan(_ configuration: DiagnosisConfiguration) -> [DiagnosisTarget] {
        var targets: [DiagnosisTarget] = []
        func add(_ input: String, source: String, provider: ProviderKind?, defaultProbe: Bool = false) {
            let ollamaSemantics = source == "OLLAMA_HOST"
            let guessedProvider = provider ?? guess(input)
            let endpoint = Endpoint.parse(
                input, defaultPort: guessedProvider.localDefaultPort ?? 80, ollamaHostSemantics: ollamaSemantics
            )
            let parsed = try? endpoint.get()
            let finalProvider = provider ?? parsed.map { guess(endpoint: $0) } ?? guessedProvider
            targets.append(
                DiagnosisTarget(
                    index: targets.count, input: input, source: source, provider: finalProvider,
                    isProviderKnown: provider != nil, dialect: dialect(provider: finalProvider, endpoint: parsed, source: source),
                    isDefaultProbe: defaultProbe, endpoint: endpoint
                )
            )
        }
        if !configuration.urls.isEmpty {
            for url in configuration.urls { add(url, source: "argument", provider: configuration.provider) }
            return targets
        }
        let env = configuration.environment
        // Which variables configure a URL is ProviderClient's rule (ProviderEnvironment); diagnose
        // also reads OPENAI_BASE_URL for LM Studio (apps reach it through OpenAI SDKs).
        if configuration.provider == nil || configuration.provider == .ollama,
            let configured = ProviderEnvironment.configuredURL(kind: .ollama, environment: env)
        {
            add(configured.value, source: configured.variable, provider: .ollama)
        }
        if configuration.provider == nil || configuration.provider == .openaiCompatible || configuration.provider == .lmstudio {
            if let configured = ProviderEnvironment.configuredURL(kind: .openaiCompatible, environment: env) {
                add(configured.value, source: configured.variable, provider: configuration.provider ?? .openaiCompatible)
            } else if env["OPENAI_API_KEY"].map({ !$0.isEmpty }) == true, configuration.provider == nil || configuration.provider == .openaiCompatible {
                add("https://api.openai.com/v1", source: "OPENAI_API_KEY (default base)", provider: .openaiCompatible)
            }
        }
        let hasOllama = targets.contains { $0.provider == .ollama }
        if !hasOllama, configuration.provider == nil || configuration.provider == .ollama {
            add("http://127.0.0.1:11434", source: "default", provider: .ollama, defaultProbe: configuration.provider == nil)
        }
        let hasLMStudio = targets.contains { $0.provider == .lmstudio || $0.parsed?.port == 1234 }
        if !hasLMStudio, configuration.provider == nil || configuration.provider == .lmstudio {
            add("http://127.0.0.1:1234/v1", source: "default", provider: .lmstudio, defaultProbe: configuration.provider == nil)
        }
        return targets
    }

    static func guess(_ input: String) -> ProviderKind {
        if input.contains(":11434") { return .ollama }
        if input.contains(":1234") { return .lmstudio }
        return .openaiCompatible
    }

    static func guess(endpoint: Endpoint) -> ProviderKind {
        switch endpoint.port {
        case 11434: .ollama
        case 1234: .lmstudio
        default: .openaiCompatible
        }
    }

    static func dialect(provider: ProviderKind, endpoint: Endpoint?, source: String) -> Dialect {
        let path = endpoint?.path.lowercased() ?? ""
        if path.contains("/v1") { return .openAI }
        if path.hasPrefix("/api") { return .ollamaNative }
        switch provider {
        case .ollama: return source.hasPrefix("OPENAI") ? .openAI : .ollamaNative
        case .lmstudio, .openaiCompatible: return .openAI
        }
    }
}
