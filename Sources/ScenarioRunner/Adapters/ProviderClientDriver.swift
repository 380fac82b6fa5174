import Foundation
import HTTPWire
import MockProviders
import ProviderClient

// MARK: - ProviderClientDriver

/// Drives llmcheck's real ``ProviderClient`` for one request of a step.
///
/// Each request gets its own client configured from the scenario (`client.retry`, `client.timeouts`,
/// keys per provider) with the harness headers `X-LLMCheck-Scenario` / `X-LLMCheck-Request` as extra headers,
/// and a jitter source seeded from the scenario seed, so retries are reproducible. Every attempt carries
/// `X-LLMCheck-Attempt: <n>` (1-based, ``ProviderClientConfiguration/attemptHeaderName``), so the verdicts link
/// the journal's exchanges to the client's attempts by scenario, request and attempt number.
public struct ProviderClientDriver: ClientDriver {
    public init() {}

    public func perform(_ request: DriverRequest) async -> RequestOutcome {
        var outcome = RequestOutcome(requestID: request.requestID, kind: .error, model: request.model, server: request.target?.server.name)
        switch request.operation {
        case .discover:
            return await discover(request, outcome)
        case .failoverChat:
            return await failover(request, outcome)
        default:
            break
        }
        guard let target = request.target else {
            return .failure(request.requestID, code: "invalidConfiguration", message: "no target server")
        }
        let client: ProviderClient
        do {
            client = try makeClient(request, target: target)
        } catch {
            return .failure(request.requestID, code: error.code.rawValue, message: error.message)
        }
        let model = target.model ?? request.model ?? ""
        do throws(ProviderError) {
            switch request.operation {
            case .listModels:
                outcome.models = try await client.listModels().map(\.id)
                outcome.kind = .success
            case .showModel:
                let details = try await client.showModel(model)
                outcome.models = [details.id]
                outcome.kind = .success
            case .embed:
                let result = try await client.embeddings(model: model, inputs: [request.prompt])
                outcome.embeddingDimensions = result.vectors.first?.count
                outcome.timing = Self.timing(result.timing)
                outcome.kind = .success
            case .chat, .generate:
                if request.stream {
                    let stream = request.operation == .chat
                        ? client.streamChat(Self.chatRequest(request, model: model))
                        : client.streamGenerate(GenerateRequest(model: model, prompt: request.prompt, maxTokens: request.maxTokens))
                    try await consume(stream, request: request, into: &outcome)
                } else {
                    let result = request.operation == .chat
                        ? try await client.chat(Self.chatRequest(request, model: model))
                        : try await client.generate(GenerateRequest(model: model, prompt: request.prompt, maxTokens: request.maxTokens))
                    apply(result, into: &outcome)
                    outcome.chunks = result.timing.contentChunksCount > 0 ? result.timing.contentChunksCount : (result.content.isEmpty ? 0 : 1)
                    outcome.kind = .success
                }
            case .discover, .failoverChat:
                break
            }
            outcome.servedBy = target.server.name
        } catch {
            outcome.kind = error.code == .cancelled && request.cancelAfterChunks != nil ? .cancelled : .error
            outcome.errorCode = error.code.rawValue
            outcome.errorMessage = error.message
            outcome.status = error.status ?? outcome.status
        }
        if outcome.attempts.isEmpty {
            outcome.attempts = Self.attempts(client.lastAttempts(), server: target.server.name)
        }
        if outcome.kind == .error, let code = outcome.errorCode {
            Self.markFinalAttempt(&outcome.attempts, failedWith: code)
        }
        if outcome.status == nil, let last = outcome.attempts.last { outcome.status = last.status }
        return outcome
    }

    // MARK: - Streams

    /// Reads a stream, cancelling it (by leaving the loop, which terminates the stream and closes the socket)
    /// after `cancelAfterChunks` content chunks.
    func consume(_ stream: AsyncThrowingStream<ChatEvent, any Error>, request: DriverRequest, into outcome: inout RequestOutcome) async throws(ProviderError) {
        var chunks = 0
        var content = ""
        do {
            for try await event in stream {
                switch event {
                case .started(let start):
                    outcome.status = start.status
                case .delta(let delta):
                    guard !delta.content.isEmpty else { continue }
                    chunks += 1
                    content += delta.content
                    if let n = request.cancelAfterChunks, chunks >= n {
                        outcome.kind = .cancelled
                        outcome.content = content
                        outcome.chunks = chunks
                        return
                    }
                case .completed(let result):
                    apply(result, into: &outcome)
                    outcome.chunks = chunks
                    outcome.kind = .success
                }
            }
        } catch let error as ProviderError {
            outcome.content = content
            outcome.chunks = chunks
            throw error
        } catch {
            outcome.content = content
            outcome.chunks = chunks
            throw ProviderError(.unknown, "\(error)")
        }
        if outcome.kind != .success {
            outcome.content = content
            outcome.chunks = chunks
            throw ProviderError(.truncatedStream, "the stream ended without a completed event")
        }
    }

    func apply(_ result: ChatResult, into outcome: inout RequestOutcome) {
        outcome.content = result.content
        outcome.status = result.status
        outcome.outputTokens = result.usage?.completionTokens ?? result.timing.outputTokens
        outcome.timing = Self.timing(result.timing)
        outcome.attempts = Self.attempts(result.attempts, server: outcome.server)
    }

    // MARK: - Discovery and failover

    /// Discovery with the client's own ``ProviderDiscovery`` over the scenario's server ports.
    func discover(_ request: DriverRequest, _ base: RequestOutcome) async -> RequestOutcome {
        var outcome = base
        let t = request.client.timeouts
        let discovery = ProviderDiscovery(
            host: "127.0.0.1", ports: request.servers.map(\.port),
            timeouts: t.requestTimeouts
        )
        let started = MonotonicInstant.now()
        let found = await discovery.discover()
        for provider in found {
            guard let server = request.servers.first(where: { $0.port == provider.port }) else { continue }
            switch provider.flavor {
            case .ollama: outcome.discovered[server.name] = "ollama"
            case .lmstudio: outcome.discovered[server.name] = "lmstudio"
            case .llamacpp, .vllm, .openaiCompatible: outcome.discovered[server.name] = "openai"
            case .otherHTTP: outcome.discovered[server.name] = "other"
            }
        }
        outcome.timing = RequestOutcome.Timing(send: started, end: .now())
        outcome.kind = .success
        return outcome
    }

    /// Failover with the client's own ``FailoverCoordinator`` over the provider list (each provider with its own key).
    func failover(_ request: DriverRequest, _ base: RequestOutcome) async -> RequestOutcome {
        var outcome = base
        var clients: [ProviderClient] = []
        for target in request.targets {
            do {
                clients.append(try makeClient(request, target: target))
            } catch {
                return .failure(request.requestID, code: error.code.rawValue, message: error.message)
            }
        }
        let model = request.model ?? request.targets.first?.model ?? ""
        let coordinator = FailoverCoordinator(clients: clients)
        var chunks = 0
        var content = ""
        var report: FailoverReport?
        do {
            events: for try await event in coordinator.streamChat(Self.chatRequest(request, model: model)) {
                switch event {
                case .chat(.started(let start)):
                    outcome.status = start.status
                case .chat(.delta(let delta)):
                    guard !delta.content.isEmpty else { continue }
                    chunks += 1
                    content += delta.content
                    if let n = request.cancelAfterChunks, chunks >= n {
                        outcome.kind = .cancelled
                        break events
                    }
                case .chat(.completed(let result)):
                    outcome.timing = Self.timing(result.timing)
                    outcome.outputTokens = result.usage?.completionTokens ?? result.timing.outputTokens
                    outcome.status = result.status
                    outcome.kind = .success
                case .report(let r):
                    report = r
                case .movedOn:
                    break
                }
            }
        } catch {
            let failure = (error as? ProviderError) ?? ProviderError(.unknown, "\(error)")
            outcome.kind = .error
            outcome.errorCode = failure.code.rawValue
            outcome.errorMessage = failure.message
            outcome.status = failure.status ?? outcome.status
        }
        outcome.content = content
        outcome.chunks = chunks
        if let report {
            if let served = report.servedBy, request.targets.indices.contains(served.index) {
                outcome.servedBy = request.targets[served.index].server.name
            }
            var attempts: [RequestOutcome.Attempt] = []
            for attempt in report.tries where request.targets.indices.contains(attempt.index) {
                var records = Self.attempts(attempt.attempts, server: request.targets[attempt.index].server.name)
                if let error = attempt.error { Self.markFinalAttempt(&records, failedWith: error.code.rawValue) }
                attempts += records
            }
            outcome.attempts = attempts.enumerated().map { i, a in
                var a = a
                a.number = i + 1
                return a
            }
        }
        return outcome
    }

    // MARK: - Configuration

    /// The per-attempt harness header the verdicts read (the misbehaving client sends the same).
    static let attemptHeader = "X-LLMCheck-Attempt"

    func makeClient(_ request: DriverRequest, target: DriverRequest.Target, kind override: ProviderKind? = nil) throws(ProviderError) -> ProviderClient {
        let kind: ProviderKind = override ?? {
            switch request.dialect(for: target) {
            case "ollama": return .ollama
            case "lmstudio": return .lmstudio
            default: return .openaiCompatible
            }
        }()
        let endpoint = ProviderEndpoint(kind: kind, host: target.server.host, port: target.server.port, apiKey: target.apiKey)
        let t = request.client.timeouts
        let r = request.client.retry
        let rng = LockedValue(SeededRandom(seed: request.seed))
        var configuration = ProviderClientConfiguration(
            timeouts: t.requestTimeouts,
            retry: RetryPolicy(
                maxRetries: r.maxRetries, initialDelay: Double(r.initialDelayMilliseconds) / 1000,
                maximumDelay: Double(r.maxDelayMilliseconds) / 1000, maximumRetryAfter: Double(r.maxRetryAfterMilliseconds) / 1000
            ),
            extraHeaders: request.harnessHeaders,
            attemptHeaderName: Self.attemptHeader,
            modelCacheTTL: .zero,
            random: { rng.withLock { $0.nextUnit() } }
        )
        configuration.userAgent = "llmcheck-run/\(ConformanceRun.toolVersion)"
        return ProviderClient(endpoint: endpoint, configuration: configuration)
    }

    static func chatRequest(_ request: DriverRequest, model: String) -> ChatRequest {
        ChatRequest(model: model, messages: [.user(request.prompt)], maxTokens: request.maxTokens)
    }

    // MARK: - Conversions

    static func timing(_ t: RequestTiming) -> RequestOutcome.Timing? {
        guard let send = t.sent else { return nil }
        return RequestOutcome.Timing(
            send: send, headers: t.headersReceived, firstChunk: t.firstChunk, firstToken: t.firstToken, lastToken: t.lastToken,
            end: t.ended, interChunkMilliseconds: t.interChunkGaps.map(\.milliseconds)
        )
    }

    /// The client records an attempt as `ok` once its 2xx head arrived; when the body then failed (idle timeout,
    /// truncation, mid-stream error), that error is the final attempt's outcome.
    static func markFinalAttempt(_ attempts: inout [RequestOutcome.Attempt], failedWith code: String) {
        guard let last = attempts.indices.last, attempts[last].errorCode == nil else { return }
        attempts[last].errorCode = code
    }

    static func attempts(_ records: [AttemptRecord], server: String?) -> [RequestOutcome.Attempt] {
        var out: [RequestOutcome.Attempt] = []
        var delay: Double?
        for record in records {
            out.append(RequestOutcome.Attempt(
                number: record.number, server: server, startedAt: record.started, endedAt: record.ended,
                status: record.status, errorCode: record.outcome == "ok" ? nil : record.outcome,
                delayBeforeMilliseconds: delay.map { $0 * 1000 }
            ))
            delay = record.delayBeforeNext
        }
        return out
    }
}
