import Foundation
import HTTPWire

/// The OpenAI-compatible surface (`/v1/models`, `/v1/chat/completions`, `/v1/completions`,
/// `/v1/embeddings`) shared by the three personalities; each provider's quirks (ids,
/// `system_fingerprint`, `owned_by`, error shapes, headers, LM Studio `stats`) come from its
/// ``ProviderConventions``.
struct OpenAICompatibleResponder: Sendable {
    /// What differs between the providers.
    let conventions: ProviderConventions
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

    init(conventions: ProviderConventions, configuration: MockConfiguration, models: MockModelRegistry) {
        self.conventions = conventions
        self.configuration = configuration
        self.generator = TextGenerator(seed: configuration.seed, fixedReply: configuration.replyText)
        self.replies = ReplyCache(generator: generator)
        self.embedder = EmbeddingGenerator(seed: configuration.seed)
        self.models = models
        self.idStream = SeededRandom.Stream(seed: configuration.seed, name: "ids")
        self.requestIDStream = SeededRandom.Stream(seed: configuration.seed, name: "request-id")
        self.jitterStream = SeededRandom.Stream(seed: configuration.seed, name: "jitter")
    }

    var jsonContentType: String { conventions.jsonContentType }
    var sseContentType: String { conventions.sseContentType }

    // MARK: - Errors

    /// `{"error":{"message","type","param","code"}}` in the provider's error dialect.
    func errorJSON(status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil) -> JSONValue {
        let t = type ?? conventions.errors.type(forStatus: status)
        return ["error": ["message": .string(message), "type": .string(t), "param": param.map(JSONValue.string) ?? .null, "code": code.map(JSONValue.string) ?? .null]]
    }

    func writeError(_ writer: any HTTPResponseWriter, request: MockRequest, status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil, extraHeaders: HTTPHeaders = [:]) throws {
        var headers = responseHeaders(request)
        for f in extraHeaders { headers.add(name: f.name, value: f.value) }
        try Respond.json(writer, status: HTTPStatus(code: status), errorJSON(status: status, message: message, type: type, param: param, code: code), headers: headers, contentType: jsonContentType)
    }

    /// Headers every response of the provider carries.
    func responseHeaders(_ request: MockRequest, completionTokens: Int = 0) -> HTTPHeaders {
        var h = HTTPHeaders()
        switch conventions.kind {
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
        guard let received = request.http.receivedAt else { return 1 }
        return max(1, Int(received.elapsed.nanoseconds / 1_000_000))
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
        switch conventions.kind {
        case .openai:
            return ["id": .string(m.name), "object": "model", "created": 1_721_172_741, "owned_by": .string(m.publisher)]
        case .ollama:
            let owner = m.name.contains("/") ? String(m.name.split(separator: "/")[0]) : "library"
            return ["id": .string(OllamaNames.canonical(m.name)), "object": "model", "created": 1_746_404_264, "owned_by": .string(owner)]
        case .lmstudio:
            return ["id": .string(m.name), "object": "model", "owned_by": "organization_owner"]
        }
    }

    /// `GET /v1/models`: every model, or only `listed` when the provider shows fewer (LM Studio with JIT
    /// loading off lists only the loaded ones).
    func listModels(_ request: MockRequest, writer: any HTTPResponseWriter, listed: [MockModel]? = nil) throws {
        let list = listed ?? models.all()
        let data: JSONValue = conventions.emptyModelListIsNull && list.isEmpty ? .null : .array(list.map(modelObject))
        let body: JSONValue = conventions.modelListDataFirst ? ["data": data, "object": "list"] : ["object": "list", "data": data]
        try Respond.json(writer, body, headers: responseHeaders(request), contentType: jsonContentType)
    }

    func getModel(_ id: String, _ request: MockRequest, writer: any HTTPResponseWriter) throws {
        guard let m = models.find(id) else {
            let (message, code) = conventions.messages.modelIDNotFound(id)
            return try writeError(writer, request: request, status: 404, message: message, param: modelParameter, code: code)
        }
        try Respond.json(writer, modelObject(m), headers: responseHeaders(request), contentType: jsonContentType)
    }

    // MARK: - Request checks

    /// `model` where the dialect names the offending parameter, else nil.
    var modelParameter: String? { conventions.errors.namesParameters ? "model" : nil }

    /// The model for a generation request, or nil after writing the provider's error.
    func resolveModel(_ request: MockRequest, writer: any HTTPResponseWriter, wantsEmbedding: Bool) throws -> MockModel? {
        let messages = conventions.messages
        if request.json == nil {
            let message = request.http.body.isEmpty ? messages.bodyMissing : messages.bodyNotJSON
            try writeError(writer, request: request, status: 400, message: message)
            return nil
        }
        guard let name = request.json?["model"]?.stringValue, !name.isEmpty else {
            try writeError(writer, request: request, status: 400, message: messages.modelRequired, param: modelParameter)
            return nil
        }
        if conventions.kind == .lmstudio {
            return try models.resolveLMStudio(name, request: request, writer: writer, responder: self)
        }
        guard let model = models.find(name) else {
            let (status, message, code) = messages.modelNotFound(name)
            try writeError(writer, request: request, status: status, message: message, code: code)
            return nil
        }
        if wantsEmbedding == false, model.capability == .embedding {
            let (status, message) = messages.notAChatModel(name)
            try writeError(writer, request: request, status: status, message: message)
            return nil
        }
        return model
    }

    /// `chatcmpl-…` / `cmpl-…` ids in the provider's style.
    static func makeID(_ style: ProviderConventions.IDStyle, prefix: StaticString, _ rng: inout SeededRandom) -> String {
        switch style {
        case .alphanumeric(let count, let uppercase): alnum(&rng, count, upper: uppercase, prefix: prefix)
        case .shortNumber: "\(prefix)" + String(rng.next() % 999)
        }
    }
}
