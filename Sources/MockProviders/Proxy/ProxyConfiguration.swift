import HTTPWire

/// Settings of ``ProxyServer`` (`llmcheck proxy`).
public struct ProxyConfiguration: Sendable {
    /// The real provider (see ``ProxyUpstream/init(parsing:)``).
    public var upstream: ProxyUpstream
    /// Whose error dialect `status=` faults answer in and the provider journaled and recorded.
    /// Default: guessed from the upstream's port (``ProxyUpstream/guessedProvider``), and then per
    /// request from its path (`/api/v0/…` LM Studio, other `/api/…` Ollama).
    public var provider: MockProviderKind
    /// Whether ``provider`` was given (not guessed).
    public var isProviderGiven: Bool
    /// Where to listen. Default loopback, any free port.
    public var server: HTTPServerConfiguration
    /// Faults installed at start-up (the same grammar and schedules as `serve`). Default none.
    public var faults: [FaultSpec]
    /// TCP toxics installed at start-up (``ToxicKind``). Default none.
    public var toxics: [ToxicSpec] = []
    /// Intermediaries emulated (``ProxyEmulation``). Default none.
    public var emulations: [ProxyEmulation] = []
    /// Seed of fault probabilities and toxicity draws. Default 42.
    public var seed: UInt64
    /// Timeouts towards the upstream. Default connect 10 s, headers 300 s, idle 120 s (a local model
    /// may load before answering): an upstream that never answers is reported per request.
    public var upstreamTimeouts: HTTPClientTimeouts
    /// Kept-alive connections to the upstream (``HTTPConnectionPool``): reused after a complete
    /// keep-alive response, never after a client left mid-stream or a fault cut the exchange.
    /// Default 64 idle connections, each kept at most 2 s; `maximumIdleConnections` 0 opens a
    /// connection per request.
    public var upstreamKeepAlive = HTTPConnectionPool.Configuration()
    /// Journal entries kept. Default 10 000.
    public var journalCapacity: Int
    /// The token changes on `/__llmcheck/` must carry (as on a mock). Default: a fresh random one.
    public var controlToken: String = MockConfiguration.generateControlToken()

    public init(
        upstream: ProxyUpstream, provider: MockProviderKind? = nil, server: HTTPServerConfiguration = .init(),
        faults: [FaultSpec] = [], seed: UInt64 = 42, upstreamTimeouts: HTTPClientTimeouts = .default,
        journalCapacity: Int = 10_000
    ) {
        self.upstream = upstream
        self.provider = provider ?? upstream.guessedProvider
        self.isProviderGiven = provider != nil
        self.server = server
        self.faults = faults
        self.seed = seed
        self.upstreamTimeouts = upstreamTimeouts
        self.journalCapacity = journalCapacity
    }
}
