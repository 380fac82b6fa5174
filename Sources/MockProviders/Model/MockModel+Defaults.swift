import HTTPWire

extension MockModel {
    /// The models a mock of `provider` lists when none are configured.
    ///
    /// - Ollama: `llama3.2:3b`, `qwen2.5:7b`, `nomic-embed-text:latest` (the first two loaded).
    /// - LM Studio: `qwen2.5-7b-instruct` (loaded), `meta-llama-3.1-8b-instruct` (not loaded),
    ///   `text-embedding-nomic-embed-text-v1.5` (loaded).
    /// - OpenAI: `gpt-4o-mini`, `gpt-4o`, `text-embedding-3-small`.
    public static func defaults(for provider: MockProviderKind) -> [MockModel] {
        switch provider {
        case .ollama:
            return [
                MockModel(name: "llama3.2:3b", family: "llama", parameterSize: "3.2B", quantization: "Q4_K_M", sizeBytes: 2_019_393_189, contextLength: 131_072, embeddingLength: 3072),
                MockModel(name: "qwen2.5:7b", family: "qwen2", parameterSize: "7.6B", quantization: "Q4_K_M", sizeBytes: 4_683_087_332, contextLength: 32_768, embeddingLength: 3584),
                MockModel(name: "nomic-embed-text:latest", capability: .embedding, family: "nomic-bert", parameterSize: "137M", quantization: "F16", sizeBytes: 274_302_450, contextLength: 2048, embeddingLength: 768, isLoaded: false),
            ]
        case .lmstudio:
            return [
                MockModel(name: "qwen2.5-7b-instruct", family: "qwen2", parameterSize: "7B", quantization: "Q4_K_M", sizeBytes: 4_683_087_332, contextLength: 32_768, embeddingLength: 3584, publisher: "lmstudio-community"),
                MockModel(name: "meta-llama-3.1-8b-instruct", family: "llama", parameterSize: "8B", quantization: "Q4_K_M", sizeBytes: 4_920_753_328, contextLength: 131_072, embeddingLength: 4096, isLoaded: false, publisher: "lmstudio-community"),
                MockModel(name: "text-embedding-nomic-embed-text-v1.5", capability: .embedding, family: "nomic-bert", parameterSize: "137M", quantization: "Q4_K_M", sizeBytes: 84_106_624, contextLength: 2048, embeddingLength: 768, publisher: "nomic-ai"),
            ]
        case .openai:
            return [
                MockModel(name: "gpt-4o-mini", family: "gpt", parameterSize: "", quantization: "", sizeBytes: 0, contextLength: 128_000, embeddingLength: 1536, publisher: "system"),
                MockModel(name: "gpt-4o", family: "gpt", parameterSize: "", quantization: "", sizeBytes: 0, contextLength: 128_000, embeddingLength: 1536, publisher: "system"),
                MockModel(name: "text-embedding-3-small", capability: .embedding, family: "gpt", parameterSize: "", quantization: "", sizeBytes: 0, contextLength: 8191, embeddingLength: 1536, publisher: "system"),
            ]
        }
    }
}
