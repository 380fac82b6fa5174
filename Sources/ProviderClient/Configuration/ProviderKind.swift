import Foundation

/// The API family a provider speaks.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ollama's native API (`/api/*`, NDJSON streams, nanosecond timings).
    case ollama
    /// LM Studio: OpenAI-compatible `/v1` plus its REST `/api/v0` (model state, stats).
    case lmstudio
    /// Any OpenAI-compatible server: OpenAI, llama.cpp `llama-server`, vLLM, Ollama's `/v1`, proxies.
    case openaiCompatible

    /// The port each provider listens on by default: 11434, 1234, and 8080 (llama-server) for generic servers.
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

    /// Parses `ollama`, `lmstudio` (`lm-studio`, `lm_studio`), `openai` (`openai-compatible`,
    /// `openaiCompatible`, `llamacpp`, `llama.cpp`, `vllm`); case-insensitive.
    public init?(argument: String) {
        switch argument.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "ollama": self = .ollama
        case "lmstudio", "lm-studio": self = .lmstudio
        case "openai", "openai-compatible", "openaicompatible", "llamacpp", "llama.cpp", "llama-cpp", "vllm": self = .openaiCompatible
        default: return nil
        }
    }
}
