import HTTPWire

/// One message of a conversation.
public struct ChatMessage: Sendable, Hashable {
    /// `system`, `user`, `assistant` or `tool`.
    public var role: String
    public var content: String
    /// Base64-encoded images (Ollama `images`, OpenAI `image_url` data URLs).
    public var images: [String]
    /// Tool calls made by the assistant.
    public var toolCalls: [ToolCall]
    /// For `tool` messages: the call being answered.
    public var toolCallID: String?

    public init(role: String, content: String, images: [String] = [], toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.images = images
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
}

/// A chat (or generate) request in provider-neutral form.
public struct ChatRequest: Sendable {
    public var model: String
    public var messages: [ChatMessage]
    /// Sampling temperature; nil leaves the server default.
    public var temperature: Double?
    /// Output token limit (`num_predict` / `max_tokens`); nil leaves the server default.
    public var maxTokens: Int?
    public var seed: Int?
    public var stop: [String]
    /// Tool definitions in OpenAI shape (`{"type":"function","function":{…}}`); Ollama accepts the same.
    public var tools: [JSONValue]
    /// Ask thinking models to think (Ollama `think`); nil leaves the default.
    public var think: Bool?
    /// Ask OpenAI-compatible servers for a usage chunk (`stream_options.include_usage`). Default true.
    public var includeUsage: Bool
    /// Extra top-level body fields, merged last (`keep_alive`, `ttl`, `response_format`, …).
    public var extraBody: [(String, JSONValue)]

    public init(
        model: String, messages: [ChatMessage], temperature: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil,
        stop: [String] = [], tools: [JSONValue] = [], think: Bool? = nil, includeUsage: Bool = true,
        extraBody: [(String, JSONValue)] = []
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
        self.tools = tools
        self.think = think
        self.includeUsage = includeUsage
        self.extraBody = extraBody
    }
}

/// A raw completion request (`/api/generate`, `/v1/completions`).
public struct GenerateRequest: Sendable {
    public var model: String
    public var prompt: String
    public var system: String?
    public var temperature: Double?
    public var maxTokens: Int?
    public var seed: Int?
    public var extraBody: [(String, JSONValue)]

    public init(model: String, prompt: String, system: String? = nil, temperature: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil, extraBody: [(String, JSONValue)] = []) {
        self.model = model
        self.prompt = prompt
        self.system = system
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.extraBody = extraBody
    }
}
