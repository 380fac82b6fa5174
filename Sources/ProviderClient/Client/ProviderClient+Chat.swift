import Foundation
import HTTPWire

extension ProviderClient {
    // MARK: - Public API

    /// Streams a chat answer.
    ///
    /// Yields ``ChatEvent/started(_:)`` once a 2xx head arrived, ``ChatEvent/delta(_:)`` for each
    /// piece of output, and ``ChatEvent/completed(_:)`` with the full result after the stream's
    /// terminator. Throws ``ProviderError`` (mid-stream provider errors, truncated or malformed
    /// streams included). Terminating the stream closes the connection.
    public func streamChat(_ request: ChatRequest) -> AsyncThrowingStream<ChatEvent, any Error> {
        stream(.chat(request))
    }

    /// Sends a chat request with `stream: false` and returns the whole answer.
    public func chat(_ request: ChatRequest) async throws(ProviderError) -> ChatResult {
        try await perform(.chat(request), stream: false) { _ in }
    }

    /// Streams a raw completion (`/api/generate` on Ollama, `/v1/completions` elsewhere).
    public func streamGenerate(_ request: GenerateRequest) -> AsyncThrowingStream<ChatEvent, any Error> {
        stream(.generate(request))
    }

    /// A raw completion without streaming.
    public func generate(_ request: GenerateRequest) async throws(ProviderError) -> ChatResult {
        try await perform(.generate(request), stream: false) { _ in }
    }

    // MARK: - Internals

    enum Operation: Sendable {
        case chat(ChatRequest)
        case generate(GenerateRequest)
    }

    /// Events go through a ``BackpressureChannel``: when the consumer lags by more than 256 KiB of
    /// deltas, decoding (and so reading the socket) waits for it.
    private func stream(_ operation: Operation) -> AsyncThrowingStream<ChatEvent, any Error> {
        let task = LockedValue<Task<Void, Never>?>(nil)
        let channel = BackpressureChannel<ChatEvent>(limit: 256 * 1024) { task.withLock { $0?.cancel() } }
        let stream = channel.makeStream()
        task.withLock { slot in
            slot = Task {
                do {
                    _ = try await self.perform(operation, stream: true) { event in
                        await channel.send(event, cost: Self.cost(of: event))
                    }
                    channel.finish()
                } catch {
                    channel.finish(throwing: error)
                }
            }
        }
        if channel.isTerminated { task.withLock { $0?.cancel() } }
        return stream
    }

    /// What an event weighs in the stream's buffer: its text plus a fixed overhead.
    private static func cost(of event: ChatEvent) -> Int {
        guard case .delta(let delta) = event else { return 64 }
        return 64 + delta.content.utf8.count + delta.reasoning.utf8.count
    }

    /// The target and body of `operation` in this endpoint's dialect: the one place that decides
    /// them, for the streamed path and the whole-response path alike.
    func wire(_ operation: Operation, stream: Bool) -> (target: String, body: JSONValue) {
        let isOllama = endpoint.kind == .ollama
        switch operation {
        case .chat(let request):
            return (
                isOllama ? endpoint.nativeTarget("/api/chat") : endpoint.openAITarget("/chat/completions"),
                isOllama ? RequestEncoder.ollamaChat(request, stream: stream) : RequestEncoder.openAIChat(request, stream: stream))
        case .generate(let request):
            return (
                isOllama ? endpoint.nativeTarget("/api/generate") : endpoint.openAITarget("/completions"),
                isOllama ? RequestEncoder.ollamaGenerate(request, stream: stream) : RequestEncoder.openAICompletion(request, stream: stream))
        }
    }

    /// Runs a chat or generate request, calling `emit` for every event; returns the final result.
    func perform(_ operation: Operation, stream: Bool, emit: (ChatEvent) async -> Void) async throws(ProviderError) -> ChatResult {
        let (target, body) = wire(operation, stream: stream)
        let isOllama = endpoint.kind == .ollama
        let accept = stream ? (isOllama ? "application/x-ndjson" : "text/event-stream") : "application/json"
        let limit = configuration.maximumResponseBytes
        let (reader, attempts) = try await open(
            method: .post, target: target, body: body, accept: accept, maximumBodyBytes: stream ? nil : limit)
        defer { configuration.progress?(.finished) }
        configuration.progress?(stream ? .awaitingFirstToken : .readingBody)
        let started = reader.tSend
        let contentType = reader.head.headers["Content-Type"]
        let fallback: ChatStreamDecoder.Framing = stream ? (isOllama ? .ndjson : .sse) : .json
        guard let framing = ChatStreamDecoder.framing(contentType: contentType, fallback: fallback) else {
            let body = (try? await reader.readBody(limit: 4096)) ?? []
            throw unexpectedContentType(
                expected: accept, got: contentType, body: body, status: reader.head.status.code, attempt: reader.attemptNumber, started: started)
        }
        await emit(.started(ResponseStart(status: reader.head.status.code, headers: reader.head.headers, attempt: reader.attemptNumber, endpoint: endpoint.description)))

        var decoder = ChatStreamDecoder(
            framing: framing, requiresTerminator: configuration.requiresStreamTerminator, maximumJSONBody: limit)
        var timing = RequestTiming()
        timing.sent = started
        timing.connected = reader.tConnected
        timing.headersReceived = reader.tHeaders
        // The answer is accumulated (content, reasoning, tool calls): bound it, so an endless
        // stream fails clearly instead of growing the process without end.
        var answerBytes = 0
        func handle(_ items: [ChatStreamDecoder.Item], at time: MonotonicInstant) async throws(ProviderError) {
            for item in items {
                answerBytes += item.delta.content.utf8.count + item.delta.reasoning.utf8.count
                    + item.delta.toolCalls.reduce(0) { $0 + $1.argumentsFragment.utf8.count + ($1.name?.utf8.count ?? 0) }
                if answerBytes > limit {
                    throw ProviderError(
                        .responseTooLarge, "the streamed answer exceeds the client's limit of \(limit) bytes (maximumResponseBytes)")
                }
                timing.recordChunk(at: time, hasContent: item.hasContent, hasOutput: item.hasOutput)
                if !item.delta.isEmpty { await emit(.delta(item.delta)) }
            }
        }
        do {
            var lastTime = reader.tHeaders
            while let (bytes, at) = try await reader.next() {
                lastTime = at
                try await handle(try decoder.consume(bytes), at: at)
            }
            try await handle(try decoder.finish(), at: reader.tEnd ?? lastTime)
        } catch {
            var failure = providerError(from: error, attempt: reader.attemptNumber, started: started)
            failure.status = failure.status ?? reader.head.status.code
            if failure.code == .connectionReset || failure.code == .unknown, decoder.sawTerminator == false {
                failure.message = "the stream broke before its end: " + failure.message
            }
            throw failure
        }
        timing.ended = reader.tEnd ?? .now()
        let result = chatResult(of: decoder, timing: timing, attempts: attempts, head: reader.head)
        await emit(.completed(result))
        return result
    }

    /// The error for a response whose Content-Type no framing accepts (shared with ``wholeChatResult``).
    func unexpectedContentType(
        expected: String, got contentType: String?, body: [UInt8], status: Int, attempt: Int, started: MonotonicInstant
    ) -> ProviderError {
        decorate(
            ProviderError(
                .unexpectedContentType,
                "expected \(expected), got \(contentType ?? "none"): \(String(decoding: body.prefix(120), as: UTF8.self))",
                status: status, bodySnippet: String(decoding: body.prefix(2048), as: UTF8.self)),
            attempt: attempt, started: started)
    }

    /// The result of a decoded answer, its token count settled from the server's usage when it gave one
    /// (shared with ``wholeChatResult``).
    func chatResult(of decoder: ChatStreamDecoder, timing: RequestTiming, attempts: [AttemptRecord], head: HTTPResponseHead) -> ChatResult {
        var timing = timing
        let usage = decoder.usage
        timing.settleTokens(serverCount: usage?.completionTokens ?? decoder.providerTimings.outputTokens)
        return ChatResult(
            model: decoder.model, content: decoder.content, reasoning: decoder.reasoning, toolCalls: decoder.toolCalls,
            finishReason: decoder.finishReason, usage: usage, providerTimings: decoder.providerTimings, timing: timing,
            attempts: attempts, endpoint: endpoint.description, status: head.status.code, requestID: head.headers["x-request-id"])
    }
}
