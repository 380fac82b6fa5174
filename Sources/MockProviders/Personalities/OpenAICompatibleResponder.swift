import Foundation
import HTTPWire

/// The OpenAI-compatible surface (`/v1/models`, `/v1/chat/completions`, `/v1/completions`,
/// `/v1/embeddings`) shared by the three personalities, with each provider's quirks (ids,
/// `system_fingerprint`, `owned_by`, error shapes, headers, LM Studio `stats`).
struct OpenAICompatibleResponder: Sendable {
    enum Flavor: Sendable { case openai, ollama, lmstudio }

    let flavor: Flavor
    let configuration: MockConfiguration
    let generator: TextGenerator
    /// Replies of ``generator`` by model, prompt and limit (generation is deterministic).
    let replies: ReplyCache
    let embedder: EmbeddingGenerator
    let models: MockModelRegistry
    /// Per-request generators of ids, `x-request-id` and jitter (the seed and stream names mixed once).
    let idStream: SeededRandom.Stream
    let requestIDStream: SeededRandom.Stream
    let jitterStream: SeededRandom.Stream

    init(flavor: Flavor, configuration: MockConfiguration, models: MockModelRegistry) {
        self.flavor = flavor
        self.configuration = configuration
        self.generator = TextGenerator(seed: configuration.seed, fixedReply: configuration.replyText)
        self.replies = ReplyCache(generator: generator)
        self.embedder = EmbeddingGenerator(seed: configuration.seed)
        self.models = models
        self.idStream = SeededRandom.Stream(seed: configuration.seed, name: "ids")
        self.requestIDStream = SeededRandom.Stream(seed: configuration.seed, name: "request-id")
        self.jitterStream = SeededRandom.Stream(seed: configuration.seed, name: "jitter")
    }

    var jsonContentType: String { flavor == .openai ? "application/json" : "application/json; charset=utf-8" }
    var sseContentType: String { flavor == .openai ? "text/event-stream; charset=utf-8" : "text/event-stream" }

    // MARK: - Errors

    /// `{"error":{"message","type","param","code"}}` with the flavor's conventions.
    func errorJSON(status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil) -> JSONValue {
        let t: String
        if let type {
            t = type
        } else if flavor == .ollama {
            t = status == 400 ? "invalid_request_error" : status == 404 ? "not_found_error" : "api_error"
        } else {
            t = status >= 500 ? "server_error" : "invalid_request_error"
        }
        return ["error": ["message": .string(message), "type": .string(t), "param": param.map(JSONValue.string) ?? .null, "code": code.map(JSONValue.string) ?? .null]]
    }

    func writeError(_ writer: any HTTPResponseWriter, request: MockRequest, status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil, extraHeaders: HTTPHeaders = [:]) throws {
        var headers = responseHeaders(request)
        for f in extraHeaders { headers.add(name: f.name, value: f.value) }
        try Respond.json(writer, status: HTTPStatus(code: status), errorJSON(status: status, message: message, type: type, param: param, code: code), headers: headers, contentType: jsonContentType)
    }

    /// Headers every response of the flavor carries.
    func responseHeaders(_ request: MockRequest, completionTokens: Int = 0) -> HTTPHeaders {
        var h = HTTPHeaders()
        switch flavor {
        case .openai:
            var rng = requestIDStream.generator(number: request.number)
            h.reserveCapacity(11)  // these nine, then Content-Type and Content-Length
            h.add(name: "openai-version", value: "2020-10-01")
            h.add(name: "openai-processing-ms", value: String(processingMilliseconds(request)))
            h.add(name: "x-request-id", value: OpenAICompatibleResponder.hex(&rng, 32, prefix: "req_"))
            h.add(name: "x-ratelimit-limit-requests", value: "10000")
            h.add(name: "x-ratelimit-limit-tokens", value: "200000")
            h.add(name: "x-ratelimit-remaining-requests", value: "9999")
            h.add(name: "x-ratelimit-remaining-tokens", value: String(200_000 - min(199_000, completionTokens)))
            h.add(name: "x-ratelimit-reset-requests", value: "6ms")
            h.add(name: "x-ratelimit-reset-tokens", value: "0s")
        case .lmstudio:
            h.reserveCapacity(3)
            h.add(name: "X-Powered-By", value: "Express")
        case .ollama:
            break
        }
        return h
    }

    private func processingMilliseconds(_ request: MockRequest) -> Int {
        guard request.http.receivedAt > 0 else { return 1 }
        let now = MonotonicClock.now()
        return max(1, Int((now &- request.http.receivedAt) / 1_000_000))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let mixedAlnum: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let lowerAlnum: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `prefix` and `count` random lowercase hex digits.
    static func hex(_ rng: inout SeededRandom, _ count: Int, prefix: StaticString = "") -> String {
        randomText(&rng, count, digits: hexDigits, prefix: prefix)
    }

    /// `prefix` and `count` random letters and digits (`upper`: both cases).
    static func alnum(_ rng: inout SeededRandom, _ count: Int, upper: Bool = true, prefix: StaticString = "") -> String {
        randomText(&rng, count, digits: upper ? mixedAlnum : lowerAlnum, prefix: prefix)
    }

    /// Writes the text straight into the string's storage (no intermediate byte array).
    private static func randomText(_ rng: inout SeededRandom, _ count: Int, digits: [UInt8], prefix: StaticString) -> String {
        let prefixCount = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: prefixCount + count) { buffer in
            prefix.withUTF8Buffer { p in
                for i in 0..<prefixCount { buffer[i] = p[i] }
            }
            // Constant divisors (a multiply instead of a 64-bit division per character).
            switch digits.count {
            case 16: for i in 0..<count { buffer[prefixCount + i] = digits[Int(rng.next() % 16)] }
            case 36: for i in 0..<count { buffer[prefixCount + i] = digits[Int(rng.next() % 36)] }
            case 62: for i in 0..<count { buffer[prefixCount + i] = digits[Int(rng.next() % 62)] }
            default:
                let radix = UInt64(digits.count)
                for i in 0..<count { buffer[prefixCount + i] = digits[Int(rng.next() % radix)] }
            }
            return prefixCount + count
        }
    }

    // MARK: - Models

    func modelObject(_ m: MockModel) -> JSONValue {
        switch flavor {
        case .openai:
            return ["id": .string(m.name), "object": "model", "created": 1_721_172_741, "owned_by": .string(m.publisher)]
        case .ollama:
            let owner = m.name.contains("/") ? String(m.name.split(separator: "/")[0]) : "library"
            return ["id": .string(OllamaNames.canonical(m.name)), "object": "model", "created": 1_746_404_264, "owned_by": .string(owner)]
        case .lmstudio:
            return ["id": .string(m.name), "object": "model", "owned_by": "organization_owner"]
        }
    }

    func listModels(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        let list = models.all()
        let data: JSONValue = flavor == .ollama && list.isEmpty ? .null : .array(list.map(modelObject))
        let body: JSONValue = flavor == .lmstudio ? ["data": data, "object": "list"] : ["object": "list", "data": data]
        try Respond.json(writer, body, headers: responseHeaders(request), contentType: jsonContentType)
    }

    func getModel(_ id: String, _ request: MockRequest, writer: any HTTPResponseWriter) throws {
        guard let m = models.find(id) else {
            switch flavor {
            case .openai:
                return try writeError(writer, request: request, status: 404, message: "The model '\(id)' does not exist", param: "model", code: "model_not_found")
            case .ollama:
                return try writeError(writer, request: request, status: 404, message: "model '\(id)' not found")
            case .lmstudio:
                return try writeError(writer, request: request, status: 404, message: "Model \"\(id)\" not found.", param: "model", code: "model_not_found")
            }
        }
        try Respond.json(writer, modelObject(m), headers: responseHeaders(request), contentType: jsonContentType)
    }

    // MARK: - Request checks

    /// The model for a generation request, or nil after writing the flavor's error.
    func resolveModel(_ request: MockRequest, writer: any HTTPResponseWriter, wantsEmbedding: Bool) throws -> MockModel? {
        if request.json == nil {
            let message = request.http.body.isEmpty
                ? (flavor == .ollama ? "missing request body" : "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
                : (flavor == .ollama ? "invalid character looking for beginning of value" : "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
            try writeError(writer, request: request, status: 400, message: message)
            return nil
        }
        guard let name = request.json?["model"]?.stringValue, !name.isEmpty else {
            let message = flavor == .ollama ? "model is required" : "you must provide a model parameter"
            try writeError(writer, request: request, status: 400, message: message, param: flavor == .ollama ? nil : "model")
            return nil
        }
        if flavor == .lmstudio {
            return try models.resolveLMStudio(name, request: request, writer: writer, responder: self)
        }
        guard let model = models.find(name) else {
            switch flavor {
            case .openai:
                try writeError(writer, request: request, status: 404, message: "The model `\(name)` does not exist or you do not have access to it.", code: "model_not_found")
            default:
                try writeError(writer, request: request, status: 404, message: "model '\(name)' not found")
            }
            return nil
        }
        if wantsEmbedding == false, model.capability == .embedding {
            switch flavor {
            case .openai:
                try writeError(writer, request: request, status: 404, message: "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?")
            default:
                try writeError(writer, request: request, status: 400, message: "\"\(name)\" does not support chat")
            }
            return nil
        }
        return model
    }

    // MARK: - Chat completions

    /// `POST /v1/chat/completions` (and LM Studio `/api/v0/chat/completions` when `restV0`).
    func chatCompletions(_ request: MockRequest, writer: any HTTPResponseWriter, restV0: Bool = false) throws {
        guard let model = try resolveModel(request, writer: writer, wantsEmbedding: false), let json = request.json else { return }
        guard json["messages"]?.arrayValue != nil else {
            try writeError(writer, request: request, status: 400, message: flavor == .ollama ? "[] is too short - 'messages'" : "Missing required parameter: 'messages'.", param: "messages", code: flavor == .openai ? "missing_required_parameter" : nil)
            return
        }
        let stream = json["stream"]?.boolValue ?? false
        let maxTokens = json["max_completion_tokens"]?.intValue ?? json["max_tokens"]?.intValue
        let output = replies.reply(model: model.name, prompt: request.promptText, maximumTokens: maxTokens)
        let modelName = model.name
        let createdSeconds = WallClock.nowUnixSeconds()
        let created = JSONValue.integer(createdSeconds)
        var rng = idStream.generator(number: request.number)
        let id: String
        switch flavor {
        case .openai: id = OpenAICompatibleResponder.alnum(&rng, 29, prefix: "chatcmpl-")
        case .ollama: id = "chatcmpl-" + String(rng.next() % 999)
        case .lmstudio: id = OpenAICompatibleResponder.alnum(&rng, 22, upper: false, prefix: "chatcmpl-")
        }
        let fingerprint: JSONValue = flavor == .openai ? "fp_44709d6fcb" : flavor == .ollama ? "fp_ollama" : .string(model.name)
        let physics = configuration.physics
        var jitter = jitterStream.generator(number: request.number)
        let started = flavor == .lmstudio && restV0 ? MonotonicClock.now() : 0

        if !stream {
            try simulateGeneration(tokenCount: output.tokens.count, writer: writer, rng: &jitter)
            // The hottest answer of the mocks: written as bytes, in the key order of each provider.
            var w = JSONByteWriter(reservingCapacity: 640 + output.text.utf8.count)
            w.raw(#"{"id":"#)
            w.string(id)
            w.raw(#","object":"chat.completion","created":"#)
            w.integer(createdSeconds)
            w.raw(#","model":"#)
            w.string(modelName)
            switch flavor {
            case .openai: w.raw(#","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"message":{"role":"assistant","content":"#)
            case .ollama: w.raw(#","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":"#)
            case .lmstudio: w.raw(#","choices":[{"index":0,"logprobs":null,"message":{"role":"assistant","content":"#)
            }
            w.string(output.text)
            if flavor == .openai {
                w.raw(#","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"#)
            } else {
                w.raw(#"},"finish_reason":"#)
            }
            w.raw(output.hitLimit ? #""length"}],"usage":"# : #""stop"}],"usage":"#)
            writeUsage(&w, prompt: output.promptTokens, completion: output.tokens.count)
            if flavor == .openai { w.raw(#","service_tier":"default""#) }
            if flavor == .lmstudio {
                if restV0 {
                    let elapsed = Double(MonotonicClock.now() &- started) / 1e9
                    let ttft = max(0.001, physics.timeToFirstToken.secondsDouble)
                    let gen = max(elapsed, ttft + Double(output.tokens.count) * 0.001)
                    w.raw(#","stats":"#)
                    w.value([
                        "tokens_per_second": .number(Double(output.tokens.count) / max(gen - ttft, 0.001)),
                        "time_to_first_token": .number(ttft), "generation_time": .number(gen),
                        "stop_reason": .string(output.hitLimit ? "maxPredictedTokensReached" : "eosFound"),
                    ])
                    w.raw(#","model_info":"#)
                    w.value(["arch": .string(model.family), "quant": .string(model.quantization), "format": "gguf", "context_length": .int(model.contextLength)])
                    w.raw(#","runtime":{"name":"llama.cpp-linux-x86_64-avx2","version":"1.21.0","supported_formats":["gguf"]}"#)
                } else {
                    w.raw(#","stats":{}"#)
                }
                w.raw(#","system_fingerprint":"#)
                w.string(model.name)
            }
            w.raw("}")
            try Respond.json(writer, bytes: w.bytes, headers: responseHeaders(request, completionTokens: output.tokens.count), contentType: jsonContentType)
            return
        }
        let usage: JSONValue = usageJSON(prompt: output.promptTokens, completion: output.tokens.count)

        let includeUsage = json["stream_options"]?["include_usage"]?.boolValue ?? false
        // Every chunk event is `data: {…,"choices":[{"index":0,"delta":DELTA…}]…}`: the parts
        // around the delta are the same for the whole stream, so they are serialized once.
        var head = JSONByteWriter(reservingCapacity: 256)
        head.raw("data: ")
        head.raw(#"{"id":"#)
        head.string(id)
        head.raw(#","object":"chat.completion.chunk","created":"#)
        head.integer(createdSeconds)
        head.raw(#","model":"#)
        head.string(modelName)
        head.raw(flavor == .openai ? #","service_tier":"default","system_fingerprint":"# : #","system_fingerprint":"#)
        head.value(fingerprint)
        head.raw(#","choices":[{"index":0,"delta":"#)
        let eventHead = head.bytes
        let logprobs: StaticString = flavor == .ollama ? "" : #","logprobs":null"#
        let usageTail: StaticString = includeUsage && flavor == .openai ? ",\"usage\":null}\n\n" : "}\n\n"
        // One chunk event: the shared head, `delta` (written by the closure), finish reason and tail.
        func event(finish: StaticString, capacity: Int, delta: (inout JSONByteWriter) -> Void) -> [UInt8] {
            var w = JSONByteWriter(reservingCapacity: eventHead.count + capacity + 96)
            w.raw(eventHead)
            delta(&w)
            w.raw(logprobs)
            w.raw(#","finish_reason":"#)
            w.raw(finish)
            w.raw("}]")
            w.raw(usageTail)
            return w.bytes
        }
        func contentEvent(_ token: String) -> [UInt8] {
            event(finish: "null", capacity: token.utf8.count) { w in
                w.raw(#"{"content":"#)
                w.string(token)
                w.raw("}")
            }
        }
        try Respond.startStream(writer, contentType: sseContentType, headers: responseHeaders(request, completionTokens: output.tokens.count))
        var tokens = output.tokens[...]
        var pacer = Pacer()
        if flavor == .openai {
            try writer.writeBody(event(finish: "null", capacity: 64) { $0.raw(#"{"role":"assistant","content":"","refusal":null}"#) })
            try pacer.wait(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
        } else {
            try pacer.wait(physics.jittered(physics.timeToFirstToken, using: &jitter), writer)
            let first = tokens.popFirst() ?? ""
            try writer.writeBody(event(finish: "null", capacity: first.utf8.count + 32) { w in
                w.raw(#"{"role":"assistant","content":"#)
                w.string(first)
                w.raw("}")
            })
        }
        var isFirst = true
        for token in tokens {
            if !(isFirst && flavor == .openai) { try pacer.wait(physics.jittered(physics.interTokenGap, using: &jitter), writer) }
            isFirst = false
            try writer.writeBody(contentEvent(token))
        }
        try writer.writeBody(event(finish: output.hitLimit ? #""length""# : #""stop""#, capacity: 2) { $0.raw("{}") })
        if includeUsage {
            var c: [(String, JSONValue)] = [
                ("id", .string(id)), ("object", "chat.completion.chunk"), ("created", created), ("model", .string(modelName)),
                ("system_fingerprint", fingerprint), ("choices", []), ("usage", usage),
            ]
            if flavor == .openai { c.insert(("service_tier", "default"), at: 4) }
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
        if flavor == .openai {
            w.raw(#","prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"#)
        } else {
            w.raw("}")
        }
    }

    func usageJSON(prompt: Int, completion: Int) -> JSONValue {
        var u: [(String, JSONValue)] = [("prompt_tokens", .int(prompt)), ("completion_tokens", .int(completion)), ("total_tokens", .int(prompt + completion))]
        if flavor == .openai {
            u.append(("prompt_tokens_details", ["cached_tokens": 0, "audio_tokens": 0]))
            u.append(("completion_tokens_details", ["reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0]))
        }
        return .object(u)
    }

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

    // MARK: - Completions

    /// `POST /v1/completions` (legacy text completions).
    func completions(_ request: MockRequest, writer: any HTTPResponseWriter, restV0: Bool = false) throws {
        guard let model = try resolveModel(request, writer: writer, wantsEmbedding: false), let json = request.json else { return }
        let stream = json["stream"]?.boolValue ?? false
        let output = replies.reply(model: model.name, prompt: request.promptText, maximumTokens: json["max_tokens"]?.intValue ?? 16)
        let finishReason = output.hitLimit ? "length" : "stop"
        var rng = idStream.generator(number: request.number)
        let id = flavor == .ollama ? "cmpl-" + String(rng.next() % 999) : "cmpl-" + OpenAICompatibleResponder.alnum(&rng, 29)
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
            if flavor == .ollama { body.append(("system_fingerprint", "fp_ollama")) }
            body.append(("choices", [choice(output.text, .string(finishReason))]))
            body.append(("usage", usageJSON(prompt: output.promptTokens, completion: output.tokens.count)))
            if flavor == .lmstudio, restV0 {
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
                        return try writeError(writer, request: request, status: 400, message: flavor == .ollama ? "invalid input type" : "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", param: flavor == .ollama ? nil : "input")
                    }
                }
            }
        default:
            return try writeError(writer, request: request, status: 400, message: flavor == .ollama ? "invalid input type" : "'input' is a required property", param: flavor == .ollama ? nil : "input")
        }
        var dims = model.embeddingLength
        if let d = json["dimensions"]?.intValue, d > 0 { dims = min(d, dims) }
        let base64 = json["encoding_format"]?.stringValue == "base64" && flavor != .lmstudio
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
}
