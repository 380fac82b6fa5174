/// The API family a provider speaks: the one provider vocabulary shared by the client
/// (`ProviderClient.ProviderKind` is this type) and the mocks (`MockProviderKind.family`), so
/// neither imports the other.
public enum ProviderFamily: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ollama's native API (`/api/*`, NDJSON streams, nanosecond timings).
    case ollama
    /// LM Studio: OpenAI-compatible `/v1` plus its REST `/api/v0` (model state, stats).
    case lmstudio
    /// Any OpenAI-compatible server: OpenAI, llama.cpp `llama-server`, vLLM, Ollama's `/v1`, proxies.
    case openaiCompatible

    /// The port each provider listens on by default: 11434, 1234, and 8080 for generic servers.
    ///
    /// 8080 is llama.cpp `llama-server`'s default (`--port`, default 8080), the OpenAI-compatible
    /// server people most often run next to Ollama and LM Studio; vLLM's 8000 is scanned too
    /// (diagnose, discover) but is not the default.
    public var defaultPort: UInt16 {
        switch self {
        case .ollama: 11434
        case .lmstudio: 1234
        case .openaiCompatible: 8080
        }
    }

    /// A human name for messages.
    public var displayName: String {
        switch self {
        case .ollama: "Ollama"
        case .lmstudio: "LM Studio"
        case .openaiCompatible: "OpenAI-compatible server"
        }
    }

    public var description: String { rawValue }

    /// The short name the command line, fixtures and journals use: `ollama`, `lmstudio`, `openai`.
    public var shortName: String {
        switch self {
        case .ollama: "ollama"
        case .lmstudio: "lmstudio"
        case .openaiCompatible: "openai"
        }
    }

    /// Parses `ollama`, `lmstudio` (`lm-studio`, `lm_studio`), `openai` (`openai-compatible`,
    /// `openaiCompatible`, `llamacpp`, `llama.cpp`, `vllm`); case-insensitive.
    public init?(argument: String) {
        switch argument.lowercased().split(separator: "_", omittingEmptySubsequences: false).joined(separator: "-") {
        case "ollama": self = .ollama
        case "lmstudio", "lm-studio": self = .lmstudio
        case "openai", "openai-compatible", "openaicompatible", "llamacpp", "llama.cpp", "llama-cpp", "vllm": self = .openaiCompatible
        default: return nil
        }
    }
}
