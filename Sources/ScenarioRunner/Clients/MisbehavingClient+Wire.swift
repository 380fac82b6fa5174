import HTTPWire
import ProviderClient

// MARK: - Wire details of the misbehaving client

extension MisbehavingSession {
    /// The client's code for an error status (a plain raw client: no body-based refinement).
    static func code(forStatus status: Int) -> ProviderError.Code {
        switch status {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 408: .requestTimeout
        case 409: .conflict
        case 429: .rateLimited
        case 500...599: .serverError
        default: .unknown
        }
    }

    static func errorMessage(_ body: [UInt8], status: Int) -> String {
        if let json = try? JSONValue.parse(body), let error = json["error"] {
            return error.stringValue ?? error["message"]?.stringValue ?? "HTTP \(status)"
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "HTTP \(status)" : text
    }

    /// Method, path and JSON body of the operation for the target's personality.
    static func route(_ request: DriverRequest, target: DriverRequest.Target) -> (String, String, [UInt8]) {
        let personality = request.dialect(for: target)
        let model = JSONValue.string(target.model ?? request.model ?? "")
        let messages: JSONValue = [["role": "user", "content": .string(request.prompt)]]
        var body: JSONValue
        let path: String
        switch (request.operation, personality) {
        case (.listModels, "ollama"): return ("GET", "/api/tags", [])
        case (.listModels, _): return ("GET", "/v1/models", [])
        case (.showModel, "ollama"): return ("POST", "/api/show", (["model": model] as JSONValue).serializedBytes())
        case (.showModel, "lmstudio"): return ("GET", "/api/v0/models/\(target.model ?? "")", [])
        case (.showModel, _): return ("GET", "/v1/models/\(target.model ?? "")", [])
        case (.embed, "ollama"):
            return ("POST", "/api/embed", (["model": model, "input": .string(request.prompt)] as JSONValue).serializedBytes())
        case (.embed, _):
            return ("POST", "/v1/embeddings", (["model": model, "input": .string(request.prompt), "encoding_format": "float"] as JSONValue).serializedBytes())
        case (.generate, "ollama"):
            body = ["model": model, "prompt": .string(request.prompt), "stream": .bool(request.stream)]
            path = "/api/generate"
        case (.generate, _):
            body = ["model": model, "prompt": .string(request.prompt), "stream": .bool(request.stream)]
            path = "/v1/completions"
        case (_, "ollama"):
            body = ["model": model, "messages": messages, "stream": .bool(request.stream)]
            path = "/api/chat"
        default:
            body = ["model": model, "messages": messages, "stream": .bool(request.stream)]
            path = "/v1/chat/completions"
        }
        if let max = request.maxTokens {
            body.set(personality == "ollama" ? "options" : "max_tokens", personality == "ollama" ? ["num_predict": .int(max)] : .int(max))
        }
        return ("POST", path, body.serializedBytes())
    }
}
