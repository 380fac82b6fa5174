import HTTPWire

/// LM Studio: OpenAI-compatible `/v1/*`, REST `/api/v0/*` with model state, `X-Powered-By:
/// Express`, HTTP 200 "Unexpected endpoint" answers, "No models loaded", optional bearer token.
struct LMStudioPersonality: MockPersonality {
    let configuration: MockConfiguration
    let responder: OpenAICompatibleResponder
    let models: MockModelRegistry
    var kind: MockProviderKind { .lmstudio }

    init(configuration: MockConfiguration, models: MockModelRegistry) {
        self.configuration = configuration
        self.models = models
        self.responder = OpenAICompatibleResponder(conventions: .lmstudio, configuration: configuration, models: models)
    }

    func handle(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        let path = request.path.withoutTrailingSlash
        let method = request.method
        if path == "/lmstudio-greeting", method == .get {
            return try Respond.json(writer, ["lmstudio": true], headers: responder.responseHeaders(request))
        }
        // "Enable CORS" is Express `cors()` in front of every route, the token check included.
        if configuration.lmStudio.isCORSEnabled {
            if method == .options {
                var headers = responder.responseHeaders(request)
                headers.add(name: "Access-Control-Allow-Origin", value: "*")
                headers.add(name: "Access-Control-Allow-Methods", value: "GET,HEAD,PUT,PATCH,POST,DELETE")
                if let asked = request.http.headers["Access-Control-Request-Headers"] {
                    headers.add(name: "Access-Control-Allow-Headers", value: asked)
                }
                headers.add(name: "Vary", value: "Access-Control-Request-Headers")
                headers.add(name: "Content-Length", value: "0")
                return try writer.respond(status: .noContent, headers: headers, body: [])
            }
            return try route(request, writer: HeaderAddingWriter(base: writer, extra: ["Access-Control-Allow-Origin": "*"]))
        }
        try route(request, writer: writer)
    }

    private func route(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        let path = request.path.withoutTrailingSlash
        let method = request.method
        if let key = configuration.apiKey {
            let auth = request.http.headers["Authorization"] ?? ""
            let token = auth.lowercased().hasPrefix("bearer ") ? auth.dropFirst(7).trimmingSpaces() : ""
            if token != key {
                let body: JSONValue = ["error": [
                    "type": "invalid_request", "code": "invalid_api_key",
                    "message": .string(token.isEmpty
                        ? "An LM Studio API token is required to make requests to this server. Please provide it using the 'Authorization: Bearer $LM_API_TOKEN' header."
                        : "The provided LM Studio API token is invalid. Please provide a valid token using the 'Authorization: Bearer $LM_API_TOKEN' header."),
                ]]
                return try Respond.json(writer, status: .unauthorized, body, headers: responder.responseHeaders(request))
            }
        }
        switch (method, path) {
        case (.get, "/v1/models"):
            // With JIT loading off, LM Studio's OpenAI-compatible list shows only the loaded models.
            let listed = configuration.lmStudio.isJITLoadingEnabled ? nil : models.loaded()
            try responder.listModels(request, writer: writer, listed: listed)
        case (.post, "/v1/chat/completions"):
            try responder.chatCompletions(request, writer: writer)
        case (.post, "/v1/completions"):
            try responder.completions(request, writer: writer)
        case (.post, "/v1/embeddings"), (.post, "/api/v0/embeddings"):
            try responder.embeddings(request, writer: writer)
        case (.get, "/api/v0/models"):
            let data = models.all().map(restModel)
            try Respond.json(writer, ["object": "list", "data": .array(data)], headers: responder.responseHeaders(request))
        case (.post, "/api/v0/chat/completions"):
            try responder.chatCompletions(request, writer: writer, restV0: true)
        case (.post, "/api/v0/completions"):
            try responder.completions(request, writer: writer, restV0: true)
        default:
            if method == .get, path.hasPrefix("/api/v0/models/") {
                let id = String(path.dropFirst("/api/v0/models/".count))
                if let m = models.find(id) {
                    return try Respond.json(writer, restModel(m), headers: responder.responseHeaders(request))
                }
                return try Respond.json(writer, status: .notFound, ["error": .string("Model \"\(id)\" not found.")], headers: responder.responseHeaders(request))
            }
            if method == .get, path.hasPrefix("/v1/models/") {
                return try responder.getModel(String(path.dropFirst("/v1/models/".count)), request, writer: writer)
            }
            let message = "Unexpected endpoint or method. (\(method.rawValue) \(request.path))"
            let status: HTTPStatus = configuration.lmStudio.returns200ForUnknownEndpoints ? .ok : .notFound
            try Respond.json(writer, status: status, ["error": .string(message)], headers: responder.responseHeaders(request))
        }
    }

    /// The `/api/v0/models` object of a model.
    func restModel(_ m: MockModel) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .string(m.name)), ("object", "model"),
            ("type", .string(m.capability == .embedding ? "embeddings" : m.capability == .vision ? "vlm" : "llm")),
            ("publisher", .string(m.publisher)), ("arch", .string(m.family)), ("compatibility_type", "gguf"),
            ("quantization", .string(m.quantization)), ("state", .string(m.isLoaded ? "loaded" : "not-loaded")),
            ("max_context_length", .int(m.contextLength)),
        ]
        if m.isLoaded { pairs.append(("loaded_context_length", .int(min(m.contextLength, 4096)))) }
        if m.capability != .embedding { pairs.append(("capabilities", ["tool_use"])) }
        return .object(pairs)
    }

    func errorResponse(for fault: FaultSpec.StatusFault, request: MockRequest) -> (HTTPResponseHead, [UInt8]) {
        let model = request.model ?? "unknown"
        let body: JSONValue
        switch fault.code {
        case 401:
            body = ["error": ["type": "invalid_request", "code": "invalid_api_key", "message": .string(fault.message ?? "An LM Studio API token is required to make requests to this server. Please provide it using the 'Authorization: Bearer $LM_API_TOKEN' header.")]]
        case 404:
            body = responder.errorJSON(status: 404, message: fault.message ?? "Model \"\(model)\" not found. Please specify a valid model.", param: "model", code: "model_not_found")
        case 400:
            body = ["error": .string(fault.message ?? "No models loaded. Please load a model in the developer page or use the 'lms load' command.")]
        default:
            body = responder.errorJSON(status: fault.code, message: fault.message ?? (fault.code >= 500 ? "Model crashed unexpectedly." : "Request failed with status \(fault.code)."))
        }
        var headers = responder.responseHeaders(request)
        retryHeaders(for: fault, into: &headers)
        let bytes = body.serializedBytes()
        headers["Content-Type"] = Respond.jsonContentType
        headers["Content-Length"] = String(bytes.count)
        return (HTTPResponseHead(status: HTTPStatus(code: fault.code), headers: headers), bytes)
    }
}
