import HTTPWire
import ProviderClient
import Reporting

/// Sends one load request through ``ProviderClient`` (no retries: a load test counts every failure)
/// and turns the outcome into a ``LoadSample``.
struct LoadRequestExecutor: Sendable {
    let client: ProviderClient
    let configuration: LoadConfiguration
    /// Monotonic ns at which the level started; trace instants are relative to it.
    let origin: UInt64
    /// The non-streamed wire request of each prompt, encoded once (the same prompt always makes the same
    /// request): empty when streaming or with more than ``maximumCachedRequests`` prompts.
    private let wholeRequests: [TransportRequest]

    /// Most prompts whose non-streamed requests are encoded once up front.
    static let maximumCachedRequests = 1024

    init(client: ProviderClient, configuration: LoadConfiguration, origin: UInt64) {
        self.client = client
        self.configuration = configuration
        self.origin = origin
        let count = configuration.prompts.prompts.count
        wholeRequests = configuration.isStreaming || count > Self.maximumCachedRequests
            ? [] : (0..<count).map { client.wholeChatRequest(configuration.makeRequest(index: $0)) }
    }

    var endpointPath: String {
        client.endpoint.kind == .ollama ? client.endpoint.nativeTarget("/api/chat") : client.endpoint.openAITarget("/chat/completions")
    }

    func execute(index: Int, requestID: String, scheduled: UInt64? = nil, isWarmup: Bool = false) async -> LoadSample {
        let request = configuration.makeRequest(index: index)
        let started = MonotonicClock.now()
        var trace = RequestTrace(
            scenarioID: "load", requestID: requestID, provider: client.endpoint.kind.rawValue, model: configuration.model,
            endpoint: endpointPath, isWarmup: isWarmup, tSendNs: relative(started))
        do {
            let result = try await send(request, index: index)
            fill(&trace, from: result)
            if result.finishReason == nil {
                trace.error = TraceError(
                    code: LoadErrorClass.noFinishReason, type: "stream",
                    message: "the response ended without a finish reason (finish_reason / done_reason)")
            }
        } catch {
            trace.status = error.status
            trace.tEndNs = relative(MonotonicClock.now())
            let message = error.message.count > 300 ? String(error.message.prefix(300)) + "…" : error.message
            trace.error = TraceError(code: LoadErrorClass.classify(error), type: error.code.rawValue, message: message)
        }
        var sample = LoadSample(trace: trace)
        if let scheduled {
            sample.scheduledNs = relative(scheduled)
            sample.scheduleLagMs = started >= scheduled ? Double(started - scheduled) / 1e6 : 0
        }
        sample.shard = configuration.shard?.index
        return sample
    }

    private func send(_ request: ChatRequest, index: Int) async throws(ProviderError) -> ChatResult {
        guard configuration.isStreaming else { return try await sendWhole(request, index: index) }
        var final: ChatResult?
        do {
            for try await event in client.streamChat(request) {
                if case .completed(let result) = event { final = result }
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.cancelled, "the request was cancelled")
        }
        guard let final else { throw ProviderError(.cancelled, "the request was cancelled") }
        return final
    }

    /// A non-streamed request. On kept-alive connections the response is handed over whole, in one step from
    /// the connection's thread, and judged by the client's own rules (``ProviderClient/wholeChatResult``), so
    /// it is classified exactly as ``ProviderClient/chat(_:)`` would; otherwise it goes through `chat(_:)`.
    private func sendWhole(_ request: ChatRequest, index: Int) async throws(ProviderError) -> ChatResult {
        let wire = wholeRequests.isEmpty ? client.wholeChatRequest(request) : wholeRequests[index % wholeRequests.count]
        guard let transport = client.configuration.transport as? KeepAliveTransport, transport.canExchangeWhole(wire) else {
            return try await client.chat(request)
        }
        let sent = MonotonicInstant.now()
        do {
            let r = try await transport.exchangeWhole(wire)
            return try client.wholeChatResult(
                head: r.head, body: r.body, sent: sent, connected: r.connectedAt,
                headersReceived: r.headAt, ended: r.endedAt)
        } catch let failure as KeepAliveTransport.WholeExchangeError {
            throw client.wholeChatFailure(failure.error, head: failure.head, sent: sent)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw client.wholeChatFailure(error, head: nil, sent: sent)
        }
    }

    private func fill(_ trace: inout RequestTrace, from result: ChatResult) {
        let t = result.timing
        trace.status = result.status
        trace.model = result.model ?? configuration.model
        if let v = t.sent { trace.tSendNs = relative(v) }
        trace.tHeadersNs = t.headersReceived.map(relative)
        trace.tFirstChunkNs = t.firstChunk.map(relative)
        trace.tFirstTokenNs = t.firstToken.map(relative)
        trace.tFirstOutputNs = t.firstOutput.map(relative)
        trace.tLastTokenNs = t.lastToken.map(relative)
        trace.tEndNs = t.ended.map(relative)
        trace.chunkGapsMs = t.interChunkGaps.map(\.milliseconds)
        trace.outputTokens = t.outputTokens
        trace.tokenSource = t.tokenSource.flatMap { RequestTrace.TokenSource(rawValue: $0.rawValue) }
        trace.chunksCount = t.contentChunksCount
        trace.attempt = result.attempts.count
        trace.providerTimings = result.providerTimings.traceFields
    }

    private func relative(_ t: UInt64) -> Int64 { t >= origin ? Int64(t - origin) : -Int64(origin - t) }
    private func relative(_ t: MonotonicInstant) -> Int64 { relative(t.nanoseconds) }
}
