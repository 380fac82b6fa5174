import Foundation
import HTTPWire
import MockProviders
import ProviderClient

// MARK: - MisbehavingClient

/// A small raw-HTTP LLM client with switchable flaws (``Misbehaviour``), used to prove that the verdicts
/// catch ill-behaved clients. With no flags it behaves well (openai-python-like retry rules, idle timeout,
/// closes on cancel, one key per provider) and serves as a control.
///
/// It is deliberately independent of `ProviderClient`: it never modifies or wraps the real client.
public struct MisbehavingClient: ClientDriver {
    public init() {}

    public func perform(_ request: DriverRequest) async -> RequestOutcome {
        let exchangeBox = LockedValue<RawHTTPExchange?>(nil)
        return await withTaskCancellationHandler {
            do {
                return try await runOnDedicatedThread(name: "llmcheck-misbehaving") {
                    MisbehavingSession(request: request, current: exchangeBox).run()
                }
            } catch {
                return .failure(request.requestID, code: ProviderError.Code.unknown.rawValue, message: "\(error)")
            }
        } onCancel: {
            exchangeBox.withLock { $0?.cancel() }
        }
    }
}

// MARK: - Session

/// One request with retries (and failover), run on a dedicated thread.
struct MisbehavingSession {
    let request: DriverRequest
    let current: LockedValue<RawHTTPExchange?>
    var flaws: Set<Misbehaviour> { request.client.misbehaviours }

    /// What one attempt produced.
    struct AttemptResult {
        var outcome: RequestOutcome.Kind
        var code: ProviderError.Code?
        var message: String?
        var status: Int?
        var retryAfterMilliseconds: Double?
        var beforeHeaders: Bool
    }

    @available(*, noasync)
    func run() -> RequestOutcome {
        var outcome = RequestOutcome(requestID: request.requestID, kind: .error, model: request.model, server: request.target?.server.name)
        let totalDeadline = MonotonicInstant.now() + .milliseconds(request.client.timeouts.totalMilliseconds)
        if request.operation == .discover {
            return discover(outcome)
        }
        let targets = request.operation == .failoverChat ? request.targets : (request.target.map { [$0] } ?? [])
        guard !targets.isEmpty else {
            return .failure(request.requestID, code: ProviderError.Code.invalidConfiguration.rawValue, message: "no target server")
        }
        var rng = SeededRandom(seed: request.seed)
        var attemptNumber = 0
        let firstKey = targets.first?.apiKey
        for target in targets {
            var retries = 0
            while true {
                attemptNumber += 1
                let key = flaws.contains(.leakKeyOnFailover) ? (firstKey ?? target.apiKey) : target.apiKey
                let started = MonotonicInstant.now()
                let previousEnd = outcome.attempts.last?.endedAt
                let result = attempt(target: target, apiKey: key, number: attemptNumber, outcome: &outcome)
                outcome.attempts.append(RequestOutcome.Attempt(
                    number: attemptNumber, server: target.server.name, startedAt: started, endedAt: MonotonicInstant.now(),
                    status: result.status, errorCode: result.code?.rawValue,
                    delayBeforeMilliseconds: previousEnd.map { started > $0 ? $0.duration(to: started).milliseconds : 0 }
                ))
                outcome.status = result.status ?? outcome.status
                if result.outcome != .error {
                    outcome.kind = result.outcome
                    outcome.errorCode = nil
                    outcome.errorMessage = nil
                    outcome.servedBy = target.server.name
                    return outcome
                }
                outcome.kind = .error
                outcome.errorCode = result.code?.rawValue
                outcome.errorMessage = result.message
                guard result.code != .cancelled else { return outcome }
                guard let delay = retryDelay(after: result, retries: retries, rng: &rng) else { break }
                let wake = MonotonicInstant.now() + .milliseconds(delay)
                guard wake < totalDeadline else { return outcome }
                Thread.sleep(forTimeInterval: delay / 1000)
                retries += 1
            }
        }
        return outcome
    }

    /// The backoff before the next attempt in ms, or nil when the client stops retrying this target.
    func retryDelay(after result: AttemptResult, retries: Int, rng: inout SeededRandom) -> Double? {
        let policy = request.client.retry
        guard retries < policy.maxRetries else { return nil }
        var retryable: Bool
        if let status = result.status {
            retryable = status == 408 || status == 409 || status == 429 || status >= 500
            if flaws.contains(.retryNonRetryable), (400..<500).contains(status) { retryable = true }
        } else {
            retryable = result.beforeHeaders && result.code != .cancelled
        }
        guard retryable, !flaws.contains(.giveUpEarly) else { return nil }
        if flaws.contains(.noBackoff) { return 0 }
        if let hint = result.retryAfterMilliseconds, hint > 0, !flaws.contains(.ignoreRetryAfter) {
            return hint <= Double(policy.maxRetryAfterMilliseconds) ? hint : nil
        }
        let base = min(Double(policy.initialDelayMilliseconds) * pow(2, Double(retries)), Double(policy.maxDelayMilliseconds))
        return base * (1 - 0.25 * rng.nextUnit())
    }

    // MARK: - One attempt

    @available(*, noasync)
    func attempt(target: DriverRequest.Target, apiKey: String?, number: Int, outcome: inout RequestOutcome) -> AttemptResult {
        let exchange = RawHTTPExchange()
        current.withLock { $0 = exchange }
        defer {
            exchange.close()
            current.withLock { $0 = nil }
        }
        let (method, path, body) = Self.route(request, target: target)
        var headers = request.harnessHeaders
        headers.add(name: "X-LLMCheck-Attempt", value: String(number))
        headers.add(name: "Accept", value: request.stream ? "text/event-stream, application/x-ndjson" : "application/json")
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        if let apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let t = request.client.timeouts
        let send = MonotonicInstant.now()
        var timing = RequestOutcome.Timing(send: send)
        defer { outcome.timing = timing }
        do {
            try exchange.send(
                host: target.server.host, port: target.server.port, method: method, path: path, headers: headers, body: body,
                connectTimeout: .milliseconds(t.connectMilliseconds)
            )
        } catch {
            return fail(error, beforeHeaders: true)
        }
        let head: RawHTTPExchange.Head
        do {
            head = try exchange.readHead(timeout: .milliseconds(t.headersMilliseconds))
        } catch {
            return fail(error, beforeHeaders: true)
        }
        timing.headers = MonotonicInstant.now()
        guard (200..<300).contains(head.status) else {
            let errorBody = (try? exchange.readAll(timeout: .milliseconds(t.idleMilliseconds))) ?? []
            var result = AttemptResult(outcome: .error, code: Self.code(forStatus: head.status), message: Self.errorMessage(errorBody, status: head.status), status: head.status, beforeHeaders: false)
            if let ms = head.headers["retry-after-ms"].flatMap(Double.init) {
                result.retryAfterMilliseconds = ms
            } else if let s = head.headers["retry-after"].flatMap(Double.init) {
                result.retryAfterMilliseconds = s * 1000
            }
            return result
        }
        let idle: Duration? = flaws.contains(.noIdleTimeout)
            ? .milliseconds(max(1, t.totalMilliseconds))  // only a total deadline
            : .milliseconds(t.idleMilliseconds)
        let isStream = request.stream && [.chat, .generate, .failoverChat].contains(request.operation)
        if !isStream {
            do {
                let bytes = try exchange.readAll(timeout: idle)
                timing.end = MonotonicInstant.now()
                return interpret(body: bytes, status: head.status, into: &outcome, timing: &timing)
            } catch {
                return fail(error, status: head.status)
            }
        }
        return readStream(exchange, head: head, idle: idle, into: &outcome, timing: &timing)
    }

    @available(*, noasync)
    func readStream(_ exchange: RawHTTPExchange, head: RawHTTPExchange.Head, idle: Duration?, into outcome: inout RequestOutcome, timing: inout RequestOutcome.Timing) -> AttemptResult {
        let ndjson = target(personality: "ollama")
        var sse = SSEParser()
        var lines = NDJSONFramer()
        var finished = false
        var cancelled = false
        var lastChunk: MonotonicInstant?
        outcome.content = ""
        outcome.chunks = 0
        func handle(_ payload: String) -> AttemptResult? {
            if payload.hasPrefix("[DONE]") {
                finished = true
                return nil
            }
            guard let json = try? JSONValue.parse(payload) else {
                if flaws.contains(.ignoreMalformed) { return nil }
                return AttemptResult(outcome: .error, code: .malformedStream, message: "stream event is not JSON: \(payload.prefix(60))", status: head.status, beforeHeaders: false)
            }
            if let error = json["error"], !error.isNull {
                let message = error.stringValue ?? error["message"]?.stringValue ?? "error inside the stream"
                return AttemptResult(outcome: .error, code: .streamError, message: message, status: head.status, beforeHeaders: false)
            }
            let now = MonotonicInstant.now()
            if timing.firstChunk == nil { timing.firstChunk = now }
            let text = json["message"]?["content"]?.stringValue ?? json["response"]?.stringValue
                ?? json["choices"]?[0]?["delta"]?["content"]?.stringValue ?? json["choices"]?[0]?["text"]?.stringValue ?? ""
            if !text.isEmpty {
                if timing.firstToken == nil { timing.firstToken = now }
                if let lastChunk { timing.interChunkMilliseconds.append(lastChunk.duration(to: now).milliseconds) }
                lastChunk = now
                timing.lastToken = now
                outcome.content += text
                outcome.chunks += 1
                if let n = request.cancelAfterChunks, outcome.chunks == n, !cancelled {
                    cancelled = true
                }
            }
            if json["done"]?.boolValue == true {
                finished = true
                outcome.outputTokens = json["eval_count"]?.intValue
            }
            if let usage = json["usage"]?["completion_tokens"]?.intValue { outcome.outputTokens = usage }
            return nil
        }
        while !finished {
            let bytes: [UInt8]
            do {
                bytes = try exchange.readBody(timeout: idle)
            } catch {
                if cancelled { break }
                if flaws.contains(.acceptTruncated), outcome.chunks > 0 { break }
                return fail(error, status: head.status)
            }
            if bytes.isEmpty {
                // Connection ended: complete framing but no terminator event.
                if finished || cancelled { break }
                if flaws.contains(.acceptTruncated) { break }
                return AttemptResult(outcome: .error, code: .truncatedStream, message: "the stream ended without its terminator after \(outcome.chunks) chunks", status: head.status, beforeHeaders: false)
            }
            var payloads: [String] = []
            if ndjson {
                if let frames = try? lines.consume(bytes) { payloads = frames.map { String(decoding: $0, as: UTF8.self) } }
            } else {
                if let events = try? sse.consume(bytes) { payloads = events.map(\.data) }
            }
            for payload in payloads where !payload.isEmpty {
                if let failure = handle(payload) { return failure }
            }
            if cancelled, !flaws.contains(.keepReadingAfterCancel) {
                exchange.close()
                break
            }
        }
        timing.end = MonotonicInstant.now()
        return AttemptResult(outcome: cancelled ? .cancelled : .success, status: head.status, beforeHeaders: false)
    }

    func target(personality: String) -> Bool {
        guard let target = request.target else { return false }
        return request.dialect(for: target) == personality
    }

    /// Reads a non-streamed answer.
    func interpret(body: [UInt8], status: Int, into outcome: inout RequestOutcome, timing: inout RequestOutcome.Timing) -> AttemptResult {
        guard let json = try? JSONValue.parse(body) else {
            return AttemptResult(outcome: .error, code: .malformedResponse, message: "the body is not JSON", status: status, beforeHeaders: false)
        }
        if let error = json["error"], !error.isNull {
            return AttemptResult(outcome: .error, code: .streamError, message: error.stringValue ?? error["message"]?.stringValue ?? "error", status: status, beforeHeaders: false)
        }
        switch request.operation {
        case .listModels:
            let items = json["data"]?.arrayValue ?? json["models"]?.arrayValue ?? []
            outcome.models = items.compactMap { $0["id"]?.stringValue ?? $0["name"]?.stringValue ?? $0["model"]?.stringValue }
        case .showModel:
            outcome.models = [json["id"]?.stringValue ?? json["model"]?.stringValue ?? request.model ?? ""].filter { !$0.isEmpty }
        case .embed:
            let vector = json["embeddings"]?[0]?.arrayValue ?? json["data"]?[0]?["embedding"]?.arrayValue ?? json["embedding"]?.arrayValue
            outcome.embeddingDimensions = vector?.count
        default:
            let text = json["message"]?["content"]?.stringValue ?? json["response"]?.stringValue
                ?? json["choices"]?[0]?["message"]?["content"]?.stringValue ?? json["choices"]?[0]?["text"]?.stringValue ?? ""
            outcome.content = text
            outcome.chunks = text.isEmpty ? 0 : 1
            timing.firstChunk = timing.end
            timing.firstToken = text.isEmpty ? nil : timing.end
            timing.lastToken = timing.firstToken
            outcome.outputTokens = json["eval_count"]?.intValue ?? json["usage"]?["completion_tokens"]?.intValue
        }
        return AttemptResult(outcome: .success, status: status, beforeHeaders: false)
    }

    // MARK: - Discovery

    @available(*, noasync)
    func discover(_ base: RequestOutcome) -> RequestOutcome {
        var outcome = base
        let probes: [(String, String)] = [("/api/version", "ollama"), ("/api/v0/models", "lmstudio"), ("/v1/models", "openai")]
        for server in request.servers {
            for (path, personality) in probes {
                let exchange = RawHTTPExchange()
                defer { exchange.close() }
                var headers = request.harnessHeaders
                headers.replaceOrAdd(name: "X-LLMCheck-Request", value: "\(request.requestID).\(server.name)\(path)")
                do {
                    try exchange.send(host: server.host, port: server.port, method: "GET", path: path, headers: headers, body: [], connectTimeout: .milliseconds(request.client.timeouts.connectMilliseconds))
                    let head = try exchange.readHead(timeout: .milliseconds(request.client.timeouts.headersMilliseconds))
                    let body = try exchange.readAll(timeout: .milliseconds(request.client.timeouts.idleMilliseconds))
                    let json = try? JSONValue.parse(body)
                    if head.status == 200, let json, json["error"] == nil {
                        outcome.discovered[server.name] = personality
                        break
                    }
                } catch {
                    continue
                }
            }
        }
        outcome.kind = .success
        return outcome
    }

    // MARK: - Helpers

    func fail(_ error: any Error, beforeHeaders: Bool = false, status: Int? = nil) -> AttemptResult {
        guard let failure = error as? RawHTTPExchange.Failure else {
            return AttemptResult(outcome: .error, code: .unknown, message: "\(error)", status: status, beforeHeaders: beforeHeaders)
        }
        let (code, message): (ProviderError.Code, String)
        switch failure {
        case .connect(let m): (code, message) = (m.contains("refused") ? .connectionRefused : .connectTimeout, m)
        case .timeout(let m): (code, message) = (beforeHeaders ? .headersTimeout : .idleTimeout, m)
        case .closed(let m): (code, message) = (beforeHeaders ? .connectionReset : .truncatedStream, m)
        case .reset(let m): (code, message) = (.connectionReset, m)
        case .protocolError(let m): (code, message) = (.malformedResponse, m)
        case .cancelled: (code, message) = (.cancelled, "cancelled")
        }
        return AttemptResult(outcome: .error, code: code, message: message, status: status, beforeHeaders: beforeHeaders)
    }
}
