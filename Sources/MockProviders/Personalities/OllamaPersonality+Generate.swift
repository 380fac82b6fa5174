import HTTPWire

// MARK: - Generation and embeddings

extension OllamaPersonality {
    // MARK: - /api/chat and /api/generate

    func generate(_ request: MockRequest, writer: any HTTPResponseWriter, isChat: Bool) throws {
        let arrival = request.http.receivedAt ?? .now()
        // Go's decoder refuses a `messages` of the wrong type before any check of Ollama's own.
        if isChat, let messages = request.json?["messages"], messages != .null, messages.arrayValue == nil {
            let type = ProviderConventions.goTypeName(ProviderConventions.jsonTypeName(messages))
            return try error(writer, 400, "json: cannot unmarshal \(type) into Go struct field ChatRequest.messages of type []api.Message")
        }
        guard let (model, sentName) = try requireModel(request, writer: writer), let body = request.json else { return }
        if model.capability == .embedding {
            return try error(writer, 400, "\"\(sentName)\" does not support \(isChat ? "chat" : "generate")")
        }
        if let think = body["think"], think.boolValue == nil, !["low", "medium", "high", "max"].contains(think.stringValue ?? "") {
            return try error(writer, 400, "invalid think value: \(think.serialized())")
        }
        if let n = body["top_logprobs"]?.intValue, !(0...20).contains(n) {
            return try error(writer, 400, "top_logprobs must be between 0 and 20")
        }
        let stream = body["stream"]?.boolValue ?? true
        let keepAliveZero = body["keep_alive"]?.intValue == 0 || body["keep_alive"]?.stringValue == "0" || body["keep_alive"]?.stringValue == "0s"
        let isEmptyPrompt = isChat ? (body["messages"]?.arrayValue ?? []).isEmpty : (body["prompt"]?.stringValue ?? "").isEmpty
        func head(_ done: Bool) -> [(String, JSONValue)] {
            [("model", .string(sentName)), ("created_at", .string(WallClock.nowRFC3339()))]
        }
        func content(_ text: String) -> (String, JSONValue) {
            isChat ? ("message", ["role": "assistant", "content": .string(text)]) : ("response", .string(text))
        }
        if isEmptyPrompt {
            var obj = head(true)
            obj.append(content(""))
            obj.append(("done", true))
            obj.append(("done_reason", .string(keepAliveZero ? "unload" : "load")))
            return try json(writer, .object(obj))
        }
        let maxTokens = body["options"]?["num_predict"]?.intValue
        let output = responder.replies.reply(model: model.name, prompt: request.promptText, maximumTokens: maxTokens)
        let physics = configuration.physics
        var jitter = SeededRandom(seed: configuration.seed, mixing: "jitter", String(request.number))
        var metricsRng = SeededRandom(seed: configuration.seed, mixing: "metrics", String(request.number))
        let loadDuration = Int64(1_000_000 + metricsRng.next() % 2_000_000)

        func finalLine(text: String, evalStart: MonotonicInstant, evalEnd: MonotonicInstant, promptEnd: MonotonicInstant) -> JSONValue {
            var obj = head(true)
            obj.append(content(text))
            obj.append(("done", true))
            obj.append(("done_reason", .string(output.hitLimit ? "length" : "stop")))
            if !isChat, body["raw"]?.boolValue != true {
                var ctx: [JSONValue] = []
                var r = SeededRandom(seed: configuration.seed, mixing: "context", request.promptText)
                for _ in 0..<min(64, output.promptTokens + output.tokens.count) { ctx.append(.integer(Int64(r.next() % 128_000))) }
                obj.append(("context", .array(ctx)))
            }
            // Ollama reports its durations in nanoseconds.
            let promptEval = max(arrival.duration(to: promptEnd).nanoseconds, Int64(output.promptTokens) * 250_000, 1)
            let eval = max(evalStart.duration(to: evalEnd).nanoseconds, Int64(output.tokens.count) * 1_000, 1)
            let total = max(arrival.elapsed.nanoseconds + loadDuration, promptEval + eval + loadDuration)
            obj += [
                ("total_duration", .integer(total)), ("load_duration", .integer(loadDuration)),
                ("prompt_eval_count", .int(max(1, output.promptTokens))), ("prompt_eval_duration", .integer(promptEval)),
                ("eval_count", .int(output.tokens.count)), ("eval_duration", .integer(eval)),
            ]
            return .object(obj)
        }

        if !stream {
            try responder.pauseIfNeeded(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
            let promptEnd = MonotonicInstant.now()
            if physics.tokensPerSecond > 0, output.tokens.count > 1 {
                try writer.pause(for: physics.interTokenGap * (output.tokens.count - 1))
            }
            let end = MonotonicInstant.now()
            return try json(writer, finalLine(text: output.text, evalStart: promptEnd, evalEnd: end, promptEnd: promptEnd))
        }
        try Respond.startStream(writer, contentType: OllamaPersonality.ndjson, noCache: false)
        var pacer = Pacer()
        try pacer.wait(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
        let promptEnd = MonotonicInstant.now()
        for (i, token) in output.tokens.enumerated() {
            if i > 0 { try pacer.wait(physics.jittered(physics.interTokenGap, using: &jitter), writer) }
            var obj = head(false)
            obj.append(content(token))
            obj.append(("done", false))
            try writer.writeBody(Respond.ndjsonLine(.object(obj)))
        }
        let end = MonotonicInstant.now()
        try writer.writeBody(Respond.ndjsonLine(finalLine(text: "", evalStart: promptEnd, evalEnd: end, promptEnd: promptEnd)))
        try writer.finish()
    }

    // MARK: - Embeddings

    func embed(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        let arrival = request.http.receivedAt ?? .now()
        guard let (model, sentName) = try requireModel(request, writer: writer), let body = request.json else { return }
        var texts: [String] = []
        switch body["input"] {
        case .string(let s)?: texts = s.isEmpty ? [] : [s]
        case .array(let items)?:
            for item in items {
                guard let s = item.stringValue else { return try error(writer, 400, "invalid input type") }
                texts.append(s)
            }
        case nil: texts = []
        default: return try error(writer, 400, "invalid input type")
        }
        var dims = model.embeddingLength
        if let d = body["dimensions"]?.intValue, d > 0 { dims = min(d, dims) }
        if texts.isEmpty {
            return try json(writer, ["model": .string(sentName), "embeddings": []])
        }
        let vectors: [JSONValue] = texts.map { .array(embedder.embed($0, model: model.name, dimensions: dims).map(OllamaPersonality.floatJSON)) }
        let count = texts.reduce(0) { $0 + TextGenerator.countTokens($1) }
        let total = max(arrival.elapsed.nanoseconds, 1_000_000)
        try json(writer, ["model": .string(sentName), "embeddings": .array(vectors), "total_duration": .integer(total + 1_019_500), "load_duration": 1_019_500, "prompt_eval_count": .int(count)])
    }

    func legacyEmbeddings(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        guard let (model, _) = try requireModel(request, writer: writer, notFound: { "model \"\($0)\" not found, try pulling it first" }) else { return }
        let prompt = request.json?["prompt"]?.stringValue ?? ""
        let values: [JSONValue] = prompt.isEmpty ? [] : embedder.embed(prompt, model: model.name, dimensions: model.embeddingLength).map { .number(Double($0)) }
        try json(writer, ["embedding": .array(values)])
    }

    /// A float32 written with its shortest float spelling (`0.010071029`), as Go prints float32.
    static func floatJSON(_ f: Float) -> JSONValue { .number(Double("\(f)") ?? Double(f)) }
}
