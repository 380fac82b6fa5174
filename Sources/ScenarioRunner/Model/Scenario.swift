import HTTPWire

// MARK: - Scenario

/// One conformance scenario as read from a file in `Scenarios/`: mock servers to start, the client
/// to drive against them, and steps with expectations. Every key is documented in `Scenarios/README.md`.
public struct Scenario: Sendable, Hashable {
    /// Stable id, unique across the suite (`openai.retry.429-retry-after`); the JUnit testcase name.
    public var id: String
    /// What the scenario checks, one or two sentences.
    public var description: String
    /// Provider shown in reports (`ollama`, `lmstudio`, `openai`, `mixed`). Default: the first server's personality,
    /// or `mixed` when servers have different personalities.
    public var provider: String
    /// Capability under test (`chat-stream`, `retry`, `verdicts`). Default: the scenario file's folder.
    public var capability: String
    public var tags: [String]
    /// Deadline of the whole scenario in milliseconds. Default 10 000; `--timeout` overrides it when smaller.
    public var timeoutMilliseconds: Int
    public var servers: [Server]
    public var client: Client
    public var steps: [Step]
    /// Where the scenario came from (path as given on the command line, e.g. `Scenarios/retry/429.json`).
    public var filePath: String
    /// Position in a file holding an array of scenarios; nil for a single-scenario file.
    public var indexInFile: Int?

    public init(
        id: String, description: String, provider: String, capability: String, tags: [String] = [],
        timeoutMilliseconds: Int = Scenario.defaultTimeoutMilliseconds, servers: [Server], client: Client = Client(),
        steps: [Step], filePath: String = "", indexInFile: Int? = nil
    ) {
        self.id = id
        self.description = description
        self.provider = provider
        self.capability = capability
        self.tags = tags
        self.timeoutMilliseconds = timeoutMilliseconds
        self.servers = servers
        self.client = client
        self.steps = steps
        self.filePath = filePath
        self.indexInFile = indexInFile
    }

    /// Default scenario deadline: 10 s.
    public static let defaultTimeoutMilliseconds = 10_000

    /// The server named `name`.
    public func server(named name: String) -> Server? { servers.first { $0.name == name } }
}

// MARK: - Server

extension Scenario {
    /// A mock provider server started for this scenario on 127.0.0.1 with an ephemeral port.
    public struct Server: Sendable, Hashable {
        /// Mock personalities the runner knows.
        public static let personalities = ["ollama", "lmstudio", "openai"]

        /// Name steps and client settings refer to (`primary`, `backup`). Unique in the scenario.
        public var name: String
        /// `ollama`, `lmstudio` or `openai`.
        public var personality: String
        /// Models the server lists; empty means the mock's defaults.
        public var models: [Model]
        /// Fault specifications in the mock's JSON fault form, passed through unchanged.
        public var faults: [JSONValue]
        /// Key the server requires (OpenAI/LM Studio answer 401 without it). Default none.
        public var apiKey: String?
        public var generation: Generation
        /// Fixture files (paths relative to the scenario file) replayed before the personality answers.
        public var fixtures: [String]
        /// Provider quirks.
        public var options: Options

        public init(
            name: String, personality: String, models: [Model] = [], faults: [JSONValue] = [], apiKey: String? = nil,
            generation: Generation = Generation(), fixtures: [String] = [], options: Options = Options()
        ) {
            self.name = name
            self.personality = personality
            self.models = models
            self.faults = faults
            self.apiKey = apiKey
            self.generation = generation
            self.fixtures = fixtures
            self.options = options
        }

        /// The first model's name; with no models listed, the first of the mock's defaults.
        public var firstModelName: String? { models.first?.name ?? Self.defaultModels[personality]?.first }

        /// Models a mock lists when the scenario gives none (MockProviders' defaults).
        public static let defaultModels: [String: [String]] = [
            "ollama": ["llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest"],
            "lmstudio": ["qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct", "text-embedding-nomic-embed-text-v1.5"],
            "openai": ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"],
        ]
    }

    /// A model a mock serves: a name, or an object with details.
    public struct Model: Sendable, Hashable {
        public static let capabilities = ["completion", "vision", "embedding"]
        public var name: String
        /// `completion`, `vision` or `embedding`; nil guesses from the name.
        public var capability: String?
        /// LM Studio `state: loaded` / Ollama `/api/ps`. Default true.
        public var isLoaded: Bool
        public var contextLength: Int?
        public var embeddingLength: Int?

        public init(name: String, capability: String? = nil, isLoaded: Bool = true, contextLength: Int? = nil, embeddingLength: Int? = nil) {
            self.name = name
            self.capability = capability
            self.isLoaded = isLoaded
            self.contextLength = contextLength
            self.embeddingLength = embeddingLength
        }
    }

    /// Streaming physics of a mock, in milliseconds.
    public struct Generation: Sendable, Hashable {
        /// Delay between the response head and the first token. Default 0.
        public var ttftMilliseconds: Int
        /// Tokens per second after the first; 0 = no delay. Default 0.
        public var tokensPerSecond: Double
        /// Relative jitter 0…1 of every delay (seeded). Default 0.
        public var jitter: Double
        /// Fixed answer text instead of seeded generated words. Default none.
        public var reply: String?

        public init(ttftMilliseconds: Int = 0, tokensPerSecond: Double = 0, jitter: Double = 0, reply: String? = nil) {
            self.ttftMilliseconds = ttftMilliseconds
            self.tokensPerSecond = tokensPerSecond
            self.jitter = jitter
            self.reply = reply
        }
    }

    /// Provider quirks of a mock.
    public struct Options: Sendable, Hashable {
        /// Ollama: extra allowed browser origins (`OLLAMA_ORIGINS` syntax). Default none.
        public var allowedOrigins: [String]
        /// Ollama: DNS-rebinding Host check. Default true.
        public var checksHost: Bool
        /// Ollama: `/api/version`. Default the mock's.
        public var ollamaVersion: String?
        /// LM Studio: JIT-load unloaded models on request. Default true.
        public var jitLoading: Bool
        /// LM Studio: unknown endpoints answer 200 with an error body. Default true.
        public var unknownEndpoint200: Bool
        /// LM Studio: with one model loaded, unknown model ids are served by it. Default false.
        public var servesUnknownModelWhenOneLoaded: Bool

        public init(allowedOrigins: [String] = [], checksHost: Bool = true, ollamaVersion: String? = nil, jitLoading: Bool = true, unknownEndpoint200: Bool = true, servesUnknownModelWhenOneLoaded: Bool = false) {
            self.allowedOrigins = allowedOrigins
            self.checksHost = checksHost
            self.ollamaVersion = ollamaVersion
            self.jitLoading = jitLoading
            self.unknownEndpoint200 = unknownEndpoint200
            self.servesUnknownModelWhenOneLoaded = servesUnknownModelWhenOneLoaded
        }
    }
}
