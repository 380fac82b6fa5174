import HTTPWire

// MARK: - Step

extension Scenario {
    /// One operation of a scenario, run in order, with its expectations.
    public struct Step: Sendable, Hashable {
        /// Display name. Default `step N` (0-based index).
        public var name: String
        public var operation: Operation
        /// Target server; default the first server. Ignored by `discover` and `failover_chat`.
        public var server: String?
        /// Model; default the server's first model.
        public var model: String?
        /// Stream the answer (chat and generate). Default true.
        public var stream: Bool
        /// User prompt. Default `Say hello.`.
        public var prompt: String
        /// Output token limit sent with the request; default none.
        public var maxTokens: Int?
        /// Identical requests sent at the same time. Default 1.
        public var parallel: Int
        /// Cancel a streamed answer after this many content chunks.
        public var cancelAfterChunks: Int?
        /// Pause before the step starts, in ms. Default 0.
        public var delayBeforeMilliseconds: Int
        /// API dialect the client speaks (`ollama`, `lmstudio`, `openai`); default the server's personality.
        /// `openai` against an Ollama server exercises Ollama's `/v1` layer.
        public var dialect: String?
        /// Extra request headers (e.g. a browser `Origin`), sent in addition to the client's own.
        public var headers: [String: String]
        public var expect: Expectation

        public init(
            name: String, operation: Operation, server: String? = nil, model: String? = nil, stream: Bool = true,
            prompt: String = "Say hello.", maxTokens: Int? = nil, parallel: Int = 1, cancelAfterChunks: Int? = nil,
            delayBeforeMilliseconds: Int = 0, dialect: String? = nil, headers: [String: String] = [:], expect: Expectation = Expectation()
        ) {
            self.name = name
            self.operation = operation
            self.server = server
            self.model = model
            self.stream = stream
            self.prompt = prompt
            self.maxTokens = maxTokens
            self.parallel = parallel
            self.cancelAfterChunks = cancelAfterChunks
            self.delayBeforeMilliseconds = delayBeforeMilliseconds
            self.dialect = dialect
            self.headers = headers
            self.expect = expect
        }
    }

    /// What a step asks the client to do.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        /// Probe every server of the scenario and identify what is there.
        case discover
        /// List the server's models.
        case listModels = "list_models"
        /// Show one model's details.
        case showModel = "show_model"
        /// Chat completion (streamed unless `stream` is false).
        case chat
        /// Raw completion (`/api/generate`, `/v1/completions`).
        case generate
        /// Embeddings.
        case embed
        /// Chat through the failover coordinator over the client's provider list.
        case failoverChat = "failover_chat"
    }

    /// The outcome class a step expects.
    public enum ExpectedOutcome: String, Sendable, Hashable, CaseIterable {
        case success
        case error
        /// The step cancelled the stream itself (`cancel_after_chunks`) and the client stopped cleanly.
        case cancelled
        /// Either outcome is correct (the other expectations decide).
        case any
    }

    /// What must hold after a step. Absent keys are not checked.
    public struct Expectation: Sendable, Hashable {
        /// Default ``ExpectedOutcome/success`` (``ExpectedOutcome/error`` when ``errorCode`` is set).
        public var outcome: ExpectedOutcome
        /// The client's stable error code (`ProviderError.Code`), e.g. `rateLimited`.
        public var errorCode: String?
        /// HTTP status of the last response.
        public var status: Int?
        /// Attempts of each request (client attempt log, cross-checked with the mock journal).
        public var attempts: Bounds?
        /// Bounds for every gap between attempts (one bound for all, or one per gap), in ms.
        public var retryDelaysMilliseconds: [Bounds]?
        /// Exact answer text.
        public var content: String?
        /// Regular expression the answer text must match (searched, not anchored).
        public var contentPattern: String?
        /// Content chunks received.
        public var chunks: Bounds?
        public var ttftMilliseconds: Bounds?
        public var e2elMilliseconds: Bounds?
        /// Wall time of the whole step in ms.
        public var durationMilliseconds: Bounds?
        /// Exact model ids, in order.
        public var models: [String]?
        public var modelCount: Bounds?
        /// Server that answered (failover).
        public var servedBy: String?
        /// Servers discovery must find (by name) and their personalities.
        public var discovered: [String: String]?
        public var embeddingDimensions: Bounds?
        /// Findings that must be reported for this step.
        public var findings: [String]
        /// Findings that must not be reported (any finding not in ``findings`` or ``allowFindings`` also fails
        /// a scenario that drives the real client).
        public var noFindings: [String]
        /// Findings tolerated without being required.
        public var allowFindings: [String]
        /// Expectations on a program under test (exit status, output, wall time).
        public var app: AppExpectation = AppExpectation()

        public init(
            outcome: ExpectedOutcome = .success, errorCode: String? = nil, status: Int? = nil, attempts: Bounds? = nil,
            retryDelaysMilliseconds: [Bounds]? = nil, content: String? = nil, contentPattern: String? = nil,
            chunks: Bounds? = nil, ttftMilliseconds: Bounds? = nil, e2elMilliseconds: Bounds? = nil,
            durationMilliseconds: Bounds? = nil, models: [String]? = nil, modelCount: Bounds? = nil,
            servedBy: String? = nil, discovered: [String: String]? = nil, embeddingDimensions: Bounds? = nil,
            findings: [String] = [], noFindings: [String] = [], allowFindings: [String] = []
        ) {
            self.outcome = outcome
            self.errorCode = errorCode
            self.status = status
            self.attempts = attempts
            self.retryDelaysMilliseconds = retryDelaysMilliseconds
            self.content = content
            self.contentPattern = contentPattern
            self.chunks = chunks
            self.ttftMilliseconds = ttftMilliseconds
            self.e2elMilliseconds = e2elMilliseconds
            self.durationMilliseconds = durationMilliseconds
            self.models = models
            self.modelCount = modelCount
            self.servedBy = servedBy
            self.discovered = discovered
            self.embeddingDimensions = embeddingDimensions
            self.findings = findings
            self.noFindings = noFindings
            self.allowFindings = allowFindings
        }
    }
}
