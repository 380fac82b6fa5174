import HTTPWire

/// Builds request bodies for each API family.
enum RequestEncoder {
    /// Ollama `/api/chat`: `stream` is always explicit (the server defaults to streaming).
    static func ollamaChat(_ request: ChatRequest, stream: Bool) -> JSONValue {
        var body: JSONValue = ["model": .string(request.model)]
        body.set("messages", .array(request.messages.map { message in
            var m: JSONValue = ["role": .string(message.role), "content": .string(message.content)]
            if !message.images.isEmpty { m.set("images", .array(message.images.map { .string($0) })) }
            if !message.toolCalls.isEmpty {
                m.set("tool_calls", .array(message.toolCalls.map { call in
                    ["function": ["name": .string(call.name), "arguments": call.arguments]]
                }))
            }
            if let id = message.toolCallID { m.set("tool_call_id", .string(id)) }
            return m
        }))
        body.set("stream", .bool(stream))
        if let options = ollamaOptions(temperature: request.temperature, maxTokens: request.maxTokens, seed: request.seed, stop: request.stop) {
            body.set("options", options)
        }
        if !request.tools.isEmpty { body.set("tools", .array(request.tools)) }
        if let think = request.think { body.set("think", .bool(think)) }
        for (key, value) in request.extraBody { body.set(key, value) }
        return body
    }

    /// Ollama `/api/generate`.
    static func ollamaGenerate(_ request: GenerateRequest, stream: Bool) -> JSONValue {
        var body: JSONValue = ["model": .string(request.model), "prompt": .string(request.prompt), "stream": .bool(stream)]
        if let system = request.system { body.set("system", .string(system)) }
        if let options = ollamaOptions(temperature: request.temperature, maxTokens: request.maxTokens, seed: request.seed, stop: []) {
            body.set("options", options)
        }
        for (key, value) in request.extraBody { body.set(key, value) }
        return body
    }

    private static func ollamaOptions(temperature: Double?, maxTokens: Int?, seed: Int?, stop: [String]) -> JSONValue? {
        var options: JSONValue = [:]
        if let temperature { options.set("temperature", .number(temperature)) }
        if let maxTokens { options.set("num_predict", .int(maxTokens)) }
        if let seed { options.set("seed", .int(seed)) }
        if !stop.isEmpty { options.set("stop", .array(stop.map { .string($0) })) }
        return options.keys.isEmpty ? nil : options
    }

    /// OpenAI `/v1/chat/completions`.
    static func openAIChat(_ request: ChatRequest, stream: Bool) -> JSONValue {
        var body: JSONValue = ["model": .string(request.model)]
        body.set("messages", .array(request.messages.map { message in
            var m: JSONValue = ["role": .string(message.role)]
            if message.images.isEmpty {
                m.set("content", message.content.isEmpty && !message.toolCalls.isEmpty ? .null : .string(message.content))
            } else {
                var parts: [JSONValue] = [["type": "text", "text": .string(message.content)]]
                for image in message.images {
                    let url = image.hasPrefix("data:") ? image : "data:image/png;base64," + image
                    parts.append(["type": "image_url", "image_url": ["url": .string(url)]])
                }
                m.set("content", .array(parts))
            }
            if !message.toolCalls.isEmpty {
                m.set("tool_calls", .array(message.toolCalls.enumerated().map { index, call in
                    [
                        "id": .string(call.id ?? "call_\(index)"), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.argumentsText)],
                    ]
                }))
            }
            if let id = message.toolCallID { m.set("tool_call_id", .string(id)) }
            return m
        }))
        body.set("stream", .bool(stream))
        if stream, request.includeUsage { body.set("stream_options", ["include_usage": true]) }
        if let temperature = request.temperature { body.set("temperature", .number(temperature)) }
        if let maxTokens = request.maxTokens { body.set("max_tokens", .int(maxTokens)) }
        if let seed = request.seed { body.set("seed", .int(seed)) }
        if !request.stop.isEmpty { body.set("stop", .array(request.stop.map { .string($0) })) }
        if !request.tools.isEmpty { body.set("tools", .array(request.tools)) }
        for (key, value) in request.extraBody { body.set(key, value) }
        return body
    }

    /// OpenAI `/v1/completions`.
    static func openAICompletion(_ request: GenerateRequest, stream: Bool) -> JSONValue {
        var prompt = request.prompt
        if let system = request.system { prompt = system + "\n\n" + prompt }
        var body: JSONValue = ["model": .string(request.model), "prompt": .string(prompt), "stream": .bool(stream)]
        if stream { body.set("stream_options", ["include_usage": true]) }
        if let temperature = request.temperature { body.set("temperature", .number(temperature)) }
        if let maxTokens = request.maxTokens { body.set("max_tokens", .int(maxTokens)) }
        if let seed = request.seed { body.set("seed", .int(seed)) }
        for (key, value) in request.extraBody { body.set(key, value) }
        return body
    }
}
