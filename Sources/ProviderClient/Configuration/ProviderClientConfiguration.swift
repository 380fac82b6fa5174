import Foundation
import HTTPWire

/// Settings of a ``ProviderClient``. Every property has a documented default.
public struct ProviderClientConfiguration: Sendable {
    /// Connect / headers / idle / total timeouts. Default ``RequestTimeouts/default`` (connect 5 s,
    /// headers 300 s, idle 120 s, total 600 s). The total covers every attempt of a request and the
    /// waits between them.
    public var timeouts: ProviderTimeouts
    /// The largest non-streamed body (model lists, non-streamed answers) and the most answer text
    /// (content, reasoning and tool-call arguments) a stream may accumulate; beyond it the request
    /// fails with ``ProviderError/Code/responseTooLarge`` and reading stops. Default 8 MiB.
    public var maximumResponseBytes: Int
    /// Called on every ``RequestPhase`` change and for every body piece (keep it cheap); the CLI
    /// uses it for its "waiting for …" line. Default nil.
    public var progress: (@Sendable (RequestPhase) -> Void)?
    /// Retry policy. Default ``RetryPolicy/default`` (openai-python: 2 retries).
    public var retry: RetryPolicy
    /// Proxy selection. Default ``ProxySettings/none``; the CLI passes ``ProxySettings/fromEnvironment(_:)``.
    public var proxy: ProxySettings
    /// How much of an error body is kept. Default 64 KiB.
    public var maximumErrorBodyBytes: Int
    /// `User-Agent`. Default `llmcheck/<version>` (``ToolIdentity/version``).
    public var userAgent: String
    /// Extra static headers sent with every request and every retry attempt (after the defaults, replacing a
    /// default of the same name; secrets masked in logs). Default none.
    public var extraHeaders: HTTPHeaders
    /// Name of a header that carries the attempt number on every attempt, or nil (the default) for none.
    ///
    /// When set, each attempt of a request sends `<name>: <n>` with `n` **1-based** (the first try is `1`, the
    /// first retry `2`), matching ``AttemptRecord/number`` and ``ProviderError/attempt``. openai-python's
    /// `x-stainless-retry-count` counts retries instead (0-based: first try `0`); subtract one to compare.
    /// The header is added after ``extraHeaders`` and replaces a static header of the same name.
    public var attemptHeaderName: String?
    /// Whether a stream that ends without its terminator (`done:true`, `[DONE]`) is an error
    /// (`.truncatedStream`). Default true.
    public var requiresStreamTerminator: Bool
    /// Model-list cache lifetime; nil picks 5 min for local and 1 h for remote endpoints. Default nil.
    public var modelCacheTTL: Duration?
    /// Overrides the transport for every scheme (tests, benchmarks). Default nil: raw sockets for
    /// `http://`, URLSession for `https://`.
    public var transport: (any HTTPTransport)?
    /// How the retry loop sleeps; tests inject a virtual clock. Default `Task.sleep`.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A random number in `0..<1` for backoff jitter. Default `Double.random(in:)`.
    public var random: @Sendable () -> Double
    /// Wall-clock now, for `Retry-After` HTTP dates. Default `Date()`.
    public var now: @Sendable () -> Date

    public init(
        timeouts: ProviderTimeouts = ProviderTimeouts(),
        maximumResponseBytes: Int = 8 << 20,
        progress: (@Sendable (RequestPhase) -> Void)? = nil,
        retry: RetryPolicy = .default,
        proxy: ProxySettings = .none,
        maximumErrorBodyBytes: Int = 64 * 1024,
        userAgent: String = "llmcheck/\(ToolIdentity.version)",
        extraHeaders: HTTPHeaders = [:],
        attemptHeaderName: String? = nil,
        requiresStreamTerminator: Bool = true,
        modelCacheTTL: Duration? = nil,
        transport: (any HTTPTransport)? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.timeouts = timeouts
        self.maximumResponseBytes = maximumResponseBytes
        self.progress = progress
        self.retry = retry
        self.proxy = proxy
        self.maximumErrorBodyBytes = maximumErrorBodyBytes
        self.userAgent = userAgent
        self.extraHeaders = extraHeaders
        self.attemptHeaderName = attemptHeaderName
        self.requiresStreamTerminator = requiresStreamTerminator
        self.modelCacheTTL = modelCacheTTL
        self.transport = transport
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// The defaults.
    public static var `default`: ProviderClientConfiguration { ProviderClientConfiguration() }
}
