import HTTPWire

// MARK: - Completions, embeddings and generation time

extension OpenAICompatibleResponder {
    /// `POST /v1/completions` (legacy text completions).
    func completions(_ request: MockRequest, writer: any HTTPResponseWriter, restV0: Bool = false) throws {
        guard let model = try resolveModel(request, writer: writer, wantsEmbedding: false), let json = request.json else { return }
        let stream = json["stream"]?.boolValue ?? false
        let output = replies.reply(model: model.name, prompt: request.promptText, maximumTokens: json["max_tokens"]?.intValue ?? 16)
        let finishReason = output.hitLimit ? "length" : "stop"
        var rng = idStream.generator(number: request.number)
        let id = OpenAICompatibleResponder.makeID(conventions.completionIDs, prefix: "cmpl-", &rng)
        let created = JSONValue.integer(WallClock.nowUnixSeconds())
        var jitter = jitterStream.generator(number: request.number)
        func choice(_ text: String, _ finish: JSONValue) -> JSONValue {
            ["text": .string(text), "index": 0, "logprobs": nil, "finish_reason": finish]
        }
        if !stream {
            try simulateGeneration(tokenCount: output.tokens.count, writer: writer, rng: &jitter)
            var body: [(String, JSONValue)] = [
                ("id", .string(id)), ("object", "text_completion"), ("created", created), ("model", .string(model.name)),
            ]
            if conventions.completionsCarryFingerprint, case .fixed(let fingerprint) = conventions.fingerprint {
                body.append(("system_fingerprint", .string(fingerprint)))
            }
            body.append(("choices", [choice(output.text, .string(finishReason))]))
            body.append(("usage", usageJSON(prompt: output.promptTokens, completion: output.tokens.count)))
            if restV0 {
                body.append(("stats", ["tokens_per_second": 50.0, "time_to_first_token": 0.05, "generation_time": .number(Double(output.tokens.count) / 50), "stop_reason": .string(output.hitLimit ? "maxPredictedTokensReached" : "eosFound")]))
            }
            try Respond.json(writer, .object(body), headers: responseHeaders(request, completionTokens: output.tokens.count), contentType: jsonContentType)
            return
        }
        let physics = configuration.physics
        try Respond.startStream(writer, contentType: sseContentType, headers: responseHeaders(request))
        var pacer = Pacer()
        try pacer.wait(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
        for (i, token) in output.tokens.enumerated() {
            if i > 0 { try pacer.wait(physics.jittered(physics.interTokenGap, using: &jitter), writer) }
            try writer.writeBody(Respond.sseEvent(["id": .string(id), "object": "text_completion", "created": created, "choices": [choice(token, nil)], "model": .string(model.name)]))
        }
        try writer.writeBody(Respond.sseEvent(["id": .string(id), "object": "text_completion", "created": created, "choices": [choice("", .string(finishReason))], "model": .string(model.name)]))
        try writer.writeBody(Respond.sseDone)
        try writer.finish()
    }

    // MARK: - Embeddings

    /// `POST /v1/embeddings`: float arrays, or base64 little-endian float32 when asked.
    func embeddings(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        guard let model = try resolveModel(request, writer: writer, wantsEmbedding: true), let json = request.json else { return }
        var texts: [String] = []
        switch json["input"] {
        case .string(let s)?: texts = [s]
        case .array(let items)?:
            if items.allSatisfy({ $0.intValue != nil }) {
                texts = [items.map { String($0.intValue ?? 0) }.joined(separator: " ")]
            } else {
                for item in items {
                    if let s = item.stringValue {
                        texts.append(s)
                    } else if let ids = item.arrayValue {
                        texts.append(ids.map { String($0.intValue ?? 0) }.joined(separator: " "))
                    } else {
                        return try writeError(writer, request: request, status: 400, message: conventions.messages.inputItemInvalid, param: inputParameter)
                    }
                }
            }
        default:
            return try writeError(writer, request: request, status: 400, message: conventions.messages.inputMissing, param: inputParameter)
        }
        var dims = model.embeddingLength
        if let d = json["dimensions"]?.intValue, d > 0 { dims = min(d, dims) }
        let base64 = json["encoding_format"]?.stringValue == "base64" && conventions.honoursBase64Embeddings
        var data: [JSONValue] = []
        var promptTokens = 0
        for (i, text) in texts.enumerated() {
            let v = embedder.embed(text, model: model.name, dimensions: dims)
            promptTokens += TextGenerator.countTokens(text)
            let embedding: JSONValue = base64 ? .string(Base64.encodeFloat32LittleEndian(v)) : .array(v.map { .number(Double($0)) })
            data.append(["object": "embedding", "index": .int(i), "embedding": embedding])
        }
        let usage: JSONValue = ["prompt_tokens": .int(promptTokens), "total_tokens": .int(promptTokens)]
        try Respond.json(writer, ["object": "list", "data": .array(data), "model": .string(model.name), "usage": usage], headers: responseHeaders(request), contentType: jsonContentType)
    }

    /// `input` where the dialect names the offending parameter, else nil.
    var inputParameter: String? { conventions.errors.namesParameters ? "input" : nil }

    /// Spends the generation time of a non-streaming answer (TTFT plus one gap per token).
    func simulateGeneration(tokenCount: Int, writer: any HTTPResponseWriter, rng: inout SeededRandom) throws {
        let physics = configuration.physics
        var total = physics.jittered(physics.timeToFirstToken, using: &rng)
        if physics.tokensPerSecond > 0, tokenCount > 1 {
            total += physics.interTokenGap * (tokenCount - 1)
        }
        try pauseIfNeeded(total, writer)
    }

    func pauseIfNeeded(_ d: Duration, _ writer: any HTTPResponseWriter) throws {
        if d > .zero { try writer.pause(for: d) }
    }
}
