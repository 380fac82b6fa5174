import HTTPWire

/// One model a mock advertises and serves.
public struct MockModel: Sendable, Hashable {
    /// What the model can do.
    public enum Capability: String, Sendable, Hashable {
        /// Text generation (chat, completions).
        case completion
        /// Text generation with image input (LM Studio `vlm`).
        case vision
        /// Embedding vectors only.
        case embedding
    }

    /// The name clients send (`llama3.2:3b`, `gpt-4o-mini`, `qwen2.5-7b-instruct`).
    public var name: String
    public var capability: Capability
    /// Architecture / family (`llama`, `qwen2`, `nomic-bert`).
    public var family: String
    /// Parameter size as Ollama prints it (`3.2B`).
    public var parameterSize: String
    /// Quantisation (`Q4_K_M`).
    public var quantization: String
    /// Size on disk in bytes.
    public var sizeBytes: Int64
    /// Maximum context length in tokens.
    public var contextLength: Int
    /// Embedding dimension (embedding models; also used for chat models asked to embed).
    public var embeddingLength: Int
    /// LM Studio: whether the model is loaded (`state: loaded`). Ollama: listed by `/api/ps`.
    public var isLoaded: Bool
    /// Publisher / owner (`lmstudio-community`, `library`, `system`).
    public var publisher: String

    public init(
        name: String,
        capability: Capability = .completion,
        family: String = "llama",
        parameterSize: String = "3.2B",
        quantization: String = "Q4_K_M",
        sizeBytes: Int64 = 2_019_393_189,
        contextLength: Int = 131_072,
        embeddingLength: Int = 768,
        isLoaded: Bool = true,
        publisher: String = "library"
    ) {
        self.name = name
        self.capability = capability
        self.family = family
        self.parameterSize = parameterSize
        self.quantization = quantization
        self.sizeBytes = sizeBytes
        self.contextLength = contextLength
        self.embeddingLength = embeddingLength
        self.isLoaded = isLoaded
        self.publisher = publisher
    }

    /// A stable, realistic 64-hex-digit digest derived from the name.
    public var digest: String {
        var rng = SeededRandom(seed: 0xD16E57, mixing: name)
        var out = ""
        for _ in 0..<4 {
            let v = rng.next()
            let hex = String(v, radix: 16)
            out += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return out
    }

    /// A model named `name` with properties guessed from the name (`embed` ⇒ embedding model,
    /// `vl`/`llava`/`vision` ⇒ vision, `:7b` ⇒ 7B parameters).
    public static func guessed(from name: String, provider: MockProviderKind) -> MockModel {
        let lower = name.lowercased()
        var model = MockModel(name: name, publisher: provider == .lmstudio ? "lmstudio-community" : provider == .openai ? "system" : "library")
        if lower.contains("embed") || lower.contains("minilm") || lower.contains("bge") {
            model.capability = .embedding
            model.family = lower.contains("nomic") ? "nomic-bert" : "bert"
            model.parameterSize = "137M"
            model.quantization = "F16"
            model.sizeBytes = 274_302_450
            model.contextLength = 8192
        } else if lower.contains("llava") || lower.contains("vision") || lower.contains("-vl") {
            model.capability = .vision
        }
        if lower.contains("qwen") { model.family = "qwen2" }
        if lower.contains("mistral") { model.family = "llama" }
        if lower.contains("gemma") { model.family = "gemma3" }
        for (tag, size, bytes) in [("70b", "70.6B", Int64(42_520_413_916)), ("32b", "32.8B", 19_851_336_256), ("14b", "14.8B", 8_988_124_069),
                                   ("8b", "8.0B", 4_920_753_328), ("7b", "7.6B", 4_683_087_332), ("3b", "3.2B", 2_019_393_189),
                                   ("1b", "1.2B", 1_321_098_329)] where lower.contains(tag) && model.capability != .embedding {
            model.parameterSize = size
            model.sizeBytes = bytes
            break
        }
        return model
    }
}
