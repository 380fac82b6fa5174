import HTTPWire

// MARK: - Chat completions

extension OpenAICompatibleResponder {
    /// `POST /v1/chat/completions` (and LM Studio `/api/v0/chat/completions` when `restV0`).
    ///
    /// `n` > 1 returns n choices where the provider supports it (OpenAI): each choice has its own
    /// seeded text; streamed, every choice gets its role chunk, its content chunks (interleaved,
    /// one pacing gap per round) and its finish chunk, each carrying its `index`.
    func chatCompletions(_ request: MockRequest, writer: any HTTPResponseWriter, restV0: Bool = false) throws {
        guard let model = try resolveModel(request, writer: writer, wantsEmbedding: false), let json = request.json else { return }
        guard let messagesValue = json["messages"], messagesValue != .null else {
            let (message, code) = conventions.messages.messagesMissing
            return try writeError(writer, request: request, status: 400, message: message, param: "messages", code: code)
        }
        guard messagesValue.arrayValue != nil else {
            let (status, message, code) = conventions.messages.messagesNotArray(ProviderConventions.jsonTypeName(messagesValue))
            return try writeError(writer, request: request, status: status, message: message, param: conventions.errors.namesParameters ? "messages" : nil, code: code)
        }
        guard let choiceCount = try self.choiceCount(json, request: request, writer: writer) else { return }
        let stream = json["stream"]?.boolValue ?? false
        let maxTokens = json["max_completion_tokens"]?.intValue ?? json["max_tokens"]?.intValue
        let prompt = request.promptText
        let outputs = (0..<choiceCount).map { i in
            replies.reply(model: model.name, prompt: i == 0 ? prompt : prompt + "\n#choice \(i)", maximumTokens: maxTokens)
        }
        let completionTokens = outputs.reduce(0) { $0 + $1.tokens.count }
        var rng = idStream.generator(number: request.number)
        let id = OpenAICompatibleResponder.makeID(conventions.chatIDs, prefix: "chatcmpl-", &rng)
        let chat = ChatAnswer(id: id, created: WallClock.nowUnixSeconds(), model: model, outputs: outputs, completionTokens: completionTokens)
        if stream {
            try streamChat(chat, json: json, request: request, writer: writer)
        } else {
            try writeChat(chat, request: request, writer: writer, restV0: restV0)
        }
    }

    /// What one chat answer says, whatever its framing.
    struct ChatAnswer {
        let id: String
        let created: Int64
        let model: MockModel
        let outputs: [ReplyCache.Reply]
        let completionTokens: Int
        var promptTokens: Int { outputs[0].promptTokens }
    }

    /// `n` checked against the provider: 1 when absent or unsupported; nil after writing the
    /// provider's error for an out-of-range value.
    func choiceCount(_ json: JSONValue, request: MockRequest, writer: any HTTPResponseWriter) throws -> Int? {
        guard conventions.supportsMultipleChoices, let value = json["n"], value != .null else { return 1 }
        guard let n = value.intValue else {
            let type = ProviderConventions.jsonTypeName(value)
            try writeError(writer, request: request, status: 400, message: "Invalid type for 'n': expected an integer, but got a \(type) instead.", param: "n", code: "invalid_type")
            return nil
        }
        guard n >= 1 else {
            try writeError(writer, request: request, status: 400, message: "\(n) is less than the minimum of 1 - 'n'", param: "n", code: nil)
            return nil
        }
        guard n <= conventions.maximumChoices else {
            try writeError(writer, request: request, status: 400, message: "\(n) is greater than the maximum of \(conventions.maximumChoices) - 'n'", param: "n", code: nil)
            return nil
        }
        return n
    }

    // MARK: One JSON answer

    /// The hottest answer of the mocks: written as bytes, in the key order of each provider.
    private func writeChat(_ chat: ChatAnswer, request: MockRequest, writer: any HTTPResponseWriter, restV0: Bool) throws {
        let physics = configuration.physics
        var jitter = jitterStream.generator(number: request.number)
        let started: MonotonicInstant? = restV0 ? .now() : nil
        var longest = 0
        for output in chat.outputs { longest = max(longest, output.tokens.count) }
        try simulateGeneration(tokenCount: longest, writer: writer, rng: &jitter)
        let textBytes = chat.outputs.reduce(0) { $0 + $1.text.utf8.count }
        var w = JSONByteWriter(reservingCapacity: 640 + textBytes + 160 * (chat.outputs.count - 1))
        w.raw(#"{"id":"#)
        w.string(chat.id)
        w.raw(#","object":"chat.completion","created":"#)
        w.integer(chat.created)
        w.raw(#","model":"#)
        w.string(chat.model.name)
        if case .fixed(let fingerprint) = conventions.fingerprint {
            w.raw(#","system_fingerprint":"#)
            w.string(fingerprint)
        }
        w.raw(#","choices":["#)
        for (index, output) in chat.outputs.enumerated() {
            if index == 0 {
                w.raw(#"{"index":0"#)
            } else {
                w.raw(#",{"index":"#)
                w.integer(index)
            }
            if case .beforeMessage = conventions.answerLogprobs { w.raw(#","logprobs":null"#) }
            w.raw(#","message":{"role":"assistant","content":"#)
            w.string(output.text)
            w.raw(conventions.hasOpenAIExtras ? #","refusal":null,"annotations":[]}"# : "}")
            if case .afterMessage = conventions.answerLogprobs { w.raw(#","logprobs":null"#) }
            w.raw(#","finish_reason":"#)
            w.raw(output.hitLimit ? #""length"}"# : #""stop"}"#)
        }
        w.raw(#"],"usage":"#)
        writeUsage(&w, prompt: chat.promptTokens, completion: chat.completionTokens)
        if conventions.hasOpenAIExtras { w.raw(#","service_tier":"default""#) }
        if case .modelNameAfterStats = conventions.fingerprint {
            if restV0 {
                let output = chat.outputs[0]
                let elapsed = (started?.elapsed ?? .zero).secondsDouble
                let ttft = max(0.001, physics.timeToFirstToken.secondsDouble)
                let gen = max(elapsed, ttft + Double(output.tokens.count) * 0.001)
                w.raw(#","stats":"#)
                w.value([
                    "tokens_per_second": .number(Double(output.tokens.count) / max(gen - ttft, 0.001)),
                    "time_to_first_token": .number(ttft), "generation_time": .number(gen),
                    "stop_reason": .string(output.hitLimit ? "maxPredictedTokensReached" : "eosFound"),
                ])
                w.raw(#","model_info":"#)
                let model = chat.model
                w.value(["arch": .string(model.family), "quant": .string(model.quantization), "format": "gguf", "context_length": .int(model.contextLength)])
                w.raw(#","runtime":{"name":"llama.cpp-linux-x86_64-avx2","version":"1.21.0","supported_formats":["gguf"]}"#)
            } else {
                w.raw(#","stats":{}"#)
            }
            w.raw(#","system_fingerprint":"#)
            w.string(chat.model.name)
        }
        w.raw("}")
        try Respond.json(writer, bytes: w.bytes, headers: responseHeaders(request, completionTokens: chat.completionTokens), contentType: jsonContentType)
    }

    // MARK: Streaming

    private func streamChat(_ chat: ChatAnswer, json: JSONValue, request: MockRequest, writer: any HTTPResponseWriter) throws {
        let physics = configuration.physics
        var jitter = jitterStream.generator(number: request.number)
        let fingerprint: JSONValue = switch conventions.fingerprint {
        case .fixed(let text): .string(text)
        case .modelNameAfterStats: .string(chat.model.name)
        }
        let includeUsage = json["stream_options"]?["include_usage"]?.boolValue ?? false
        // Every chunk event is `data: {…,"choices":[{"index":I,"delta":DELTA…}]…}`: the parts
        // around the delta are the same for the whole stream, so they are serialized once.
        var head = JSONByteWriter(reservingCapacity: 256)
        head.raw("data: ")
        head.raw(#"{"id":"#)
        head.string(chat.id)
        head.raw(#","object":"chat.completion.chunk","created":"#)
        head.integer(chat.created)
        head.raw(#","model":"#)
        head.string(chat.model.name)
        head.raw(conventions.hasOpenAIExtras ? #","service_tier":"default","system_fingerprint":"# : #","system_fingerprint":"#)
        head.value(fingerprint)
        head.raw(#","choices":[{"index":"#)
        let sharedHead = head.bytes
        let eventHeads: [[UInt8]] = chat.outputs.indices.map { index in
            var w = JSONByteWriter(reservingCapacity: sharedHead.count + 16)
            w.raw(sharedHead)
            w.integer(index)
            w.raw(#","delta":"#)
            return w.bytes
        }
        let logprobs: StaticString = conventions.chunksCarryLogprobs ? #","logprobs":null"# : ""
        let usageTail: StaticString = includeUsage && conventions.hasOpenAIExtras ? ",\"usage\":null}\n\n" : "}\n\n"
        // One chunk event: the choice's head, `delta` (written by the closure), finish reason and tail.
        func event(_ index: Int, finish: StaticString, capacity: Int, delta: (inout JSONByteWriter) -> Void) -> [UInt8] {
            var w = JSONByteWriter(reservingCapacity: eventHeads[index].count + capacity + 96)
            w.raw(eventHeads[index])
            delta(&w)
            w.raw(logprobs)
            w.raw(#","finish_reason":"#)
            w.raw(finish)
            w.raw("}]")
            w.raw(usageTail)
            return w.bytes
        }
        func contentEvent(_ index: Int, _ token: String) -> [UInt8] {
            event(index, finish: "null", capacity: token.utf8.count) { w in
                w.raw(#"{"content":"#)
                w.string(token)
                w.raw("}")
            }
        }
        try Respond.startStream(writer, contentType: sseContentType, headers: responseHeaders(request, completionTokens: chat.completionTokens))
        var pending = chat.outputs.map { $0.tokens[...] }
        var pacer = Pacer()
        if conventions.sendsRoleChunkFirst {
            for index in chat.outputs.indices {
                try writer.writeBody(event(index, finish: "null", capacity: 64) { $0.raw(#"{"role":"assistant","content":"","refusal":null}"#) })
            }
            try pacer.wait(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
        } else {
            try pacer.wait(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
            for index in chat.outputs.indices {
                let first = pending[index].popFirst() ?? ""
                try writer.writeBody(event(index, finish: "null", capacity: first.utf8.count + 32) { w in
                    w.raw(#"{"role":"assistant","content":"#)
                    w.string(first)
                    w.raw("}")
                })
            }
        }
        // Rounds: one token of every choice that has one left, one pacing gap per round (the first
        // round after a role chunk follows the time to first token directly).
        var isFirstRound = true
        while pending.contains(where: { !$0.isEmpty }) {
            if !(isFirstRound && conventions.sendsRoleChunkFirst) { try pacer.wait(physics.jittered(physics.interTokenGap, using: &jitter), writer) }
            isFirstRound = false
            for index in pending.indices {
                guard let token = pending[index].popFirst() else { continue }
                try writer.writeBody(contentEvent(index, token))
            }
        }
        for (index, output) in chat.outputs.enumerated() {
            try writer.writeBody(event(index, finish: output.hitLimit ? #""length""# : #""stop""#, capacity: 2) { $0.raw("{}") })
        }
        if includeUsage {
            var c: [(String, JSONValue)] = [
                ("id", .string(chat.id)), ("object", "chat.completion.chunk"), ("created", .integer(chat.created)),
                ("model", .string(chat.model.name)), ("system_fingerprint", fingerprint), ("choices", []),
                ("usage", usageJSON(prompt: chat.promptTokens, completion: chat.completionTokens)),
            ]
            if conventions.hasOpenAIExtras { c.insert(("service_tier", "default"), at: 4) }
            try writer.writeBody(Respond.sseEvent(.object(c)))
        }
        try writer.writeBody(Respond.sseDone)
        try writer.finish()
    }

    /// ``usageJSON(prompt:completion:)`` written as bytes.
    func writeUsage(_ w: inout JSONByteWriter, prompt: Int, completion: Int) {
        w.raw(#"{"prompt_tokens":"#)
        w.integer(prompt)
        w.raw(#","completion_tokens":"#)
        w.integer(completion)
        w.raw(#","total_tokens":"#)
        w.integer(prompt + completion)
        if conventions.hasOpenAIExtras {
            w.raw(#","prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"#)
        } else {
            w.raw("}")
        }
    }

    func usageJSON(prompt: Int, completion: Int) -> JSONValue {
        var u: [(String, JSONValue)] = [("prompt_tokens", .int(prompt)), ("completion_tokens", .int(completion)), ("total_tokens", .int(prompt + completion))]
        if conventions.hasOpenAIExtras {
            u.append(("prompt_tokens_details", ["cached_tokens": 0, "audio_tokens": 0]))
            u.append(("completion_tokens_details", ["reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0]))
        }
        return .object(u)
    }
}
