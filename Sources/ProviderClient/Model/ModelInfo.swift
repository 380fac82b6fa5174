import HTTPWire

/// What a model can do.
public struct ModelCapabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let completion = ModelCapabilities(rawValue: 1 << 0)
    public static let embedding = ModelCapabilities(rawValue: 1 << 1)
    public static let vision = ModelCapabilities(rawValue: 1 << 2)
    public static let tools = ModelCapabilities(rawValue: 1 << 3)
    public static let thinking = ModelCapabilities(rawValue: 1 << 4)

    /// Names, in a stable order.
    public var names: [String] {
        var out: [String] = []
        if contains(.completion) { out.append("completion") }
        if contains(.embedding) { out.append("embedding") }
        if contains(.vision) { out.append("vision") }
        if contains(.tools) { out.append("tools") }
        if contains(.thinking) { out.append("thinking") }
        return out
    }

    public var description: String { names.joined(separator: ",") }

    /// From Ollama `capabilities` strings, LM Studio `type`/`capabilities`, and similar.
    public init(names: [String]) {
        var set: ModelCapabilities = []
        for name in names.map({ $0.lowercased() }) {
            switch name {
            case "completion", "chat", "llm", "generate": set.insert(.completion)
            case "embedding", "embeddings", "embed": set.insert(.embedding)
            case "vision", "vlm", "image": set.insert(.vision)
            case "tools", "tool_use", "trained_for_tool_use", "function_calling": set.insert(.tools)
            case "thinking", "reasoning": set.insert(.thinking)
            default: break
            }
        }
        self = set
    }

    /// A guess from the model name, for servers that publish no metadata.
    public static func inferred(fromName name: String) -> ModelCapabilities {
        let n = name.lowercased()
        func any(_ needles: [String]) -> Bool { needles.contains { n.contains($0) } }
        if any(["embed", "bge-", "bge_", "/bge", "e5-", "minilm", "gte-", "nomic-embed", "mxbai", "snowflake-arctic-embed", "rerank"]) {
            return .embedding
        }
        var set: ModelCapabilities = .completion
        if any(["llava", "vision", "-vl", "vl-", "_vl", "bakllava", "moondream", "pixtral", "minicpm-v", "gemma3", "gemma-3", "qwen2.5vl", "qwen2-vl", "llama4", "mllama", "smolvlm", "granite3.2-vision"]) {
            // Gemma 3 270M and 1B are text-only.
            if !((n.contains("gemma3") || n.contains("gemma-3")) && (n.contains("270m") || n.contains("1b"))) { set.insert(.vision) }
        }
        if any(["qwen2.5", "qwen3", "qwen2", "llama3.1", "llama3.2", "llama3.3", "llama-3.1", "llama-3.2", "llama-3.3", "llama4", "mistral", "mixtral", "command-r", "hermes", "firefunction", "functionary", "gpt-oss", "gpt-4", "gpt-3.5", "gpt-5", "granite", "smollm2", "phi4-mini", "devstral", "magistral"]) {
            set.insert(.tools)
        }
        if any(["deepseek-r1", "qwq", "qwen3", "gpt-oss", "magistral", "o1", "o3", "o4-", "r1-", "thinking", "reasoning"]) {
            set.insert(.thinking)
        }
        return set
    }
}

/// One model a provider lists, normalised across providers.
public struct ModelInfo: Sendable, Hashable {
    /// The id to send in requests (`llama3.2:latest`, `qwen2.5-7b-instruct`).
    public var id: String
    public var sizeBytes: Int64?
    public var family: String?
    public var parameterSize: String?
    public var quantization: String?
    public var contextLength: Int?
    /// Whether it is loaded in memory (LM Studio `state`, Ollama `/api/ps`), when known.
    public var isLoaded: Bool?
    /// OpenAI `owned_by` (`library` = Ollama, `organization_owner` = LM Studio, `vllm`, `llamacpp`).
    public var ownedBy: String?
    public var capabilities: ModelCapabilities
    /// Whether ``capabilities`` came from server metadata (true) or the name (false).
    public var capabilitiesFromMetadata: Bool
    /// The context the model was trained with, when the server reports it beside the context it
    /// serves (llama.cpp `n_ctx_train` vs `n_ctx`); ``contextLength`` is the served one when known.
    public var trainingContextLength: Int?

    public init(
        id: String, sizeBytes: Int64? = nil, family: String? = nil, parameterSize: String? = nil, quantization: String? = nil,
        contextLength: Int? = nil, isLoaded: Bool? = nil, ownedBy: String? = nil, capabilities: ModelCapabilities? = nil,
        trainingContextLength: Int? = nil
    ) {
        self.trainingContextLength = trainingContextLength
        self.id = id
        self.sizeBytes = sizeBytes
        self.family = family
        self.parameterSize = parameterSize
        self.quantization = quantization
        self.contextLength = contextLength
        self.isLoaded = isLoaded
        self.ownedBy = ownedBy
        self.capabilities = capabilities ?? .inferred(fromName: id)
        self.capabilitiesFromMetadata = capabilities != nil
    }

    /// Whether `name` names this model, ignoring case and Ollama's implicit `:latest`.
    public func matches(_ name: String) -> Bool {
        func normal(_ s: String) -> String {
            let lower = s.lowercased()
            return lower.hasSuffix(":latest") ? String(lower.dropLast(7)) : lower
        }
        return normal(id) == normal(name)
    }
}

/// A model loaded in memory (Ollama `/api/ps`).
public struct RunningModel: Sendable, Hashable {
    public var id: String
    public var sizeBytes: Int64?
    public var sizeVRAM: Int64?
    public var contextLength: Int?
    /// RFC 3339 text as the server sent it.
    public var expiresAt: String?
}

/// Details of one model (Ollama `/api/show`, LM Studio `/api/v0/models/{id}`, OpenAI `/models/{id}`).
public struct ModelDetails: Sendable, Hashable {
    public var id: String
    public var family: String?
    public var parameterSize: String?
    public var quantization: String?
    public var contextLength: Int?
    public var capabilities: ModelCapabilities
    public var capabilitiesFromMetadata: Bool
    /// LM Studio `state` (`loaded`, `not-loaded`).
    public var state: String?
    /// The raw response, for anything not normalised.
    public var raw: JSONValue
}

/// Embedding vectors.
public struct EmbeddingResult: Sendable {
    public var model: String?
    public var vectors: [[Float]]
    public var promptTokens: Int?
    public var timing: RequestTiming
}
