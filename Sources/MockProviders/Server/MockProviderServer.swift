import HTTPWire

/// A running mock Ollama, LM Studio or OpenAI-compatible server.
///
/// ```swift
/// let server = MockProviderServer(configuration: MockConfiguration(provider: .openai))
/// try server.start()
/// defer { server.stop() }
/// // point a client at server.baseURL + "/v1"
/// server.addFault(try FaultSpec.parse("status=429,retry_after_ms=300,times=1"))
/// let attempts = server.journal().filter { $0.path == "/v1/chat/completions" }
/// ```
///
/// Several servers (one per provider) can run in one process; each has its own port, faults
/// and journal.
public final class MockProviderServer: Sendable {
    /// The handler: personality, faults, fixtures, journal.
    public let engine: MockEngine
    private let server: HTTPServer

    public init(configuration: MockConfiguration) {
        let engine = MockEngine(configuration: configuration)
        self.engine = engine
        // The engine waits only through the writer (pacing, fault delays, stalls), so quick
        // requests are served on the thread that saw them arrive.
        var serverConfiguration = configuration.server
        serverConfiguration.handlersBlockOnlyThroughWriter = true
        self.server = HTTPServer(configuration: serverConfiguration) { request, writer in
            try engine.handle(request, writer)
        }
    }

    public var configuration: MockConfiguration { engine.configuration }
    public var provider: MockProviderKind { engine.configuration.provider }

    /// Binds and starts serving; returns the port (useful with port 0).
    @discardableResult
    public func start() throws -> UInt16 { try server.start() }

    /// The bound port (0 before ``start()``).
    public var port: UInt16 { server.port }

    /// `http://host:port` without a trailing slash.
    public var baseURL: String { server.baseURL }

    /// Stops accepting, lets in-flight responses finish for `grace`, then closes everything.
    /// Blocks until every connection thread ended; use ``shutdown(grace:)`` from async code.
    @available(*, noasync, message: "use shutdown(grace:) from async code")
    public func stop(grace: Duration? = nil) { server.stop(grace: grace) }

    /// Async form of ``stop(grace:)``.
    public func shutdown(grace: Duration? = nil) async { await server.shutdown(grace: grace) }

    // MARK: - Journal and faults

    /// The journaled exchanges (completed ones), oldest first; `after` skips ids ≤ it.
    public func journal(after id: Int = 0) -> [JournalEntry] { engine.journal.entries(after: id) }

    /// Installs a fault; returns its id.
    @discardableResult
    public func addFault(_ spec: FaultSpec) -> Int { engine.faultPlan.add(spec) }

    /// Removes one fault.
    @discardableResult
    public func removeFault(id: Int) -> Bool { engine.faultPlan.remove(id: id) }

    /// Removes every fault (including start-up ones).
    public func clearFaults() { engine.faultPlan.removeAll() }

    /// Installed faults with their counters.
    public var faults: [FaultPlan.Installed] { engine.faultPlan.faults }

    /// Clears the journal, restores the start-up faults with zeroed counters, rewinds fixtures.
    public func reset() { engine.reset() }
}

/// Runs `body` with a started mock server and always stops it afterwards.
public func withMockProviderServer<T: Sendable>(
    _ configuration: MockConfiguration,
    _ body: (MockProviderServer) async throws -> T
) async throws -> T {
    let server = MockProviderServer(configuration: configuration)
    try server.start()
    do {
        let result = try await body(server)
        await server.shutdown(grace: .milliseconds(200))
        return result
    } catch {
        await server.shutdown(grace: .milliseconds(200))
        throw error
    }
}
