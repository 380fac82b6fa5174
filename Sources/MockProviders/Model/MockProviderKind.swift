import HTTPWire

/// Which real server a mock imitates.
public enum MockProviderKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ollama: native `/api/*` (NDJSON) plus its `/v1` OpenAI-compatibility layer.
    case ollama
    /// LM Studio: OpenAI-compatible `/v1/*` plus the REST `/api/v0/*`.
    case lmstudio
    /// An OpenAI-compatible endpoint (OpenAI itself, vLLM, llama.cpp server).
    case openai

    public var description: String { rawValue }

    /// The port the real server listens on by default (for documentation; mocks bind port 0).
    public var conventionalPort: UInt16 {
        switch self {
        case .ollama: 11434
        case .lmstudio: 1234
        case .openai: 8000
        }
    }

    /// The directory name under `MockServers/` holding this provider's fixtures.
    public var fixtureDirectoryName: String { rawValue }
}
