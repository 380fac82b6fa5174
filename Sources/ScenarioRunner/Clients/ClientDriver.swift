import HTTPWire

// MARK: - ClientDriver

/// Performs one request of a step with some client and reports what happened.
///
/// Implementations: ``ProviderClientDriver`` (llmcheck's real client), ``MisbehavingClient`` and
/// ``CommandClientDriver`` (any program).
public protocol ClientDriver: Sendable {
    func perform(_ request: DriverRequest) async -> RequestOutcome
}

/// Everything a driver needs for one request.
public struct DriverRequest: Sendable {
    /// A provider of the failover list, resolved to a running server.
    public struct Target: Sendable, Hashable {
        public var server: RunningServer
        public var apiKey: String?
        public var model: String?

        public init(server: RunningServer, apiKey: String?, model: String?) {
            self.server = server
            self.apiKey = apiKey
            self.model = model
        }
    }

    public var scenarioID: String
    public var stepIndex: Int
    /// Which request of the scenario this is.
    public var identity: RequestIdentity
    /// ``identity`` as text, `s<step>.r<index>`; sent as `X-LLMCheck-Request`.
    public var requestID: String { identity.description }
    public var operation: Scenario.Operation
    /// The addressed server (first of ``targets`` for failover; nil for discovery).
    public var target: Target?
    /// Failover order (every provider of the client); for other operations the single target.
    public var targets: [Target]
    /// Every server of the scenario (discovery candidates).
    public var servers: [RunningServer]
    public var model: String?
    public var stream: Bool
    public var prompt: String
    public var maxTokens: Int?
    public var cancelAfterChunks: Int?
    /// Dialect override (`ollama`, `lmstudio`, `openai`); nil speaks the target's personality.
    public var dialect: String?
    /// Extra request headers from the step.
    public var extraHeaders: [String: String]
    public var client: Scenario.Client
    /// Seed of the scenario (jitter of backoff, etc.).
    public var seed: UInt64
    /// When the request must be over (a command is killed then); nil: the driver's default.
    public var deadline: MonotonicInstant?

    /// Unique id of this request in the run, `<scenario id>.<request id>`: `LLMCHECK_TEST_ID` for commands,
    /// matched against the `X-Test-Id` header a client sends.
    public var testID: String { "\(scenarioID).\(requestID)" }

    /// Headers that link attempts to scenario and request: `X-LLMCheck-Scenario`, `X-LLMCheck-Request`.
    /// Drivers add `X-LLMCheck-Attempt` per attempt when they can.
    public var harnessHeaders: HTTPHeaders {
        var headers: HTTPHeaders = ["X-LLMCheck-Scenario": scenarioID, "X-LLMCheck-Request": requestID]
        for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        return headers
    }

    /// The dialect spoken to `target`.
    public func dialect(for target: Target) -> String { dialect ?? target.server.personality }

    public init(
        scenarioID: String, identity: RequestIdentity, operation: Scenario.Operation, target: Target?,
        targets: [Target], servers: [RunningServer], model: String?, stream: Bool, prompt: String, maxTokens: Int?,
        cancelAfterChunks: Int?, dialect: String? = nil, extraHeaders: [String: String] = [:], client: Scenario.Client, seed: UInt64,
        deadline: MonotonicInstant? = nil
    ) {
        self.deadline = deadline
        self.scenarioID = scenarioID
        self.stepIndex = identity.step
        self.identity = identity
        self.operation = operation
        self.target = target
        self.targets = targets
        self.servers = servers
        self.model = model
        self.stream = stream
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.cancelAfterChunks = cancelAfterChunks
        self.dialect = dialect
        self.extraHeaders = extraHeaders
        self.client = client
        self.seed = seed
    }
}
