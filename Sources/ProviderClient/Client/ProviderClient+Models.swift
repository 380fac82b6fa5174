import Foundation
import HTTPWire

extension ProviderClient {
    /// Lists the models the provider serves (always asks the server; see ``cachedModels(refresh:)``).
    ///
    /// Ollama `GET /api/tags`; LM Studio `GET /api/v0/models` (with load state), falling back to
    /// `/v1/models`; others `GET /v1/models`.
    public func listModels() async throws(ProviderError) -> [ModelInfo] {
        let models: [ModelInfo]
        switch endpoint.kind {
        case .ollama:
            let (json, _) = try await requestJSON(method: .get, target: endpoint.nativeTarget("/api/tags"))
            guard let list = json["models"]?.arrayValue ?? (json["models"]?.isNull == true ? [] : nil) else {
                throw ProviderError(.malformedResponse, "/api/tags has no \"models\" array", endpoint: endpointDescription)
            }
            models = list.compactMap(Self.ollamaModel)
        case .lmstudio:
            do {
                let (json, _) = try await requestJSON(method: .get, target: endpoint.nativeTarget("/api/v0/models"))
                models = (json["data"]?.arrayValue ?? []).compactMap(Self.lmStudioModel)
            } catch where error.code == .endpointNotFound || error.code == .notFound {
                models = try await listOpenAIModels()
            }
        case .openaiCompatible:
            models = try await listOpenAIModels()
        }
        await cache.store(models)
        return models
    }

    /// The model list from the cache when fresh (5 min local, 1 h remote by default), else from
    /// the server; when the server is unreachable, the stale cache or the static fallback.
    public func cachedModels(refresh: Bool = false, fallback: [ModelInfo] = []) async -> ModelListing {
        if !refresh, let fresh = await cache.fresh() { return fresh }
        do {
            let models = try await listModels()
            return ModelListing(models: models, source: .live, fetchedAt: Date(), error: nil)
        } catch {
            if let stale = await cache.any() {
                return ModelListing(models: stale.models, source: .staleCache, fetchedAt: stale.fetchedAt, error: error)
            }
            return ModelListing(models: fallback, source: .fallback, fetchedAt: nil, error: error)
        }
    }

    private func listOpenAIModels() async throws(ProviderError) -> [ModelInfo] {
        let (json, _) = try await requestJSON(method: .get, target: endpoint.openAITarget("/models"))
        guard let data = json["data"]?.arrayValue ?? (json["data"]?.isNull == true ? [] : nil) ?? json["models"]?.arrayValue else {
            throw ProviderError(.malformedResponse, "\(endpoint.openAITarget("/models")) has no \"data\" array", endpoint: endpointDescription)
        }
        var models = data.compactMap(Self.openAIModel)
        // llama.cpp lists the training context (meta.n_ctx_train); the context it serves is
        // /props n_ctx (the -c option), which is what requests are limited by.
        if models.contains(where: { $0.trainingContextLength != nil }),
            let props = (try? await requestJSON(method: .get, target: endpoint.nativeTarget("/props")))?.0,
            let served = props["default_generation_settings"]?["n_ctx"]?.intValue ?? props["n_ctx"]?.intValue
        {
            for i in models.indices { models[i].contextLength = served }
        }
        return models
    }

    /// Details of one model: Ollama `POST /api/show`, LM Studio `GET /api/v0/models/{id}`, others `GET /v1/models/{id}`.
    public func showModel(_ id: String) async throws(ProviderError) -> ModelDetails {
        switch endpoint.kind {
        case .ollama:
            let (json, _) = try await requestJSON(method: .post, target: endpoint.nativeTarget("/api/show"), body: ["model": .string(id)])
            let details = json["details"] ?? [:]
            var context: Int?
            for (key, value) in json["model_info"]?.objectValue ?? [] where key.hasSuffix(".context_length") { context = value.intValue }
            let names = json["capabilities"]?.arrayValue?.compactMap(\.stringValue)
            let caps = names.map { ModelCapabilities(names: $0) }
            return ModelDetails(
                id: id, family: details["family"]?.stringValue, parameterSize: details["parameter_size"]?.stringValue,
                quantization: details["quantization_level"]?.stringValue, contextLength: context,
                capabilities: caps ?? .inferred(fromName: id), capabilitiesFromMetadata: caps != nil, state: nil, raw: json)
        case .lmstudio:
            let (json, _) = try await requestJSON(method: .get, target: endpoint.nativeTarget("/api/v0/models/" + Self.pathEscape(id)))
            let model = Self.lmStudioModel(json) ?? ModelInfo(id: id)
            return ModelDetails(
                id: model.id, family: model.family, parameterSize: nil, quantization: model.quantization, contextLength: model.contextLength,
                capabilities: model.capabilities, capabilitiesFromMetadata: model.capabilitiesFromMetadata, state: json["state"]?.stringValue,
                raw: json)
        case .openaiCompatible:
            let (json, _) = try await requestJSON(method: .get, target: endpoint.openAITarget("/models/" + Self.pathEscape(id)))
            let model = Self.openAIModel(json) ?? ModelInfo(id: id)
            return ModelDetails(
                id: model.id, family: nil, parameterSize: nil, quantization: nil, contextLength: model.contextLength,
                capabilities: model.capabilities, capabilitiesFromMetadata: false, state: nil, raw: json)
        }
    }

    /// Models loaded in memory: Ollama `GET /api/ps`; LM Studio models whose state is `loaded`;
    /// other servers do not say (empty).
    public func runningModels() async throws(ProviderError) -> [RunningModel] {
        switch endpoint.kind {
        case .ollama:
            let (json, _) = try await requestJSON(method: .get, target: endpoint.nativeTarget("/api/ps"))
            return (json["models"]?.arrayValue ?? []).compactMap { item in
                guard let name = item["name"]?.stringValue ?? item["model"]?.stringValue else { return nil }
                return RunningModel(
                    id: name, sizeBytes: item["size"]?.intValue.map(Int64.init), sizeVRAM: item["size_vram"]?.intValue.map(Int64.init),
                    contextLength: item["context_length"]?.intValue, expiresAt: item["expires_at"]?.stringValue)
            }
        case .lmstudio:
            return try await listModels().filter { $0.isLoaded == true }.map {
                RunningModel(id: $0.id, sizeBytes: $0.sizeBytes, sizeVRAM: nil, contextLength: $0.contextLength, expiresAt: nil)
            }
        case .openaiCompatible:
            return []
        }
    }

    /// LM Studio's load state of a model (`loaded`, `not-loaded`), from `/api/v0/models/{id}`.
    public func lmStudioModelState(_ id: String) async throws(ProviderError) -> String? {
        try await showModel(id).state
    }

    /// The server version: Ollama `/api/version`, vLLM `/version`; nil when the server has none.
    public func serverVersion() async throws(ProviderError) -> String? {
        let target = endpoint.kind == .ollama ? endpoint.nativeTarget("/api/version") : endpoint.nativeTarget("/version")
        let (json, _) = try await requestJSON(method: .get, target: target)
        return json["version"]?.stringValue
    }

    /// Embeds `inputs`: Ollama `POST /api/embed`, others `POST /v1/embeddings` (`encoding_format: float`;
    /// base64 answers are decoded too).
    public func embeddings(model: String, inputs: [String]) async throws(ProviderError) -> EmbeddingResult {
        let isOllama = endpoint.kind == .ollama
        let target = isOllama ? endpoint.nativeTarget("/api/embed") : endpoint.openAITarget("/embeddings")
        var body: JSONValue = ["model": .string(model), "input": .array(inputs.map { .string($0) })]
        if !isOllama { body.set("encoding_format", "float") }
        let (json, reader) = try await requestJSON(method: .post, target: target, body: body)
        var timing = RequestTiming()
        timing.sent = reader.tSend
        timing.headersReceived = reader.tHeaders
        timing.ended = reader.tEnd
        if isOllama {
            let vectors = (json["embeddings"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) } }
            return EmbeddingResult(model: json["model"]?.stringValue, vectors: vectors, promptTokens: json["prompt_eval_count"]?.intValue, timing: timing)
        }
        let data = (json["data"]?.arrayValue ?? []).sorted { ($0["index"]?.intValue ?? 0) < ($1["index"]?.intValue ?? 0) }
        let vectors: [[Float]] = data.map { item in
            if let text = item["embedding"]?.stringValue { return Self.decodeBase64Floats(text) }
            return (item["embedding"]?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) }
        }
        return EmbeddingResult(model: json["model"]?.stringValue, vectors: vectors, promptTokens: json["usage"]?["prompt_tokens"]?.intValue, timing: timing)
    }

    // MARK: - Normalisation

    static func ollamaModel(_ json: JSONValue) -> ModelInfo? {
        guard let name = json["name"]?.stringValue ?? json["model"]?.stringValue else { return nil }
        let details = json["details"] ?? [:]
        let names = json["capabilities"]?.arrayValue?.compactMap(\.stringValue)
        var caps = names.map { ModelCapabilities(names: $0) }
        if caps == nil, let family = details["family"]?.stringValue?.lowercased(), family.contains("bert") || family.contains("embed") {
            caps = .embedding
        }
        return ModelInfo(
            id: name, sizeBytes: json["size"]?.intValue.map(Int64.init), family: details["family"]?.stringValue,
            parameterSize: details["parameter_size"]?.stringValue, quantization: details["quantization_level"]?.stringValue,
            contextLength: details["context_length"]?.intValue, isLoaded: nil, ownedBy: nil, capabilities: caps)
    }

    static func lmStudioModel(_ json: JSONValue) -> ModelInfo? {
        guard let id = json["id"]?.stringValue ?? json["key"]?.stringValue else { return nil }
        var caps: ModelCapabilities?
        if let type = json["type"]?.stringValue {
            var set = ModelCapabilities(names: [type])
            if type == "vlm" { set.insert(.completion) }
            for name in json["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? [] { set.formUnion(ModelCapabilities(names: [name])) }
            caps = set
        }
        let state = json["state"]?.stringValue
        return ModelInfo(
            id: id, sizeBytes: json["size_bytes"]?.intValue.map(Int64.init), family: json["arch"]?.stringValue,
            parameterSize: nil, quantization: json["quantization"]?.stringValue,
            contextLength: json["loaded_context_length"]?.intValue ?? json["max_context_length"]?.intValue,
            isLoaded: state.map { $0 == "loaded" }, ownedBy: json["publisher"]?.stringValue, capabilities: caps)
    }

    static func openAIModel(_ json: JSONValue) -> ModelInfo? {
        guard let id = json["id"]?.stringValue else { return nil }
        let training = json["meta"]?["n_ctx_train"]?.intValue
        let context = json["max_model_len"]?.intValue ?? json["context_length"]?.intValue ?? json["meta"]?["n_ctx"]?.intValue ?? training
        // Capabilities the server lists (llama.cpp, some gateways) beat a guess from the name.
        let listed = (json["capabilities"]?.arrayValue ?? json["meta"]?["capabilities"]?.arrayValue)?.compactMap(\.stringValue)
        return ModelInfo(
            id: id, sizeBytes: json["meta"]?["size"]?.intValue.map(Int64.init), contextLength: context, ownedBy: json["owned_by"]?.stringValue,
            capabilities: listed.map { ModelCapabilities(names: $0) }, trainingContextLength: training)
    }

    static func decodeBase64Floats(_ text: String) -> [Float] {
        guard let data = Data(base64Encoded: text) else { return [] }
        let bytes = [UInt8](data)
        var out: [Float] = []
        out.reserveCapacity(bytes.count / 4)
        var index = 0
        while index + 4 <= bytes.count {
            let bits = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
            out.append(Float(bitPattern: bits))
            index += 4
        }
        return out
    }

    static func pathEscape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }
}
