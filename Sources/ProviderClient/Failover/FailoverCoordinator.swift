import HTTPWire

/// What one provider did for a failover request.
public struct ProviderTry: Sendable, CustomStringConvertible {
    public var index: Int
    public var endpoint: String
    /// Why the provider was not tried (unhealthy, model not listed), if it was skipped.
    public var skippedReason: String?
    /// The failure that made the coordinator move on, if any.
    public var error: ProviderError?
    /// The client's attempts on this provider (retries included).
    public var attempts: [AttemptRecord]
    /// Whether this provider served the answer.
    public var served: Bool

    public var description: String {
        if served { return "\(endpoint): served after \(NumberText.count(attempts.count, "attempt"))" }
        if let skippedReason { return "\(endpoint): skipped (\(skippedReason))" }
        return "\(endpoint): failed after \(NumberText.count(attempts.count, "attempt")): \(error.map { "\($0.code)" } ?? "?")"
    }
}

/// The outcome of routing one request.
public struct FailoverReport: Sendable {
    public var tries: [ProviderTry]
    /// The provider that served, if any.
    public var servedBy: ProviderTry? { tries.first { $0.served } }
}

/// Events of a failover stream.
public enum FailoverEvent: Sendable {
    /// A provider was skipped or failed before its stream started; the next one is tried.
    case movedOn(ProviderTry)
    /// The chat events of the provider that is serving.
    case chat(ChatEvent)
    /// The last event: who served and what each provider did.
    case report(FailoverReport)
}

/// Routes each request to a healthy provider that has the model, moving to the next provider when
/// one fails before its stream starts (no content delivered), and reports who served.
///
/// Providers are tried in the order given. A provider is skipped when the ``HealthMonitor`` (if
/// any) last saw it unhealthy, or when its (cached) model list is known and lacks the model.
/// Once a provider has delivered content, its errors are final: answers are never stitched
/// together from two providers.
public struct FailoverCoordinator: Sendable {
    public let clients: [ProviderClient]
    public let health: HealthMonitor?
    /// Whether to check model lists before routing. Default true.
    public var checksModels: Bool

    public init(clients: [ProviderClient], health: HealthMonitor? = nil, checksModels: Bool = true) {
        self.clients = clients
        self.health = health
        self.checksModels = checksModels
    }

    /// Streams a chat through the first provider that can serve it.
    public func streamChat(_ request: ChatRequest) -> AsyncThrowingStream<FailoverEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: FailoverEvent.self)
        let task = Task {
            do {
                let report = try await route(request) { continuation.yield($0) }
                continuation.yield(.report(report))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Collects a routed chat: the result and the report.
    public func chat(_ request: ChatRequest) async throws -> (ChatResult, FailoverReport) {
        var result: ChatResult?
        var report: FailoverReport?
        for try await event in streamChat(request) {
            switch event {
            case .chat(.completed(let r)): result = r
            case .report(let r): report = r
            default: break
            }
        }
        guard let result, let report else { throw ProviderError(.noProviderAvailable, "the routed stream ended without a result") }
        return (result, report)
    }

    private func route(_ request: ChatRequest, emit: (FailoverEvent) -> Void) async throws -> FailoverReport {
        var tries: [ProviderTry] = []
        var lastError: ProviderError?
        for (index, client) in clients.enumerated() {
            let name = client.endpoint.description
            if let health, case .unhealthy(let code) = await health.status(of: index) {
                let skipped = ProviderTry(index: index, endpoint: name, skippedReason: "unhealthy: \(code)", error: nil, attempts: [], served: false)
                tries.append(skipped)
                emit(.movedOn(skipped))
                continue
            }
            if checksModels {
                let listing = await client.cachedModels()
                if listing.error == nil || listing.source == .staleCache, !listing.models.contains(where: { $0.matches(request.model) }) {
                    let skipped = ProviderTry(index: index, endpoint: name, skippedReason: "model '\(request.model)' not listed", error: nil, attempts: [], served: false)
                    tries.append(skipped)
                    emit(.movedOn(skipped))
                    continue
                }
            }
            var deliveredContent = false
            do {
                for try await event in client.streamChat(request) {
                    if case .delta = event { deliveredContent = true }
                    emit(.chat(event))
                }
                tries.append(ProviderTry(index: index, endpoint: name, skippedReason: nil, error: nil, attempts: client.lastAttempts(), served: true))
                return FailoverReport(tries: tries)
            } catch {
                let failure = (error as? ProviderError) ?? ProviderError(ErrorClassifier.classify(error), "\(error)")
                if deliveredContent || failure.code == .cancelled || Task.isCancelled { throw failure }
                lastError = failure
                let failed = ProviderTry(index: index, endpoint: name, skippedReason: nil, error: failure, attempts: client.lastAttempts(), served: false)
                tries.append(failed)
                emit(.movedOn(failed))
            }
        }
        var error = ProviderError(
            .noProviderAvailable,
            "no provider could serve model '\(request.model)': " + tries.map(\.description).joined(separator: "; "))
        error.status = lastError?.status
        error.bodySnippet = lastError?.bodySnippet
        throw error
    }
}
