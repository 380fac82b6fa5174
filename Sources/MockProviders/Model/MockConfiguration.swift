import HTTPWire

/// Everything that shapes one mock server.
///
/// ```swift
/// var configuration = MockConfiguration(provider: .ollama)
/// configuration.physics = StreamingPhysics(timeToFirstToken: .milliseconds(200), tokensPerSecond: 40)
/// configuration.faults = [try FaultSpec.parse("status=429,retry_after=2,times=1")]
/// let server = try MockProviderServer(configuration: configuration)
/// ```
public struct MockConfiguration: Sendable {
    /// Which provider to imitate.
    public var provider: MockProviderKind
    /// Models served. Default: ``MockModel/defaults(for:)``.
    public var models: [MockModel]
    /// Seed of every random choice (generated text, ids, jitter, fault probabilities). Default 42.
    public var seed: UInt64
    /// Required API key. nil (default) accepts any or no key. OpenAI: a wrong key gets 401
    /// `invalid_api_key`; LM Studio: 401 "An LM Studio API token is required"; Ollama ignores it.
    public var apiKey: String?
    /// Time to first token, tokens per second, jitter. Default: no delays.
    public var physics: StreamingPhysics
    /// A fixed reply instead of seeded generated words. Default nil.
    public var replyText: String?
    /// Faults installed at start (more can be added at run time). Default none.
    public var faults: [FaultSpec]
    /// Recorded exchanges replayed before the personality answers. Default none.
    public var fixtures: [Fixture]
    /// Replay speed of fixture timing: 2 is twice as fast, 0 sends without delays. Default 1.
    public var replaySpeed: Double
    /// Ollama: extra allowed browser origins (`OLLAMA_ORIGINS` syntax, `*` wildcards). Default none
    /// (only Ollama's built-in localhost/app origins are allowed).
    public var allowedOrigins: [String]
    /// Ollama: apply the DNS-rebinding `Host` check on loopback listeners. Default true.
    public var checksHost: Bool
    /// Ollama: the version reported by `/api/version`. Default `0.12.6`.
    public var ollamaVersion: String
    /// LM Studio switches.
    public var lmStudio: LMStudioOptions
    /// Most journal entries kept. Default 10 000.
    public var journalCapacity: Int
    /// Serve `/__llmcheck/*` control endpoints on the same port. Default true.
    public var servesControlEndpoints: Bool
    /// The secret a state change on `/__llmcheck/` must carry in `X-LLMCheck-Control-Token`
    /// (reading health needs none). Default: a fresh random token (``generateControlToken()``).
    public var controlToken: String
    /// Listening socket settings (host default 127.0.0.1, port default 0).
    public var server: HTTPServerConfiguration
    /// Answers `GET /__llmcheck/verdict`; default none (the endpoint then answers 501).
    public var sessionJudge: (any SessionJudge)? = nil

    public init(
        provider: MockProviderKind,
        models: [MockModel]? = nil,
        seed: UInt64 = 42,
        apiKey: String? = nil,
        physics: StreamingPhysics = .instant,
        replyText: String? = nil,
        faults: [FaultSpec] = [],
        fixtures: [Fixture] = [],
        replaySpeed: Double = 1,
        allowedOrigins: [String] = [],
        checksHost: Bool = true,
        ollamaVersion: String = "0.12.6",
        lmStudio: LMStudioOptions = LMStudioOptions(),
        journalCapacity: Int = 10_000,
        servesControlEndpoints: Bool = true,
        controlToken: String? = nil,
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) {
        self.provider = provider
        self.models = models ?? MockModel.defaults(for: provider)
        self.seed = seed
        self.apiKey = apiKey
        self.physics = physics
        self.replyText = replyText
        self.faults = faults
        self.fixtures = fixtures
        self.replaySpeed = replaySpeed
        self.allowedOrigins = allowedOrigins
        self.checksHost = checksHost
        self.ollamaVersion = ollamaVersion
        self.lmStudio = lmStudio
        self.journalCapacity = journalCapacity
        self.servesControlEndpoints = servesControlEndpoints
        self.controlToken = controlToken ?? MockConfiguration.generateControlToken()
        self.server = server
    }

    /// A fresh random control token (`llmc-` and 32 hex digits).
    public static func generateControlToken() -> String { ControlAccess.generateToken() }

    /// The request header that carries ``controlToken``.
    public static let controlTokenHeader = ControlAccess.tokenHeader
}
