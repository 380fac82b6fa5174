import HTTPWire

/// `llmcheck record`: a ``ProxyServer`` with a ``ProxyRecorder`` and nothing else (no faults). Kept
/// as a name for existing callers; there is one proxy implementation.
///
/// Secrets never reach the fixture (see ``ProxyRecorder``).
public final class RecordingProxy: Sendable {
    private let proxy: ProxyServer
    private let recorder: ProxyRecorder

    /// - Parameters:
    ///   - upstream: `http://host[:port][/path]` of the real provider (https is refused, see ``ProxyUpstream``).
    ///   - onChange: called after every recorded exchange with the whole fixture so far.
    /// - Returns: nil when `upstream` is not a plain `http://` URL.
    public convenience init?(
        upstream: String, provider: MockProviderKind? = nil, configuration: HTTPServerConfiguration = .init(),
        onChange: @escaping @Sendable (Fixture) -> Void = { _ in }
    ) {
        guard let parsed = try? ProxyUpstream(parsing: upstream) else { return nil }
        self.init(upstream: parsed, provider: provider, configuration: configuration, onChange: { fixture, _ in onChange(fixture) })
    }

    public init(
        upstream: ProxyUpstream, provider: MockProviderKind?, configuration: HTTPServerConfiguration,
        onChange: @escaping @Sendable (Fixture, FixtureExchange) -> Void
    ) {
        recorder = ProxyRecorder(provider: provider, onChange: onChange)
        proxy = ProxyServer(
            configuration: ProxyConfiguration(upstream: upstream, provider: provider, server: configuration), recorder: recorder)
    }

    @discardableResult
    public func start() throws -> UInt16 { try proxy.start() }
    public var baseURL: String { proxy.baseURL }
    public var port: UInt16 { proxy.port }
    @available(*, noasync, message: "use shutdown(grace:) from async code")
    public func stop(grace: Duration? = nil) { proxy.stop(grace: grace) }
    public func shutdown(grace: Duration? = nil) async { await proxy.shutdown(grace: grace) }

    /// Everything recorded so far.
    public var fixture: Fixture { recorder.fixture }
}
