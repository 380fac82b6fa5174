import HTTPWire

/// The answer to one probe: what came back, or why nothing did.
public struct ProbeResponse: Sendable {
    public var target: String
    public var status: Int?
    public var headers: HTTPHeaders
    /// The body (capped at 64 KiB).
    public var body: [UInt8]
    public var error: ProviderError?
    /// Send to end of body (or failure).
    public var elapsed: Duration

    /// The body parsed as JSON, if it is JSON.
    public var json: JSONValue? { try? JSONValue.parse(body) }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public var isOK: Bool { status.map { (200..<300).contains($0) } ?? false }
}

extension ProviderClient {
    /// Sends one GET with short timeouts and no retries, and returns whatever came back
    /// (any status), for fingerprinting and health checks.
    public func probe(_ target: String, timeouts: ProviderTimeouts = .probe) async -> ProbeResponse {
        let started = MonotonicInstant.now()
        do {
            let (reader, _) = try await openAnyStatus(target: target, timeouts: timeouts)
            let body = (try? await reader.readBody(limit: 64 * 1024)) ?? []
            return ProbeResponse(
                target: target, status: reader.head.status.code, headers: reader.head.headers, body: body, error: nil,
                elapsed: started.elapsed)
        } catch {
            return ProbeResponse(target: target, status: error.status, headers: [:], body: Array((error.bodySnippet ?? "").utf8), error: error, elapsed: started.elapsed)
        }
    }

    /// Like ``open(method:target:body:accept:timeouts:retry:)`` without retries, but hands back
    /// non-2xx responses instead of throwing.
    private func openAnyStatus(target: String, timeouts: ProviderTimeouts) async throws(ProviderError) -> (ResponseReader, Void) {
        let request = makeRequest(method: .get, target: target, body: nil, accept: "*/*", timeouts: timeouts)
        let started = MonotonicInstant.now()
        var iterator = transport.execute(request).makeAsyncIterator()
        var tConnected: MonotonicInstant?
        do {
            while let event = try await iterator.next() {
                switch event {
                case .connected(let at, _): tConnected = at
                case .head(let head, let at):
                    return (ResponseReader(head: head, attemptNumber: 1, tSend: started, tConnected: tConnected, tHeaders: at, iterator: iterator), ())
                case .body, .end: continue
                }
            }
            throw TransportError(.connectionReset, "the connection closed before a response head arrived")
        } catch {
            throw providerError(from: error, attempt: 1, started: started)
        }
    }

    /// A cheap liveness check: Ollama `GET /` must say `Ollama is running`; others must answer
    /// `GET /v1/models` with 2xx.
    ///
    /// - Returns: the probe's round-trip time.
    public func checkHealth(timeouts: ProviderTimeouts = .probe) async throws(ProviderError) -> Duration {
        let target = endpoint.kind == .ollama ? endpoint.nativeTarget("/") : endpoint.openAITarget("/models")
        let response = await probe(target, timeouts: timeouts)
        if let error = response.error { throw error }
        guard let status = response.status, (200..<300).contains(status) else {
            let body = ErrorClassifier.errorBody(from: response.body)
            let code = ErrorClassifier.classify(status: response.status ?? 0, body: body)
            throw ProviderError(code, body.message.isEmpty ? "HTTP \(response.status ?? 0)" : body.message, endpoint: endpointDescription, status: response.status)
        }
        if let body = response.json.flatMap(ErrorClassifier.errorBody(from:)) {
            throw ProviderError(ErrorClassifier.classify(status: status, body: body), body.message, endpoint: endpointDescription, status: status)
        }
        return response.elapsed
    }
}
