import HTTPWire

/// One description per provider: everything that differs between Ollama, LM Studio and an
/// OpenAI-compatible server on the wire (paths, default port, content types, error dialect, ids,
/// quirks of the `/v1` surface, CORS). The personalities and the shared ``OpenAICompatibleResponder``
/// read it instead of testing which provider they are.
///
/// The values come from the providers' documentation and sources, summarized per provider in
/// `MockServers/README.md`. Adding a provider means adding one of these (and its personality).
struct ProviderConventions: Sendable {
    /// How ids of completions are made.
    enum IDStyle: Sendable {
        /// `prefix` and `count` random letters and digits (`uppercase`: both cases).
        case alphanumeric(count: Int, uppercase: Bool)
        /// `prefix` and a number below 999 (Ollama's `chatcmpl-123`).
        case shortNumber
    }

    /// The `system_fingerprint` of chat answers and where it stands.
    enum Fingerprint: Sendable {
        /// This text, right after `model` (OpenAI `fp_…`, Ollama `fp_ollama`).
        case fixed(String)
        /// LM Studio: the model name, last in the answer, after its `stats` block (empty on `/v1`,
        /// measured on `/api/v0`).
        case modelNameAfterStats
    }

    /// Where a chat answer's choice carries `"logprobs":null`.
    enum LogprobsPlacement: Sendable {
        case none
        /// Before `message` (LM Studio).
        case beforeMessage
        /// After `message` (OpenAI).
        case afterMessage
    }

    /// How `{"error":{…}}` objects are filled in.
    enum ErrorDialect: Sendable {
        /// OpenAI: `invalid_request_error` below 500, `server_error` above; `param` and `code` named.
        case openai
        /// Ollama's `/v1` layer: `invalid_request_error` (400), `not_found_error` (404), `api_error`;
        /// `param` and `code` always null.
        case ollama
        /// LM Studio: OpenAI's types and fields.
        case lmstudio

        func type(forStatus status: Int) -> String {
            switch self {
            case .ollama: status == 400 ? "invalid_request_error" : status == 404 ? "not_found_error" : "api_error"
            case .openai, .lmstudio: status >= 500 ? "server_error" : "invalid_request_error"
            }
        }

        /// Whether errors name the offending `param` (Ollama leaves it null).
        var namesParameters: Bool {
            if case .ollama = self { false } else { true }
        }
    }

    /// How a provider answers browser preflights (`OPTIONS` with `Origin`).
    enum CORSPolicy: Sendable {
        /// Ollama: its origin allow-list (`OLLAMA_ORIGINS` plus localhost and app schemes); a
        /// foreign origin gets 403 with an empty body, an allowed preflight 204 with CORS headers.
        case ollamaOrigins
        /// LM Studio: off by default (preflights hit the "Unexpected endpoint" handler); when the
        /// server's "Enable CORS" is on, Express `cors()`: `*`, preflight 204.
        case lmStudioSetting
        /// llama.cpp `llama-server`: every origin is echoed; `OPTIONS` on any path is `200` with an
        /// empty `text/html` body, `Access-Control-Allow-Credentials: true`,
        /// `Access-Control-Allow-Methods: GET, POST`, `Access-Control-Allow-Headers: *`, and the key
        /// check does not apply to it.
        case echoOrigin
    }

    /// Texts of the errors the shared `/v1` responder writes.
    struct Messages: Sendable {
        let bodyMissing: String
        let bodyNotJSON: String
        let modelRequired: String
        /// Status and text for a model that does not exist (`/v1/chat/completions` and friends).
        let modelNotFound: @Sendable (String) -> (status: Int, message: String, code: String?)
        /// Status and text for `GET /v1/models/{id}` of an unknown id.
        let modelIDNotFound: @Sendable (String) -> (message: String, code: String?)
        /// Status and text for a chat request naming an embedding model.
        let notAChatModel: @Sendable (String) -> (status: Int, message: String)
        /// `messages` absent.
        let messagesMissing: (message: String, code: String?)
        /// `messages` present but not an array (its JSON type name is passed).
        let messagesNotArray: @Sendable (_ jsonType: String) -> (status: Int, message: String, code: String?)
        /// An embeddings `input` item of the wrong type, and a missing `input`.
        let inputItemInvalid: String
        let inputMissing: String
    }

    let kind: MockProviderKind
    let jsonContentType: String
    let sseContentType: String
    let errors: ErrorDialect
    let messages: Messages
    let chatIDs: IDStyle
    let completionIDs: IDStyle
    let fingerprint: Fingerprint
    let cors: CORSPolicy
    /// `"logprobs":null` in the choices of a chat answer.
    let answerLogprobs: LogprobsPlacement

    // MARK: Quirks of the /v1 surface

    /// OpenAI sends a role-only first chunk before the time to first token; the others carry the
    /// role in the chunk of the first token.
    let sendsRoleChunkFirst: Bool
    /// Chunk choices carry `"logprobs":null` (not Ollama).
    let chunksCarryLogprobs: Bool
    /// Chat messages carry `refusal` and `annotations`, usage its token details, answers their
    /// `service_tier`, chunks `"usage":null` when usage is asked for (OpenAI).
    let hasOpenAIExtras: Bool
    /// `/v1/models` with no models is `{"data":null}` (Ollama, a Go nil slice).
    let emptyModelListIsNull: Bool
    /// `/v1/models` writes `data` before `object` (LM Studio).
    let modelListDataFirst: Bool
    /// Legacy completions carry `system_fingerprint` (Ollama).
    let completionsCarryFingerprint: Bool
    /// `encoding_format: base64` is honoured for embeddings (LM Studio always sends floats).
    let honoursBase64Embeddings: Bool
    /// `n` > 1 returns n choices (OpenAI); the local servers answer one choice whatever `n` says.
    let supportsMultipleChoices: Bool
    /// The largest `n` accepted (OpenAI: 128).
    let maximumChoices: Int

    /// The port the real server listens on by default.
    var defaultPort: UInt16 { kind.conventionalPort }

    /// The conventions of `kind`.
    static func of(_ kind: MockProviderKind) -> ProviderConventions {
        switch kind {
        case .openai: .openai
        case .ollama: .ollama
        case .lmstudio: .lmstudio
        }
    }

    private static let openAINotJSON = "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"

    /// OpenAI's article for a JSON type in its validation messages (`a string`, `an object`).
    private static func article(_ type: String) -> String {
        ["object", "integer"].contains(type) ? "an \(type)" : "a \(type)"
    }

    static let openai = ProviderConventions(
        kind: .openai, jsonContentType: "application/json", sseContentType: "text/event-stream; charset=utf-8",
        errors: .openai,
        messages: Messages(
            bodyMissing: openAINotJSON, bodyNotJSON: openAINotJSON, modelRequired: "you must provide a model parameter",
            modelNotFound: { (404, "The model `\($0)` does not exist or you do not have access to it.", "model_not_found") },
            modelIDNotFound: { ("The model '\($0)' does not exist", "model_not_found") },
            notAChatModel: { _ in (404, "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?") },
            messagesMissing: ("Missing required parameter: 'messages'.", "missing_required_parameter"),
            messagesNotArray: { (400, "Invalid type for 'messages': expected an array of objects, but got \(article($0)) instead.", "invalid_type") },
            inputItemInvalid: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            inputMissing: "'input' is a required property"
        ),
        chatIDs: .alphanumeric(count: 29, uppercase: true), completionIDs: .alphanumeric(count: 29, uppercase: true),
        fingerprint: .fixed("fp_44709d6fcb"), cors: .echoOrigin, answerLogprobs: .afterMessage,
        sendsRoleChunkFirst: true, chunksCarryLogprobs: true, hasOpenAIExtras: true, emptyModelListIsNull: false,
        modelListDataFirst: false, completionsCarryFingerprint: false, honoursBase64Embeddings: true,
        supportsMultipleChoices: true, maximumChoices: 128
    )

    static let ollama = ProviderConventions(
        kind: .ollama, jsonContentType: "application/json; charset=utf-8", sseContentType: "text/event-stream",
        errors: .ollama,
        messages: Messages(
            bodyMissing: "missing request body", bodyNotJSON: "invalid character looking for beginning of value",
            modelRequired: "model is required",
            modelNotFound: { (404, "model '\($0)' not found", nil) },
            modelIDNotFound: { ("model '\($0)' not found", nil) },
            notAChatModel: { (400, "\"\($0)\" does not support chat") },
            messagesMissing: ("[] is too short - 'messages'", nil),
            // Go's decoder refuses the body before Ollama's own checks.
            messagesNotArray: { (400, "json: cannot unmarshal \(goTypeName($0)) into Go struct field ChatCompletionRequest.messages of type []openai.Message", nil) },
            inputItemInvalid: "invalid input type", inputMissing: "invalid input type"
        ),
        chatIDs: .shortNumber, completionIDs: .shortNumber, fingerprint: .fixed("fp_ollama"), cors: .ollamaOrigins, answerLogprobs: .none,
        sendsRoleChunkFirst: false, chunksCarryLogprobs: false, hasOpenAIExtras: false, emptyModelListIsNull: true,
        modelListDataFirst: false, completionsCarryFingerprint: true, honoursBase64Embeddings: true,
        supportsMultipleChoices: false, maximumChoices: 1
    )

    static let lmstudio = ProviderConventions(
        kind: .lmstudio, jsonContentType: "application/json; charset=utf-8", sseContentType: "text/event-stream",
        errors: .lmstudio,
        messages: Messages(
            bodyMissing: openAINotJSON, bodyNotJSON: openAINotJSON, modelRequired: "you must provide a model parameter",
            modelNotFound: { (404, "model '\($0)' not found", nil) },
            modelIDNotFound: { ("Model \"\($0)\" not found.", "model_not_found") },
            notAChatModel: { (400, "\"\($0)\" does not support chat") },
            messagesMissing: ("Missing required parameter: 'messages'.", nil),
            // Observed: the server's own iteration fails (bug-tracker#377).
            messagesNotArray: { _ in (400, "[Server Error] _0x48eeaf is not iterable", nil) },
            inputItemInvalid: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            inputMissing: "'input' is a required property"
        ),
        chatIDs: .alphanumeric(count: 22, uppercase: false), completionIDs: .alphanumeric(count: 29, uppercase: true),
        fingerprint: .modelNameAfterStats, cors: .lmStudioSetting, answerLogprobs: .beforeMessage,
        sendsRoleChunkFirst: false, chunksCarryLogprobs: true, hasOpenAIExtras: false, emptyModelListIsNull: false,
        modelListDataFirst: true, completionsCarryFingerprint: false, honoursBase64Embeddings: false,
        supportsMultipleChoices: false, maximumChoices: 1
    )

    /// Go's name of a JSON value's type in `json: cannot unmarshal …` errors.
    static func goTypeName(_ jsonType: String) -> String {
        switch jsonType {
        case "integer": "number"
        case "boolean": "bool"
        default: jsonType
        }
    }

    /// The JSON type name of a value as validation messages spell it (`string`, `integer`,
    /// `number`, `boolean`, `object`, `array`, `null`).
    static func jsonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number(let d): d.rounded() == d && abs(d) < 1e15 ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
