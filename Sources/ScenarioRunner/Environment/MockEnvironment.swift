// MARK: - MockEnvironment

/// The mock servers of one scenario: started on 127.0.0.1 with ephemeral ports, journaled, stopped.
///
/// ``MockProvidersEnvironment`` is the real implementation; tests substitute their own.
public protocol MockEnvironment: Sendable {
    /// Starts every server; returns them by name.
    func start(servers: [Scenario.Server], seed: UInt64) async throws -> [String: RunningServer]
    /// Every journaled exchange of every server so far, in the neutral verdict form.
    func exchanges() async -> [ObservedExchange]
    /// Stops every server (idempotent); in-flight connections are closed.
    func stop() async
}

/// A started mock server.
public struct RunningServer: Sendable, Hashable {
    public var name: String
    /// `ollama`, `lmstudio` or `openai`.
    public var personality: String
    public var host: String
    public var port: UInt16

    public init(name: String, personality: String, host: String = "127.0.0.1", port: UInt16) {
        self.name = name
        self.personality = personality
        self.host = host
        self.port = port
    }

    /// `http://127.0.0.1:PORT` (no trailing slash, no path).
    public var baseURL: String { "http://\(host):\(port)" }
}
