import Foundation
import HTTPWire
import MockProviders

// MARK: - MockProvidersEnvironment

/// ``MockEnvironment`` backed by MockProviders' ``MockProviderServer``s.
public final class MockProvidersEnvironment: MockEnvironment, Sendable {
    private struct State {
        var running: [(name: String, server: MockProviderServer)] = []
        var stopped = false
    }

    private let state = LockedValue(State())
    /// The control token of every mock this environment starts (changes on `/__llmcheck/` need it).
    public let controlToken: String

    public init(controlToken: String = MockConfiguration.generateControlToken()) {
        self.controlToken = controlToken
    }

    public func start(servers: [Scenario.Server], seed: UInt64) async throws -> [String: RunningServer] {
        var out: [String: RunningServer] = [:]
        for spec in servers {
            var configuration = try Self.configuration(for: spec, seed: StableHash.scenarioSeed(runSeed: seed, scenarioID: spec.name))
            configuration.controlToken = controlToken
            let server = MockProviderServer(configuration: configuration)
            let proceed: Bool = state.withLock { state in
                guard !state.stopped else { return false }
                state.running.append((spec.name, server))
                return true
            }
            guard proceed else { throw CancellationError() }
            let port = try server.start()
            out[spec.name] = RunningServer(name: spec.name, personality: spec.personality, port: port)
        }
        return out
    }

    public func exchanges() async -> [ObservedExchange] {
        let servers = state.withLock { $0.running }
        var out: [ObservedExchange] = []
        for (name, server) in servers {
            out += server.journal().map { Self.observed($0, server: name) }
        }
        return out.sorted { $0.receivedAt < $1.receivedAt }
    }

    public func stop() async {
        let servers: [MockProviderServer] = state.withLock { state in
            state.stopped = true
            return state.running.map(\.server)
        }
        for server in servers {
            await server.shutdown(grace: .milliseconds(50))
        }
    }

    // MARK: - Configuration

    /// The mock configuration of one scenario server.
    static func configuration(for spec: Scenario.Server, seed: UInt64) throws -> MockConfiguration {
        let kind = MockProviderKind(rawValue: spec.personality) ?? .openai
        var faults: [FaultSpec] = []
        for (i, fault) in spec.faults.enumerated() {
            faults.append(try FaultSpec.parse(json: fault, path: "faults[\(i)]"))
        }
        var fixtures: [Fixture] = []
        for path in spec.fixtures {
            fixtures.append(try FixtureLoader.load(path: path))
        }
        let models: [MockModel]? = spec.models.isEmpty ? nil : spec.models.map { m in
            var model = MockModel.guessed(from: m.name, provider: kind)
            if let c = m.capability, let capability = MockModel.Capability(rawValue: c) { model.capability = capability }
            model.isLoaded = m.isLoaded
            if let v = m.contextLength { model.contextLength = v }
            if let v = m.embeddingLength { model.embeddingLength = v }
            return model
        }
        var configuration = MockConfiguration(
            provider: kind, models: models, seed: seed, apiKey: spec.apiKey,
            physics: StreamingPhysics(
                timeToFirstToken: .milliseconds(spec.generation.ttftMilliseconds),
                tokensPerSecond: spec.generation.tokensPerSecond, jitter: spec.generation.jitter
            ),
            replyText: spec.generation.reply, faults: faults, fixtures: fixtures,
            allowedOrigins: spec.options.allowedOrigins, checksHost: spec.options.checksHost,
            lmStudio: LMStudioOptions(
                isJITLoadingEnabled: spec.options.jitLoading, returns200ForUnknownEndpoints: spec.options.unknownEndpoint200,
                servesUnknownModelWhenOneLoaded: spec.options.servesUnknownModelWhenOneLoaded
            ),
            journalCapacity: 2000,
            server: HTTPServerConfiguration(host: "127.0.0.1", port: 0, idleTimeout: .seconds(5), requestReadTimeout: .seconds(5), shutdownGrace: .milliseconds(50))
        )
        if let version = spec.options.ollamaVersion { configuration.ollamaVersion = version }
        return configuration
    }

    /// Validation hook for the scenario parser: the mock's own fault parser, errors re-rooted at `path`.
    public static func validateFault(_ json: JSONValue, path: String) -> (location: String, message: String)? {
        do {
            _ = try FaultSpec.parse(json: json, path: path)
            return nil
        } catch {
            return (error.location, error.message)
        }
    }

    /// Validation hook for fixture paths: the file must load with the mock's fixture loader.
    public static func validateFixture(_ path: String, file: String) -> String? {
        do {
            _ = try FixtureLoader.load(path: path)
            return nil
        } catch {
            return "fixture \(path): \(error)"
        }
    }

    // MARK: - Journal

    /// A journal entry in the verdicts' neutral form.
    ///
    /// Silence and Retry-After come from what the mock measured and sent (``JournalEntry/longestGap``,
    /// ``JournalEntry/sentRetryAfterDelayMilliseconds``), not from the fault specs, so drip pieces, late stalls and
    /// personality-specific headers are judged as they happened on the wire.
    static func observed(_ entry: JournalEntry, server: String) -> ObservedExchange {
        var shouldRetry: Bool?
        var effects: [ObservedExchange.FaultEffect] = []
        for spec in entry.faults {
            if case .status(let s) = spec.action { shouldRetry = s.shouldRetry }
            effects.append(spec.action.effect)
        }
        let ending: ObservedExchange.Ending
        switch entry.outcome {
        case .completed: ending = .completed
        case .clientClosed(let n), .clientGaveUp(let n): ending = .clientClosed(chunks: n)
        case .closedByFault(let n): ending = .serverClosed(chunks: n)
        case .reset(let n): ending = .reset(chunks: n)
        case .serverStopped(let n): ending = .unfinished(chunks: n)
        case .failed: ending = .unfinished(chunks: entry.chunksSent)
        }
        if case .completed = ending, effects.contains(.truncate) {
            // length_mismatch and similar end "completed" from the writer's view but the body is still wrong.
        }
        let credential = entry.header("Authorization") ?? entry.header("x-api-key") ?? entry.header("api-key")
        return ObservedExchange(
            server: server, sequence: entry.id, connectionID: entry.connectionID, method: entry.method, path: entry.path,
            scenarioID: entry.header("X-LLMCheck-Scenario"),
            requestID: entry.header("X-LLMCheck-Request"), attemptNumber: entry.header("X-LLMCheck-Attempt").flatMap { Int($0) },
            testID: entry.header("X-Test-Id"), clientRequestID: entry.header("X-Request-ID") ?? entry.header("Idempotency-Key"),
            bodyFingerprint: entry.bodyFingerprint,
            credential: credential, receivedAt: entry.startedAt,
            endedAt: entry.startedAt + entry.duration, status: entry.status,
            retryAfterMilliseconds: entry.sentRetryAfterDelayMilliseconds, shouldRetry: shouldRetry, faults: effects,
            longestSilenceMilliseconds: entry.longestGap?.milliseconds,
            chunksSent: entry.chunksSent, ending: ending
        )
    }
}
