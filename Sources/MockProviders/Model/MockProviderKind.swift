import HTTPWire

/// Which real server a mock imitates. The raw values (`ollama`, `lmstudio`, `openai`) are the
/// spelling of fixtures, journals and the command line; ``family`` is the shared vocabulary.
public enum MockProviderKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ollama: native `/api/*` (NDJSON) plus its `/v1` OpenAI-compatibility layer.
    case ollama
    /// LM Studio: OpenAI-compatible `/v1/*` plus the REST `/api/v0/*`.
    case lmstudio
    /// An OpenAI-compatible endpoint (OpenAI itself, vLLM, llama.cpp server).
    case openai

    public var description: String { rawValue }

    /// The shared provider vocabulary (``ProviderFamily``) this personality belongs to.
    public var family: ProviderFamily {
        switch self {
        case .ollama: .ollama
        case .lmstudio: .lmstudio
        case .openai: .openaiCompatible
        }
    }

    /// The personality of a provider family.
    public init(family: ProviderFamily) {
        switch family {
        case .ollama: self = .ollama
        case .lmstudio: self = .lmstudio
        case .openaiCompatible: self = .openai
        }
    }

    /// The port the real server listens on by default (``ProviderFamily/defaultPort``: 11434,
    /// 1234, 8080); mocks bind port 0 unless told otherwise.
    public var conventionalPort: UInt16 { family.defaultPort }

    /// The directory name under `MockServers/` holding this provider's fixtures.
    public var fixtureDirectoryName: String { rawValue }
}
