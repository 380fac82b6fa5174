import ProviderClient
import Reporting

/// Everything one `llmcheck load` level needs. Every property has a documented default.
public struct LoadConfiguration: Sendable {
    /// Load mode. Default closed loop with concurrency 1.
    public var mode: LoadMode
    /// Measured requests to send (warmup excluded); nil for no count limit. Default nil, but a run needs
    /// ``requestCount`` or ``duration``.
    public var requestCount: Int?
    /// Stop starting new requests after this many seconds of measurement; nil for none. Default nil.
    public var duration: Double?
    /// Requests sent and discarded before measuring (closed loop at the same concurrency, open loop at
    /// the same rate). Default 0.
    public var warmup: Int
    /// Seed of the arrival schedule and the synthetic prompts. Default 1.
    public var seed: UInt64
    /// The model named in each request. Default `"mock"`.
    public var model: String
    /// The prompts, used round robin by request number.
    public var prompts: PromptSet
    /// `max_tokens` / `num_predict`; nil leaves the server's default. Default nil.
    public var maxTokens: Int?
    /// Stream the answers (SSE / NDJSON). Default true.
    public var isStreaming: Bool
    /// Goodput objectives; nil for none. Default nil.
    public var objectives: ServiceLevelObjectives?
    /// End the level early when more than this fraction (0…1) of finished requests failed, once at
    /// least ``minimumRequestsForErrorRate`` finished. Default nil (never).
    public var maximumErrorRate: Double?
    /// Finished requests needed before ``maximumErrorRate`` is applied. Default 20.
    public var minimumRequestsForErrorRate: Int
    /// This process's share of a multi-machine run. Default nil (the whole load).
    public var shard: ShardInfo?

    public init(
        mode: LoadMode = .closedLoop(concurrency: 1), requestCount: Int? = nil, duration: Double? = nil, warmup: Int = 0,
        seed: UInt64 = 1, model: String = "mock", prompts: PromptSet = .synthetic(words: 32, seed: 1), maxTokens: Int? = nil,
        isStreaming: Bool = true, objectives: ServiceLevelObjectives? = nil, maximumErrorRate: Double? = nil,
        minimumRequestsForErrorRate: Int = 20, shard: ShardInfo? = nil
    ) {
        self.mode = mode
        self.requestCount = requestCount
        self.duration = duration
        self.warmup = warmup
        self.seed = seed
        self.model = model
        self.prompts = prompts
        self.maxTokens = maxTokens
        self.isStreaming = isStreaming
        self.objectives = objectives
        self.maximumErrorRate = maximumErrorRate
        self.minimumRequestsForErrorRate = minimumRequestsForErrorRate
        self.shard = shard
    }

    /// The chat request of request number `index` (0-based, global across shards).
    func makeRequest(index: Int) -> ChatRequest {
        ChatRequest(model: model, messages: prompts.messages(at: index), maxTokens: maxTokens, includeUsage: true)
    }
}
