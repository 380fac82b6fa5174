import Foundation
import HTTPWire

/// The real client for Ollama, LM Studio and OpenAI-compatible servers.
///
/// ```swift
/// let endpoint = try ProviderEndpoint.parse("http://127.0.0.1:11434", kind: .ollama)
/// let client = ProviderClient(endpoint: endpoint)
/// for try await event in client.streamChat(ChatRequest(model: "llama3.2", messages: [.user("Hi")])) {
///     if case .delta(let d) = event { print(d.content, terminator: "") }
///     if case .completed(let result) = event { print("\n" + result.timing.summaryLine) }
/// }
/// ```
///
/// * Transport: raw sockets (HTTPWire) for `http://`, URLSession for `https://`
///   (``ProviderClientConfiguration/transport`` overrides both).
/// * Retries follow ``RetryPolicy`` before a response is accepted, never after.
/// * Errors are ``ProviderError``s with stable codes; the attempts of the last request are
///   available from ``lastAttempts()`` even when it failed.
/// * Cancelling the consuming task, or dropping the stream, closes the connection.
public final class ProviderClient: Sendable {
    public let endpoint: ProviderEndpoint
    public let configuration: ProviderClientConfiguration
    let cache: ModelCache
    /// `endpoint.description`, built once: every result carries it.
    let endpointDescription: String
    private let attemptLog = AttemptLogBox()

    public init(endpoint: ProviderEndpoint, configuration: ProviderClientConfiguration = .default) {
        self.endpoint = endpoint
        self.configuration = configuration
        let ttl = configuration.modelCacheTTL ?? (endpoint.isRemote ? .seconds(3600) : .seconds(300))
        self.cache = ModelCache(ttl: ttl)
        endpointDescription = endpoint.description
    }

    /// The attempts of the most recent request made with this client (success or failure).
    public func lastAttempts() -> [AttemptRecord] { attemptLog.value }

    // MARK: - Transport

    var transport: any HTTPTransport {
        if let transport = configuration.transport { return transport }
        return endpoint.isTLS ? URLSessionTransport.shared : RawSocketTransport.shared
    }

    /// The request of one attempt; `attempt` (1-based) fills ``ProviderClientConfiguration/attemptHeaderName``.
    func makeRequest(
        method: HTTPMethod, target: String, body: JSONValue?, accept: String, timeouts: ProviderTimeouts? = nil, attempt: Int = 1,
        maximumBodyBytes: Int? = nil
    ) -> TransportRequest {
        var headers: HTTPHeaders = [:]
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Accept", value: accept)
        var bytes: [UInt8] = []
        if let body {
            bytes = body.serializedBytes()
            headers.add(name: "Content-Type", value: "application/json")
        }
        if let key = endpoint.apiKey, !key.isEmpty { headers.add(name: "Authorization", value: "Bearer \(key)") }
        for field in configuration.extraHeaders { headers.replaceOrAdd(name: field.name, value: field.value) }
        if let name = configuration.attemptHeaderName, !name.isEmpty { headers.replaceOrAdd(name: name, value: String(attempt)) }
        return TransportRequest(
            method: method, scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port, target: target, headers: headers,
            body: bytes, timeouts: timeouts ?? configuration.timeouts, maximumBodyBytes: maximumBodyBytes,
            proxy: configuration.proxy.proxy(scheme: endpoint.scheme, host: endpoint.host))
    }

    /// Secrets that must never appear in errors or logs.
    var secrets: [String] {
        var list: [String] = []
        if let key = endpoint.apiKey { list.append(key) }
        for field in configuration.extraHeaders where field.name.caseInsensitiveEquals("Authorization") || field.name.lowercased().contains("key") {
            list.append(field.value)
        }
        return list
    }

    // MARK: - Sending with retries

    /// Sends a request, retrying per policy until a 2xx head arrives.
    ///
    /// The total timeout covers the whole request: every attempt gets what is left of it (its
    /// other timeouts capped likewise), and a retry whose wait would not fit is not made.
    ///
    /// - Parameter maximumBodyBytes: the largest 2xx body the transport accepts (non-streamed
    ///   requests); nil for streams.
    /// - Returns: a reader for the body, and every attempt made.
    func open(
        method: HTTPMethod, target: String, body: JSONValue?, accept: String, timeouts: ProviderTimeouts? = nil, retry: RetryPolicy? = nil,
        maximumBodyBytes: Int? = nil
    ) async throws(ProviderError) -> (ResponseReader, [AttemptRecord]) {
        var attempts: [AttemptRecord] = []
        let policy = retry ?? configuration.retry
        let limits = timeouts ?? configuration.timeouts
        let deadline = limits.total.map { MonotonicInstant.now() + $0 }
        while true {
            let number = attempts.count + 1
            let started = MonotonicInstant.now()
            let remaining = deadline.map { started.duration(to: $0) }
            if let remaining, remaining <= .zero {
                throw decorate(
                    ProviderError(.totalTimeout, "total timeout (\(limits.total ?? .zero)) reached after \(attempts.count) attempts"),
                    attempt: max(1, attempts.count), started: started)
            }
            let request = makeRequest(
                method: method, target: target, body: body, accept: accept, timeouts: limits.capped(to: remaining), attempt: number,
                maximumBodyBytes: maximumBodyBytes)
            var failureHeaders: HTTPHeaders?
            var failure: ProviderError
            do {
                let reader = try await attempt(request, number: number, started: started, failureHeaders: &failureHeaders)
                attempts.append(AttemptRecord(
                    number: number, started: started, ended: .now(), outcome: "ok", status: reader.head.status.code))
                attemptLog.set(attempts)
                return (reader, attempts)
            } catch {
                failure = error
            }
            let ended = MonotonicInstant.now()
            if failure.code == .totalTimeout, let total = limits.total {
                // The attempt only had what was left: name the request's own limit.
                failure.message = "the request did not complete within the total timeout of \(NumberText.duration(seconds: total.secondsDouble))"
                    + (number > 1 ? " (\(number) attempts)" : "")
            }
            if Task.isCancelled { failure = decorate(ProviderError(.cancelled, "the request was cancelled"), attempt: number, started: started) }
            var decision = policy.decide(
                code: failure.code, status: failure.status, headers: failureHeaders, retriesTaken: number - 1,
                contentDelivered: false, now: configuration.now(), random: configuration.random())
            if decision.shouldRetry, let deadline, MonotonicInstant.now() + .nanoseconds(Int64(decision.delay * 1e9)) >= deadline {
                decision = RetryPolicy.Decision(
                    shouldRetry: false, delay: 0, reason: "\(decision.reason), but the wait would pass the total timeout")
            }
            attempts.append(AttemptRecord(
                number: number, started: started, ended: ended, outcome: failure.code.rawValue, status: failure.status,
                delayBeforeNext: decision.shouldRetry ? decision.delay : nil, reason: decision.reason))
            attemptLog.set(attempts)
            guard decision.shouldRetry else {
                configuration.progress?(.finished)
                throw failure
            }
            configuration.progress?(.retrying(after: .nanoseconds(Int64(decision.delay * 1e9)), attempt: number + 1))
            do {
                try await configuration.sleep(.nanoseconds(Int64(decision.delay * 1e9)))
            } catch {
                throw decorate(ProviderError(.cancelled, "cancelled while waiting to retry"), attempt: number, started: started)
            }
            if Task.isCancelled { throw decorate(ProviderError(.cancelled, "the request was cancelled"), attempt: number, started: started) }
        }
    }

    private func attempt(
        _ request: TransportRequest, number: Int, started: MonotonicInstant, failureHeaders: inout HTTPHeaders?
    ) async throws(ProviderError) -> ResponseReader {
        let transport = self.transport
        let progress = configuration.progress
        progress?(transport.reportsConnectEvents ? .connecting(attempt: number) : .awaitingHeaders(attempt: number))
        var iterator = transport.execute(request).makeAsyncIterator()
        var tConnected: MonotonicInstant?
        do {
            var head: HTTPResponseHead?
            var tHeaders = MonotonicInstant.now()
            loop: while let event = try await iterator.next() {
                switch event {
                case .connected(let at, _):
                    tConnected = at
                    progress?(.awaitingHeaders(attempt: number))
                case .head(let h, let at):
                    head = h
                    tHeaders = at
                    break loop
                case .body: continue
                case .end: break loop
                }
            }
            guard let head else {
                if Task.isCancelled { throw CancellationError() }
                throw TransportError(.connectionReset, "the connection closed before a response head arrived")
            }
            let reader = ResponseReader(
                head: head, attemptNumber: number, tSend: started, tConnected: tConnected, tHeaders: tHeaders, iterator: iterator,
                progress: progress)
            if head.status.isSuccess { return reader }
            failureHeaders = head.headers
            let body = try await reader.readBody(limit: configuration.maximumErrorBodyBytes)
            throw statusError(head: head, body: body, attempt: number, started: started)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw providerError(from: error, attempt: number, started: started)
        }
    }

    /// Builds the error for a non-2xx response (or a 2xx whose body is an error).
    func statusError(head: HTTPResponseHead, body: [UInt8], attempt: Int, started: MonotonicInstant) -> ProviderError {
        let parsed = ErrorClassifier.errorBody(from: body)
        let status = head.status.code
        var code = ErrorClassifier.classify(status: status, body: parsed)
        if (300..<400).contains(status) { code = .unknown }
        var message = parsed.message
        if message.isEmpty { message = "HTTP \(head.status) with an empty body" }
        if (300..<400).contains(status), let location = head.headers["Location"] { message = "redirect to \(location) (not followed)" }
        if !parsed.isStructured, let type = head.headers["Content-Type"], type.lowercased().contains("text/html") {
            message = "HTTP \(status) with an HTML page (a proxy, gateway or another web server answered): \(message.prefix(120))"
        }
        let hint = RetryPolicy.retryAfter(from: head.headers, now: configuration.now())
        return decorate(
            ProviderError(
                code, SecretMasking.redact(String(message.prefix(500)), secrets: secrets), status: status,
                bodySnippet: SecretMasking.redact(String(decoding: body.prefix(2048), as: UTF8.self), secrets: secrets),
                providerCode: parsed.providerCode, retryAfter: hint?.seconds, requestID: head.headers["x-request-id"]),
            attempt: attempt, started: started)
    }

    /// Turns any thrown error into a ``ProviderError`` with context.
    func providerError(from error: any Error, attempt: Int, started: MonotonicInstant) -> ProviderError {
        if var error = error as? ProviderError {
            error.attempt = error.attempt ?? attempt
            return decorate(error, attempt: attempt, started: started)
        }
        let code = Task.isCancelled && !(error is TransportError) ? .cancelled : ErrorClassifier.classify(error)
        var message = "\(error)"
        var errno: Int32?
        if let transportError = error as? TransportError {
            message = transportError.message
            errno = transportError.errno
        } else if code == .cancelled {
            message = "the request was cancelled"
        }
        return decorate(ProviderError(code, SecretMasking.redact(message, secrets: secrets), errno: errno), attempt: attempt, started: started)
    }

    func decorate(_ error: ProviderError, attempt: Int, started: MonotonicInstant) -> ProviderError {
        var error = error
        error.endpoint = error.endpoint ?? endpointDescription
        error.attempt = error.attempt ?? attempt
        if error.elapsed == nil { error.elapsed = started.elapsed }
        return error
    }

    // MARK: - JSON requests

    /// Sends a request and decodes the whole body as JSON, treating an `error` key as a failure
    /// even on HTTP 200 (LM Studio answers unknown routes that way).
    func requestJSON(
        method: HTTPMethod, target: String, body: JSONValue? = nil, timeouts: ProviderTimeouts? = nil, retry: RetryPolicy? = nil
    ) async throws(ProviderError) -> (JSONValue, ResponseReader) {
        let limit = configuration.maximumResponseBytes
        let (reader, _) = try await open(
            method: method, target: target, body: body, accept: "application/json", timeouts: timeouts, retry: retry, maximumBodyBytes: limit)
        defer { configuration.progress?(.finished) }
        configuration.progress?(.readingBody)
        let bytes: [UInt8]
        do {
            bytes = try await reader.readWholeBody(maximum: limit)
        } catch {
            throw providerError(from: error, attempt: reader.attemptNumber, started: reader.tSend)
        }
        guard let json = try? JSONValue.parse(bytes) else {
            let type = reader.head.headers["Content-Type"] ?? "no Content-Type"
            let code: ProviderError.Code = type.lowercased().contains("json") ? .malformedResponse : .unexpectedContentType
            throw decorate(
                ProviderError(code, "expected JSON from \(target), got \(type): \(String(decoding: bytes.prefix(120), as: UTF8.self))",
                    status: reader.head.status.code, bodySnippet: String(decoding: bytes.prefix(2048), as: UTF8.self)),
                attempt: reader.attemptNumber, started: reader.tSend)
        }
        if ErrorClassifier.errorBody(from: json) != nil, json["data"] == nil, json["models"] == nil {
            throw statusError(head: reader.head, body: bytes, attempt: reader.attemptNumber, started: reader.tSend)
        }
        return (json, reader)
    }
}

/// The attempts of the latest request, shared across tasks.
final class AttemptLogBox: Sendable {
    private let attempts = LockedValue<[AttemptRecord]>([])
    var value: [AttemptRecord] { attempts.current }
    func set(_ value: [AttemptRecord]) { attempts.withLock { $0 = value } }
}
