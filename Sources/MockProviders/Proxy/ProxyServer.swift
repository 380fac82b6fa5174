import HTTPWire

/// A running `llmcheck proxy`: listens (loopback by default), forwards every request to the
/// upstream with the installed faults, and serves `/__llmcheck/` on its own port.
///
/// ```swift
/// let proxy = ProxyServer(configuration: ProxyConfiguration(upstream: try ProxyUpstream(parsing: mock.baseURL)))
/// try proxy.start()
/// proxy.addFault(try FaultSpec.parse("stall=3,for=2s,times=1"))
/// ```
public final class ProxyServer: Sendable {
    public let engine: ProxyEngine
    private let server: HTTPServer

    public init(configuration: ProxyConfiguration, recorder: ProxyRecorder? = nil, onEntry: @escaping @Sendable (JournalEntry) -> Void = { _ in }) {
        let engine = ProxyEngine(configuration: configuration, recorder: recorder, onEntry: onEntry)
        self.engine = engine
        // The handler blocks on the upstream socket: keep the default (a thread always waits for requests).
        var serverConfiguration = configuration.server
        serverConfiguration.handlersBlockOnlyThroughWriter = false
        self.server = HTTPServer(configuration: serverConfiguration) { request, writer in
            try engine.handle(request, writer)
        }
    }

    public var configuration: ProxyConfiguration { engine.configuration }

    @discardableResult
    public func start() throws -> UInt16 { try server.start() }
    public var port: UInt16 { server.port }
    /// `http://host:port` without a trailing slash.
    public var baseURL: String { server.baseURL }
    @available(*, noasync, message: "use shutdown(grace:) from async code")
    public func stop(grace: Duration? = nil) {
        server.stop(grace: grace)
        engine.upstreamPool.closeAll()
    }
    public func shutdown(grace: Duration? = nil) async {
        await server.shutdown(grace: grace)
        engine.upstreamPool.closeAll()
    }

    /// The journaled exchanges, oldest first; `after` skips ids ≤ it.
    public func journal(after id: Int = 0) -> [JournalEntry] { engine.journal.entries(after: id) }
    @discardableResult
    public func addFault(_ spec: FaultSpec) -> Int { engine.faultPlan.add(spec) }
    public func clearFaults() { engine.faultPlan.removeAll() }
    /// Everything recorded so far (`--record`), nil when not recording.
    public var fixture: Fixture? { engine.recorder?.fixture }
}
