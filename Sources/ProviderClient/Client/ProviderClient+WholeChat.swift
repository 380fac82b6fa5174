import HTTPWire

/// A non-streamed chat for a caller that moves the bytes itself (`llmcheck load`'s kept-alive
/// connections, which exchange a whole request and response on one thread): the request
/// ``chat(_:)`` would send, and its response or failure judged by the same rules — status errors
/// from ``statusError(head:body:attempt:started:)``, the Content-Type check, the JSON decoder,
/// transport errors through ``providerError(from:attempt:started:)`` — so an error has the code,
/// status and message ``chat(_:)`` would give it. Single attempt: no retries (the caller counts
/// every failure), no progress callbacks.
extension ProviderClient {
    /// The `stream: false` chat request of one attempt, as ``chat(_:)`` sends it.
    public func wholeChatRequest(_ request: ChatRequest) -> TransportRequest {
        let (target, body) = wire(.chat(request), stream: false)
        return makeRequest(
            method: .post, target: target, body: body,
            accept: "application/json", maximumBodyBytes: configuration.maximumResponseBytes)
    }

    /// The result of a whole response to ``wholeChatRequest(_:)``: `sent` is when the attempt started,
    /// the other instants when the transport saw each step.
    public func wholeChatResult(
        head: HTTPResponseHead, body: [UInt8], sent: MonotonicInstant, connected: MonotonicInstant?, headersReceived: MonotonicInstant,
        ended: MonotonicInstant
    ) throws(ProviderError) -> ChatResult {
        guard head.status.isSuccess else {
            throw statusError(head: head, body: Array(body.prefix(configuration.maximumErrorBodyBytes)), attempt: 1, started: sent)
        }
        let contentType = head.headers["Content-Type"]
        guard let framing = ChatStreamDecoder.framing(contentType: contentType, fallback: .json) else {
            throw unexpectedContentType(
                expected: "application/json", got: contentType, body: body, status: head.status.code, attempt: 1, started: sent)
        }
        let limit = configuration.maximumResponseBytes
        var decoder = ChatStreamDecoder(framing: framing, requiresTerminator: configuration.requiresStreamTerminator, maximumJSONBody: limit)
        var timing = RequestTiming()
        timing.sent = sent
        timing.connected = connected
        timing.headersReceived = headersReceived
        do {
            var items = body.isEmpty ? [] : try decoder.consume(body)
            items += try decoder.finish()
            for item in items { timing.recordChunk(at: ended, hasContent: item.hasContent, hasOutput: item.hasOutput) }
        } catch {
            var failure = providerError(from: error, attempt: 1, started: sent)
            failure.status = failure.status ?? head.status.code
            throw failure
        }
        timing.ended = ended
        let attempt = AttemptRecord(number: 1, started: sent, ended: headersReceived, outcome: "ok", status: head.status.code)
        return chatResult(of: decoder, timing: timing, attempts: [attempt], head: head)
    }

    /// A failure of the exchange of ``wholeChatRequest(_:)`` (a ``TransportError`` or cancellation), as
    /// ``chat(_:)`` reports it; `head` is the response head if one had arrived.
    public func wholeChatFailure(_ error: any Error, head: HTTPResponseHead?, sent: MonotonicInstant) -> ProviderError {
        var failure = providerError(from: error, attempt: 1, started: sent)
        if let head, head.status.isSuccess {
            // Broke while the body was read, after a 2xx head: what chat(_:) reports from its body loop.
            failure.status = failure.status ?? head.status.code
            if failure.code == .connectionReset || failure.code == .unknown {
                failure.message = "the stream broke before its end: " + failure.message
            }
            return failure
        }
        if failure.code == .totalTimeout, let total = configuration.timeouts.total {
            failure.message = "the request did not complete within the total timeout of \(NumberText.duration(seconds: total.secondsDouble))"
        }
        if Task.isCancelled { failure = decorate(ProviderError(.cancelled, "the request was cancelled"), attempt: 1, started: sent) }
        return failure
    }
}
