import HTTPWire

/// What ``ProviderClient/streamChat(_:)`` yields.
public enum ChatEvent: Sendable {
    /// The provider accepted the request: a 2xx head arrived (no retries happen after this).
    case started(ResponseStart)
    /// New output.
    case delta(ChatDelta)
    /// The stream ended properly; the result holds the whole answer, usage and timing.
    case completed(ChatResult)
}

/// The accepted response's head.
public struct ResponseStart: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// Attempt number that succeeded (1-based).
    public var attempt: Int
    /// Endpoint description (key masked).
    public var endpoint: String
}

/// New output from one stream event.
public struct ChatDelta: Sendable, Hashable {
    /// Answer text.
    public var content: String
    /// Reasoning text (Ollama `thinking`, `reasoning_content`, `reasoning`).
    public var reasoning: String
    /// Tool-call pieces.
    public var toolCalls: [ToolCallDelta]

    public init(content: String = "", reasoning: String = "", toolCalls: [ToolCallDelta] = []) {
        self.content = content
        self.reasoning = reasoning
        self.toolCalls = toolCalls
    }

    public var isEmpty: Bool { content.isEmpty && reasoning.isEmpty && toolCalls.isEmpty }
}

/// Token counts reported by the server.
public struct TokenUsage: Sendable, Hashable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var totalTokens: Int?

    public init(promptTokens: Int? = nil, completionTokens: Int? = nil, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }
}

/// The complete answer of a chat or generate request.
public struct ChatResult: Sendable {
    /// The model that answered, as the server named it.
    public var model: String?
    public var content: String
    public var reasoning: String
    public var toolCalls: [ToolCall]
    /// `stop`, `length`, `tool_calls`, … (Ollama `done_reason`; OpenAI `finish_reason`).
    public var finishReason: String?
    public var usage: TokenUsage?
    /// The provider's own timings, never mixed with ``timing``.
    public var providerTimings: ProviderTimings
    /// Client-side timing (docs/metrics.md R1).
    public var timing: RequestTiming
    /// Every attempt made, including failed ones before this success.
    public var attempts: [AttemptRecord]
    /// The endpoint that served (key masked).
    public var endpoint: String
    /// HTTP status and a few response headers of the successful attempt.
    public var status: Int
    public var requestID: String?

    public init(
        model: String? = nil, content: String = "", reasoning: String = "", toolCalls: [ToolCall] = [], finishReason: String? = nil,
        usage: TokenUsage? = nil, providerTimings: ProviderTimings = ProviderTimings(), timing: RequestTiming = RequestTiming(),
        attempts: [AttemptRecord] = [], endpoint: String = "", status: Int = 200, requestID: String? = nil
    ) {
        self.model = model
        self.content = content
        self.reasoning = reasoning
        self.toolCalls = toolCalls
        self.finishReason = finishReason
        self.usage = usage
        self.providerTimings = providerTimings
        self.timing = timing
        self.attempts = attempts
        self.endpoint = endpoint
        self.status = status
        self.requestID = requestID
    }
}
