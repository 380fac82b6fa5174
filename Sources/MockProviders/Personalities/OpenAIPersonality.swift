import HTTPWire

/// An OpenAI-compatible endpoint: `/v1/models`, `/v1/chat/completions`, `/v1/completions`,
/// `/v1/embeddings`, bearer-key check, OpenAI error bodies and headers.
struct OpenAIPersonality: MockPersonality {
    let configuration: MockConfiguration
    let responder: OpenAICompatibleResponder
    var kind: MockProviderKind { .openai }

    init(configuration: MockConfiguration, models: MockModelRegistry) {
        self.configuration = configuration
        self.responder = OpenAICompatibleResponder(conventions: .openai, configuration: configuration, models: models)
    }

    func handle(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        // As llama.cpp's `llama-server`: any origin is echoed, and a preflight on any path is
        // answered before the key check.
        let origin = request.http.headers["Origin"]
        if request.method == .options {
            var headers: HTTPHeaders = [:]
            if let origin { headers.add(name: "Access-Control-Allow-Origin", value: origin) }
            headers.add(name: "Access-Control-Allow-Credentials", value: "true")
            headers.add(name: "Access-Control-Allow-Methods", value: "GET, POST")
            headers.add(name: "Access-Control-Allow-Headers", value: "*")
            headers.add(name: "Content-Type", value: "text/html")
            headers.add(name: "Content-Length", value: "0")
            return try writer.respond(status: .ok, headers: headers, body: [])
        }
        let writer = origin.map { HeaderAddingWriter(base: writer, extra: ["Access-Control-Allow-Origin": $0]) } ?? writer
        if let key = configuration.apiKey, !(try checkKey(key, request: request, writer: writer)) { return }
        let path = request.path.withoutTrailingSlash
        let method = request.method
        switch path {
        case "/v1/models" where method == .get:
            try responder.listModels(request, writer: writer)
        case "/v1/chat/completions" where method == .post:
            try responder.chatCompletions(request, writer: writer)
        case "/v1/completions" where method == .post:
            try responder.completions(request, writer: writer)
        case "/v1/embeddings" where method == .post:
            try responder.embeddings(request, writer: writer)
        default:
            if path.hasPrefix("/v1/models/"), method == .get {
                return try responder.getModel(String(path.dropFirst("/v1/models/".count)), request, writer: writer)
            }
            try responder.writeError(writer, request: request, status: 404, message: "Invalid URL (\(method.rawValue) \(request.path))")
        }
    }

    /// Whether the request carries the configured key; writes OpenAI's 401 otherwise.
    private func checkKey(_ key: String, request: MockRequest, writer: any HTTPResponseWriter) throws -> Bool {
        guard let auth = request.http.headers["Authorization"], auth.lowercased().hasPrefix("bearer "), !auth.dropFirst(7).trimmingSpaces().isEmpty else {
            try responder.writeError(writer, request: request, status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.")
            return false
        }
        let given = auth.dropFirst(7).trimmingSpaces()
        guard given == key else {
            try responder.writeError(writer, request: request, status: 401, message: "Incorrect API key provided: \(OpenAIPersonality.maskForMessage(given)). You can find your API key at https://platform.openai.com/account/api-keys.", code: "invalid_api_key")
            return false
        }
        return true
    }

    /// `sk-abc***…wjh3`: OpenAI shows the first few and last four characters.
    static func maskForMessage(_ key: String) -> String {
        guard key.count > 8 else { return "***" }
        return key.prefix(6) + String(repeating: "*", count: min(20, key.count - 10 > 0 ? key.count - 10 : 3)) + key.suffix(4)
    }

    func errorResponse(for fault: FaultSpec.StatusFault, request: MockRequest) -> (HTTPResponseHead, [UInt8]) {
        let model = request.model ?? "gpt-4o-mini"
        let (message, type, code): (String, String, String?)
        switch fault.code {
        case 400: (message, type, code) = ("Invalid request.", "invalid_request_error", nil)
        case 401: (message, type, code) = ("Incorrect API key provided: sk-abc***************wjh3. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
        case 403: (message, type, code) = ("Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory")
        case 404: (message, type, code) = ("The model `\(model)` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
        case 429: (message, type, code) = ("Rate limit reached for \(model) in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.", "requests", "rate_limit_exceeded")
        case 503: (message, type, code) = ("The engine is currently overloaded, please try again later.", "server_error", nil)
        default:
            (message, type, code) = fault.code >= 500
                ? ("The server had an error while processing your request. Sorry about that!", "server_error", nil)
                : ("Request failed.", "invalid_request_error", nil)
        }
        var headers = responder.responseHeaders(request)
        retryHeaders(for: fault, into: &headers)
        if fault.code == 429 {
            headers["x-ratelimit-remaining-requests"] = "0"
        }
        headers["Content-Type"] = responder.jsonContentType
        let body = responder.errorJSON(status: fault.code, message: fault.message ?? message, type: type, code: code).serializedBytes()
        headers["Content-Length"] = String(body.count)
        return (HTTPResponseHead(status: HTTPStatus(code: fault.code), headers: headers), body)
    }
}
