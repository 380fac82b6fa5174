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
        /// Models the server lists: strings or objects, passed to the mock as given.
        public var models: [JSONValue]
        /// Fault specifications in the mock's JSON fault form, passed through unchanged.
        public var faults: [JSONValue]
        /// Extra mock configuration (fixtures, generation physics, required API key …) passed through unchanged.
        public var options: JSONValue?

        public init(name: String, personality: String, models: [JSONValue] = [], faults: [JSONValue] = [], options: JSONValue? = nil) {
            self.name = name
            self.personality = personality
            self.models = models
            self.faults = faults
            self.options = options
        }

        /// The id of the first model, if any (a string model, or an object's `name`/`id`).
        public var firstModelName: String? {
            guard let first = models.first else { return nil }
            return Self.modelName(first)
        }

        static func modelName(_ value: JSONValue) -> String? {
            value.stringValue ?? value["name"]?.stringValue ?? value["id"]?.stringValue ?? value["model"]?.stringValue
        }
    }
}
