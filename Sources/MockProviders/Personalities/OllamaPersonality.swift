import Foundation
import HTTPWire

/// Ollama: `/`, `/api/*` (NDJSON streams, nanosecond metrics, `{"error":"…"}` bodies), gin's text
/// 404/405, the `OLLAMA_ORIGINS` and `Host` checks, and the `/v1` OpenAI-compatibility layer.
struct OllamaPersonality: MockPersonality {
    let configuration: MockConfiguration
    let models: MockModelRegistry
    let responder: OpenAICompatibleResponder
    let embedder: EmbeddingGenerator
    var kind: MockProviderKind { .ollama }

    init(configuration: MockConfiguration, models: MockModelRegistry) {
        self.configuration = configuration
        self.models = models
        self.responder = OpenAICompatibleResponder(conventions: .ollama, configuration: configuration, models: models)
        self.embedder = EmbeddingGenerator(seed: configuration.seed)
    }

    static let ndjson = "application/x-ndjson"

    /// Known routes and their methods (anything else on a known path is 405).
    static let routes: [String: Set<String>] = [
        "/": ["GET", "HEAD"], "/api/version": ["GET", "HEAD"], "/api/tags": ["GET", "HEAD"], "/api/ps": ["GET"],
        "/api/status": ["GET"], "/api/show": ["POST"], "/api/chat": ["POST"], "/api/generate": ["POST"],
        "/api/embed": ["POST"], "/api/embeddings": ["POST"], "/api/pull": ["POST"], "/api/push": ["POST"],
        "/api/create": ["POST"], "/api/copy": ["POST"], "/api/delete": ["DELETE"],
        "/v1/chat/completions": ["POST"], "/v1/completions": ["POST"], "/v1/embeddings": ["POST"], "/v1/models": ["GET"],
    ]

    // MARK: - Entry

    func handle(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        var corsHeaders = HTTPHeaders()
        if let origin = request.http.headers["Origin"], !isSameOrigin(origin, request: request) {
            guard isAllowedOrigin(origin) else {
                return try writer.respond(status: .forbidden, body: [])
            }
            corsHeaders["Access-Control-Allow-Origin"] = origin
            corsHeaders["Vary"] = "Origin"
            if request.method == .options {
                corsHeaders["Access-Control-Allow-Methods"] = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS"
                corsHeaders["Access-Control-Allow-Headers"] = "Authorization,Content-Type,User-Agent,Accept,X-Requested-With,OpenAI-Beta,x-stainless-arch,x-stainless-async,x-stainless-custom-poll-interval,x-stainless-helper-method,x-stainless-lang,x-stainless-os,x-stainless-package-version,x-stainless-poll-helper,x-stainless-retry-count,x-stainless-runtime,x-stainless-runtime-version,x-stainless-timeout"
                corsHeaders["Access-Control-Max-Age"] = "43200"
                return try writer.respond(status: .noContent, headers: corsHeaders)
            }
        }
        // Every Host field is checked: a second one must not slip past the policy (the server
        // already refuses duplicates; this holds even where it is configured not to).
        if configuration.checksHost, isLoopbackListener, request.http.headers.values(for: "Host").contains(where: { !isAllowedHost($0) }) {
            return try writer.respond(status: .forbidden, body: [])
        }
        let writer = corsHeaders.isEmpty ? writer : HeaderAddingWriter(base: writer, extra: corsHeaders)
        try route(request, writer: writer)
    }

    private func route(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        let path = request.path.withoutTrailingSlash
        let method = request.method.rawValue
        var allowed = OllamaPersonality.routes[path]
        if allowed == nil, path.hasPrefix("/v1/models/") { allowed = ["GET"] }
        guard let allowed else {
            return try writer.respond(status: .notFound, headers: ["Content-Type": "text/plain"], text: "404 page not found")
        }
        guard allowed.contains(method) else {
            return try writer.respond(status: .methodNotAllowed, headers: ["Content-Type": "text/plain"], text: "405 method not allowed")
        }
        switch path {
        case "/": try writer.respond(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], text: "Ollama is running")
        case "/api/version": try json(writer, ["version": .string(configuration.ollamaVersion)])
        case "/api/tags": try json(writer, ["models": .array(models.all().map(tagEntry))])
        case "/api/ps": try json(writer, ["models": .array(models.loaded().filter { $0.capability != .embedding }.map(psEntry))])
        case "/api/status": try json(writer, ["cloud": ["disabled": false, "source": "default"]])
        case "/api/show": try show(request, writer: writer)
        case "/api/chat": try generate(request, writer: writer, isChat: true)
        case "/api/generate": try generate(request, writer: writer, isChat: false)
        case "/api/embed": try embed(request, writer: writer)
        case "/api/embeddings": try legacyEmbeddings(request, writer: writer)
        case "/api/pull": try pull(request, writer: writer)
        case "/api/delete", "/api/copy": try deleteOrCopy(request, writer: writer, isCopy: path == "/api/copy")
        case "/api/push", "/api/create": try error(writer, 500, "not supported by the llmcheck mock")
        case "/v1/chat/completions": try responder.chatCompletions(request, writer: writer)
        case "/v1/completions": try responder.completions(request, writer: writer)
        case "/v1/embeddings": try responder.embeddings(request, writer: writer)
        case "/v1/models": try responder.listModels(request, writer: writer)
        default: try responder.getModel(String(path.dropFirst("/v1/models/".count)), request, writer: writer)
        }
    }

    // MARK: - Helpers

    func json(_ writer: any HTTPResponseWriter, status: HTTPStatus = .ok, _ value: JSONValue) throws {
        try Respond.json(writer, status: status, value)
    }

    func error(_ writer: any HTTPResponseWriter, _ status: Int, _ message: String) throws {
        try Respond.json(writer, status: HTTPStatus(code: status), ["error": .string(message)])
    }

    /// Checks body, model presence and existence; writes Ollama's error otherwise.
    func requireModel(_ request: MockRequest, writer: any HTTPResponseWriter, notFound: (String) -> String = { "model '\($0)' not found" }) throws -> (MockModel, String)? {
        if request.http.body.isEmpty {
            try error(writer, 400, "missing request body")
            return nil
        }
        if let e = request.jsonError {
            try error(writer, 400, "invalid character in request body: \(e.message)")
            return nil
        }
        guard let name = request.model, !name.isEmpty else {
            try error(writer, 400, "model is required")
            return nil
        }
        guard let model = models.find(name) else {
            try error(writer, 404, notFound(name))
            return nil
        }
        return (model, name)
    }

    private func details(_ m: MockModel) -> JSONValue {
        ["parent_model": "", "format": "gguf", "family": .string(m.family), "families": [.string(m.family)],
         "parameter_size": .string(m.parameterSize), "quantization_level": .string(m.quantization)]
    }

    static let modifiedAt = "2025-05-04T17:37:44.706015396-07:00"

    private func tagEntry(_ m: MockModel) -> JSONValue {
        let name = OllamaNames.canonical(m.name)
        return ["name": .string(name), "model": .string(name), "modified_at": .string(OllamaPersonality.modifiedAt),
                "size": .integer(m.sizeBytes), "digest": .string(m.digest), "details": details(m)]
    }

    private func psEntry(_ m: MockModel) -> JSONValue {
        let name = OllamaNames.canonical(m.name)
        let expires = WallClock.rfc3339(unixNanoseconds: WallClock.nowUnixNanoseconds() + 300_000_000_000)
        return ["name": .string(name), "model": .string(name), "size": .integer(m.sizeBytes), "digest": .string(m.digest),
                "details": details(m), "expires_at": .string(expires), "size_vram": .integer(m.sizeBytes),
                "context_length": .int(min(4096, m.contextLength))]
    }

    // MARK: - /api/show

    private func show(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        guard let (m, _) = try requireModel(request, writer: writer, notFound: { "model '\(OllamaNames.canonical($0))' not found" }) else { return }
        let arch = m.family
        var capabilities: [JSONValue] = m.capability == .embedding ? ["embedding"] : ["completion", "tools"]
        if m.capability == .vision { capabilities.append("vision") }
        let body: JSONValue = [
            "license": "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT",
            "modelfile": .string("# Modelfile generated by \"ollama show\"\nFROM \(OllamaNames.canonical(m.name))\n"),
            "parameters": "stop                           \"<|eot_id|>\"",
            "template": "{{ .Prompt }}",
            "details": details(m),
            "model_info": [
                "general.architecture": .string(arch), "general.parameter_count": .integer(m.sizeBytes / 2),
                .init(stringLiteral: "\(arch).context_length"): .int(m.contextLength),
                .init(stringLiteral: "\(arch).embedding_length"): .int(m.embeddingLength),
            ],
            "capabilities": .array(capabilities),
            "modified_at": .string(OllamaPersonality.modifiedAt),
        ]
        try json(writer, body)
    }

    // MARK: - Model management

    private func pull(_ request: MockRequest, writer: any HTTPResponseWriter) throws {
        if request.http.body.isEmpty { return try error(writer, 400, "missing request body") }
        guard let name = request.model, !name.isEmpty else { return try error(writer, 400, "model is required") }
        let stream = request.json?["stream"]?.boolValue ?? true
        if !stream {
            try writer.pause(for: .milliseconds(1))
            return try json(writer, ["status": "success"])
        }
        let m = models.find(name) ?? MockModel.guessed(from: name, provider: .ollama)
        let digest = m.digest
        let total = m.sizeBytes > 0 ? m.sizeBytes : 2_019_393_189
        try Respond.startStream(writer, contentType: OllamaPersonality.ndjson, noCache: false)
        let gap = configuration.physics.interTokenGap
        var lines: [JSONValue] = [["status": "pulling manifest"]]
        let layer = "pulling " + String(digest.prefix(12))
        lines.append(["status": .string(layer), "digest": .string("sha256:" + digest), "total": .integer(total)])
        for step in 1...4 {
            lines.append(["status": .string(layer), "digest": .string("sha256:" + digest), "total": .integer(total), "completed": .integer(total * Int64(step) / 4)])
        }
        lines += [["status": "verifying sha256 digest"], ["status": "writing manifest"], ["status": "removing unused layers"], ["status": "success"]]
        for (i, line) in lines.enumerated() {
            if i > 0, gap > .zero { try writer.pause(for: gap) }
            try writer.writeBody(Respond.ndjsonLine(line))
        }
        try writer.finish()
    }

    private func deleteOrCopy(_ request: MockRequest, writer: any HTTPResponseWriter, isCopy: Bool) throws {
        if isCopy {
            let source = request.json?["source"]?.stringValue ?? ""
            guard models.find(source) != nil else { return try error(writer, 404, "model \"\(source)\" not found") }
            return try writer.respond(status: .ok)
        }
        guard (try requireModel(request, writer: writer)) != nil else { return }
        try writer.respond(status: .ok)
    }

    // MARK: - Origin and Host checks

    private func isSameOrigin(_ origin: String, request: MockRequest) -> Bool {
        guard let host = request.http.headers["Host"] else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    /// Ollama's default allowed origins plus the configured ones.
    func isAllowedOrigin(_ origin: String) -> Bool {
        var patterns: [String] = []
        for host in ["localhost", "127.0.0.1", "0.0.0.0"] {
            for scheme in ["http", "https"] { patterns += ["\(scheme)://\(host)", "\(scheme)://\(host):*"] }
        }
        patterns += ["app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*"]
        patterns += configuration.allowedOrigins
        return patterns.contains { $0 == "*" || GlobPattern($0).matches(origin) }
    }

    private var isLoopbackListener: Bool { HostPolicy.isLoopbackListener(configuration.server.host) }

    /// The DNS-rebinding guard (``HostPolicy/isAllowedHost(_:)``).
    func isAllowedHost(_ hostHeader: String) -> Bool { HostPolicy.isAllowedHost(hostHeader) }

    // MARK: - Status faults

    func errorResponse(for fault: FaultSpec.StatusFault, request: MockRequest) -> (HTTPResponseHead, [UInt8]) {
        var headers = HTTPHeaders()
        let model = request.model ?? "llama3.2"
        if request.path.hasPrefix("/v1/") {
            let message = fault.message ?? (fault.code == 404 ? "model '\(model)' not found" : defaultMessage(fault.code, model: model))
            let body = responder.errorJSON(status: fault.code, message: message).serializedBytes()
            headers["Content-Type"] = Respond.jsonContentType
            retryHeaders(for: fault, into: &headers)
            headers["Content-Length"] = String(body.count)
            return (HTTPResponseHead(status: HTTPStatus(code: fault.code), headers: headers), body)
        }
        retryHeaders(for: fault, into: &headers)
        if fault.code == 403, fault.message == nil {
            headers["Content-Length"] = "0"
            return (HTTPResponseHead(status: .forbidden, headers: headers), [])
        }
        let body = JSONValue.object([("error", .string(fault.message ?? defaultMessage(fault.code, model: model)))]).serializedBytes()
        headers["Content-Type"] = Respond.jsonContentType
        headers["Content-Length"] = String(body.count)
        return (HTTPResponseHead(status: HTTPStatus(code: fault.code), headers: headers), body)
    }

    private func defaultMessage(_ code: Int, model: String) -> String {
        switch code {
        case 400: "invalid request"
        case 401: "unauthorized"
        case 404: "model '\(model)' not found"
        case 429: "too many requests, please try again later"
        case 499: "request canceled"
        case 500: "llama runner process has terminated: exit status 2"
        case 502: "cloud model unreachable"
        case 503: "server busy, please try again.  maximum pending requests exceeded"
        default: "request failed with status \(code)"
        }
    }
}

/// Adds header fields (CORS) to every response head written through it.
final class HeaderAddingWriter: HTTPResponseWriter {
    let base: any HTTPResponseWriter
    let extra: HTTPHeaders

    init(base: any HTTPResponseWriter, extra: HTTPHeaders) {
        self.base = base
        self.extra = extra
    }

    var requestHead: HTTPRequestHead { base.requestHead }
    var isHeadWritten: Bool { base.isHeadWritten }
    func writeHead(_ head: HTTPResponseHead) throws {
        var h = head
        for f in extra { h.headers[f.name] = f.value }
        try base.writeHead(h)
    }
    func writeBody(_ bytes: [UInt8]) throws { try base.writeBody(bytes) }
    func finish() throws { try base.finish() }
    func writeRaw(_ bytes: [UInt8]) throws { try base.writeRaw(bytes) }
    func close() { base.close() }
    func reset() { base.reset() }
    func pause(for duration: Duration) throws { try base.pause(for: duration) }
    func waitForPeerClose(timeout: Duration?) -> Bool { base.waitForPeerClose(timeout: timeout) }
}
