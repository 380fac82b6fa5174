import Foundation
import HTTPWire
import ProviderClient

/// One streamed generation, decoded into timed events.
struct StreamRecord: Sendable {
    enum EventKind: String, Sendable { case content, done, error, other }
    struct Event: Sendable {
        var milliseconds: Double
        var kind: EventKind
        var text: String
    }

    var status: Int?
    var headers: HTTPHeaders
    var errorBody: String
    var events: [Event]
    var headMilliseconds: Double?
    var totalMilliseconds: Double
    var end: ProbeNet.ReadEnd?
    var byteCount: Int
    var connectFailure: ConnectAttempt?

    var firstContent: Double? { events.first { $0.kind == .content }?.milliseconds }
    var contentEvents: [Event] { events.filter { $0.kind == .content } }
    var hasEndMarker: Bool { events.contains { $0.kind == .done } }
    var errorEvent: Event? { events.first { $0.kind == .error } }

    /// Decodes the reads of an exchange: the HTTP framing by HTTPWire's ``HTTPResponseParser``, the
    /// stream (NDJSON, SSE or one JSON body) by the client's own ``ChatStreamDecoder``, so diagnose
    /// and the client agree on what counts as token text (an Ollama `done:true` line may carry some).
    static func decode(_ exchange: ProbeNet.Exchange, sse: Bool) -> StreamRecord {
        var record = StreamRecord(
            status: nil, headers: HTTPHeaders(), errorBody: "", events: [], headMilliseconds: nil,
            totalMilliseconds: exchange.totalMilliseconds, end: exchange.end, byteCount: exchange.bytes.count,
            connectFailure: exchange.connect.outcome == .connected ? nil : exchange.connect
        )
        var parser = HTTPResponseParser(requestMethod: .post)
        var decoder: ChatStreamDecoder?
        var body: [UInt8] = []
        var stopped = false
        func add(_ items: [ChatStreamDecoder.Item], _ failure: ProviderError?, at ms: Double, terminated: Bool) {
            for item in items {
                let text = item.delta.content + item.delta.reasoning
                record.events.append(Event(milliseconds: ms, kind: item.hasContent ? .content : .other, text: text))
            }
            if terminated { record.events.append(Event(milliseconds: ms, kind: .done, text: "")) }
            if let failure {
                if failure.code != .truncatedStream { record.events.append(Event(milliseconds: ms, kind: .error, text: failure.message)) }
                stopped = true
            }
        }
        for (ms, bytes) in exchange.reads where !stopped {
            var decoded: [UInt8] = []
            do {
                for event in try parser.consume(bytes) {
                    switch event {
                    case .head(let head):
                        record.status = head.status.code
                        record.headers = head.headers
                        record.headMilliseconds = ms
                        let fallback: ChatStreamDecoder.Framing = sse ? .sse : .ndjson
                        decoder = ChatStreamDecoder(framing: ChatStreamDecoder.framing(contentType: head.headers["Content-Type"], fallback: fallback) ?? fallback)
                    case .body(let piece):
                        decoded += piece
                    case .informational, .end:
                        break
                    }
                }
            } catch {
                stopped = true  // not HTTP, or a broken chunk: what was decoded so far stands
            }
            body += decoded
            guard record.status == 200, !decoded.isEmpty else { continue }
            guard var stream = decoder else { continue }
            let before = stream.sawTerminator
            let textBefore = stream.content.count
            var items: [ChatStreamDecoder.Item] = []
            var failure: ProviderError?
            do {
                items = try stream.consume(decoded)
            } catch {
                failure = error
                // Text decoded in this read before the error line still arrived.
                let text = String(stream.content.dropFirst(textBefore))
                if !text.isEmpty { items = [ChatStreamDecoder.Item(delta: ChatDelta(content: text))] }
            }
            decoder = stream
            add(items, failure, at: ms, terminated: !before && stream.sawTerminator)
        }
        if record.status == 200, var stream = decoder, !stopped {
            let before = stream.sawTerminator
            var items: [ChatStreamDecoder.Item] = []
            var failure: ProviderError?
            do { items = try stream.finish() } catch { failure = error }
            add(items, failure, at: exchange.reads.last?.milliseconds ?? 0, terminated: !before && stream.sawTerminator)
        }
        if let status = record.status, status != 200 { record.errorBody = String(decoding: body.prefix(2000), as: UTF8.self) }
        return record
    }

    /// Whether the events arrived in one burst (every gap under a millisecond on average) rather
    /// than at a generation cadence: what a buffering proxy does, whatever the wait before it.
    var arrivedInOneBurst: Bool {
        guard contentEvents.count >= 2, events.count >= 3, let start = events.first?.milliseconds, let last = events.last?.milliseconds
        else { return false }
        return (last - start) / Double(events.count - 1) < 1
    }
}

extension LadderProbes {
    // MARK: - Streamed generation (rung 9, --deep)

    func generate() async -> CheckResult {
        let title = "Streamed generation"
        guard let model = await state.chosenModel else {
            return result("generation", title, .skip, "skipped: no model to test (pass --model)")
        }
        if endpoint.isHTTPS {
            return result("generation", title, .skip, "skipped: streamed generation over https is not measured by diagnose yet")
        }
        guard let identity = await state.identity else { return result("generation", title, .skip, "skipped: not identified") }
        let native = identity.kind == .ollama && dialect(for: identity) == .ollamaNative
        let path = native ? "/api/chat" : await workingBase() + "/chat/completions"
        let first = await stream(model: model, path: path, native: native)
        var evidence = describe(first, path: path)
        let wasLoaded = await state.modelWasLoaded
        if let wasLoaded { evidence.append(Evidence("model loaded before", wasLoaded ? "yes" : "no")) }
        if let failure = first.connectFailure {
            return result("generation", title, .fail, "the connection failed: \(failure.summary)", evidence: evidence)
        }
        guard let status = first.status else {
            let ms = first.totalMilliseconds
            if first.end == .timedOut {
                return result("generation", title, .fail, "no response head within \(ConnectAttempt.format(ms)) (--generation-timeout)", evidence: evidence)
            }
            return result("generation", title, .fail, "the server \(first.end == .reset ? "reset" : "closed") the connection after \(ConnectAttempt.format(ms)) without a response", evidence: evidence,
                findings: [Finding(
                    "midstream-disconnect",
                    message: "POST \(path) got no HTTP response: the connection was \(first.end == .reset ? "reset" : "closed") after \(ConnectAttempt.format(ms)) (\(first.byteCount) bytes).",
                    fix: FailureCatalog.mode("midstream-disconnect")?.fix.text(for: configuration.platform)
                )])
        }
        if status != 200 {
            let text = first.errorBody
            let sketch = "HTTP \(status): \(text.prefix(200))"
            if let mode = FailureClassifier.classify(text, status: status, headers: first.headers) {
                // The server answered, so only the "load a model" half of this mode's fix applies.
                let fix = mode == "lmstudio-server-off-or-no-model" ? FailureCatalog.lmStudioLoadModelFix : FailureCatalog.mode(mode)?.fix.text(for: configuration.platform)
                return result("generation", title, .fail, sketch, evidence: evidence,
                    findings: [Finding(mode, message: "POST \(path) → \(sketch)", fix: fix)])
            }
            return result("generation", title, .fail, "unrecognised response: \(sketch)", evidence: evidence)
        }
        if let error = first.errorEvent {
            let mode = FailureClassifier.classify(error.text) ?? "midstream-disconnect"
            return result("generation", title, .fail, "the stream carried an error after \(ConnectAttempt.format(error.milliseconds)): \(error.text.prefix(160))", evidence: evidence,
                findings: [Finding(mode, message: "The stream from POST \(path) ended with an error after \(ConnectAttempt.format(error.milliseconds)): \(error.text.prefix(200))", fix: FailureCatalog.mode(mode)?.fix.text(for: configuration.platform))])
        }
        if !first.hasEndMarker {
            let why: String
            switch first.end {
            case .timedOut: why = "nothing more arrived within \(ConnectAttempt.format(seconds: configuration.generationTimeout))"
            case .reset: why = "the connection was reset"
            default: why = "the connection closed"
            }
            return result("generation", title, .fail, "the stream ended without its end marker (\(why))", evidence: evidence,
                findings: [Finding(
                    "midstream-disconnect",
                    message: "The stream stopped after \(ConnectAttempt.format(first.totalMilliseconds)) and \(first.contentEvents.count) token event\(first.contentEvents.count == 1 ? "" : "s") (\(first.byteCount) bytes) without \(native ? "done:true" : "data: [DONE]"): \(why).",
                    fix: FailureCatalog.mode("midstream-disconnect")?.fix.text(for: configuration.platform)
                )])
        }
        // Buffering: the events arrive together at the end, long after the request. A long wait
        // followed by a generation cadence is a cold load or slow prompt processing instead.
        let contents = first.contentEvents
        if let start = first.events.first?.milliseconds, let last = first.events.last?.milliseconds, start >= 200, first.arrivedInOneBurst {
            var proxyHints = ["Server", "Via", "Content-Encoding", "X-Accel-Buffering"].compactMap { n in first.headers[n].map { "\(n): \($0)" } }
            if proxyHints.isEmpty { proxyHints = ["no proxy headers seen"] }
            return result("generation", title, .fail, "all \(first.events.count) stream events arrived at once after \(ConnectAttempt.format(start))", evidence: evidence,
                findings: [Finding(
                    "proxy-buffering-stream",
                    message: "All \(first.events.count) stream events arrived within \(ConnectAttempt.format(last - start)) of each other, \(ConnectAttempt.format(start)) after the request: something between the app and the model buffers the stream (\(proxyHints.joined(separator: "; "))).",
                    fix: FailureCatalog.mode("proxy-buffering-stream")?.fix.general
                )])
        }
        guard let ttft = first.firstContent else {
            return result("generation", title, .warn, "the stream finished without any token text", evidence: evidence)
        }
        let appTimeout = configuration.readTimeout * 1000
        if ttft > appTimeout || ttft > 2000 {
            // Slow first token: a cold load (second request fast) or a slow model (second as slow)?
            let second = await stream(model: model, path: path, native: native)
            let ttft2 = second.firstContent
            evidence.append(Evidence("second request first token", ttft2.map { ConnectAttempt.format($0) } ?? "none"))
            if let ttft2, ttft2 < ttft / 2 {
                let cut = ttft > appTimeout
                return result("generation", title, cut ? .fail : .warn, "first token after \(ConnectAttempt.format(ttft)), then \(ConnectAttempt.format(ttft2)) on the next request", evidence: evidence,
                    findings: [Finding(
                        "cold-load-slow-first-request", severity: cut ? .error : .warning,
                        message: "The first request waited \(ConnectAttempt.format(ttft)) for its first token, the next only \(ConnectAttempt.format(ttft2)): the model was loading\(wasLoaded == false ? " (it was not loaded before)" : "").\(cut ? " An app with a \(ConnectAttempt.format(seconds: configuration.readTimeout)) timeout gives up during the load." : "")",
                        fix: FailureCatalog.mode("cold-load-slow-first-request")?.fix.general
                    )])
            }
            if ttft > appTimeout {
                return result("generation", title, .fail, "first token after \(ConnectAttempt.format(ttft)), every time", evidence: evidence,
                    findings: [Finding(
                        "client-timeout-cap",
                        message: "The model needs \(ConnectAttempt.format(ttft)) to its first token on every request (not a cold load: the second request was as slow), longer than the \(ConnectAttempt.format(seconds: configuration.readTimeout)) timeout (--read-timeout).",
                        fix: "Raise the app's timeout above \(Int((ttft / 1000).rounded(.up)) + 1) s or enable streaming in the app; a smaller model also helps."
                    )])
            }
        }
        return result("generation", title, .pass, "first token after \(ConnectAttempt.format(ttft)), \(contents.count) token events, done in \(ConnectAttempt.format(first.totalMilliseconds))", evidence: evidence)
    }

    private func stream(model: String, path: String, native: Bool) async -> StreamRecord {
        let message: JSONValue = .array([.object([("role", "user"), ("content", "Reply with one word: hi")])])
        let body: JSONValue = native
            ? .object([("model", .string(model)), ("messages", message), ("stream", true), ("options", .object([("num_predict", 8)]))])
            : .object([("model", .string(model)), ("messages", message), ("stream", true), ("max_tokens", 8)])
        let auth = await state.authHeaders
        let request = ProbeRequest(
            method: "POST", path: path,
            headers: [("Content-Type", "application/json"), ("Accept", native ? "application/x-ndjson" : "text/event-stream")] + auth,
            body: body.serializedBytes()
        )
        guard let address = await state.workingAddress else {
            return StreamRecord(status: nil, headers: HTTPHeaders(), errorBody: "", events: [], headMilliseconds: nil, totalMilliseconds: 0, end: nil, byteCount: 0, connectFailure: nil)
        }
        let budget = configuration.generationTimeout
        let exchange = await ProbeNet.exchange(
            address, port: endpoint.port, request: ProbeHTTP.makeRequestBytes(request, authority: endpoint.authority),
            connectTimeout: configuration.connectTimeout, idleTimeout: budget, totalTimeout: budget, maximumBytes: 1 << 20,
            isComplete: ResponseCompletion(method: "POST").isComplete
        )
        return StreamRecord.decode(exchange, sse: !native)
    }

    private func describe(_ r: StreamRecord, path: String) -> [Evidence] {
        var evidence = [Evidence("request", "POST \(path) (stream, ≤8 tokens)")]
        if let s = r.status { evidence.append(Evidence("status", String(s))) }
        for name in ["Content-Type", "Transfer-Encoding", "Content-Encoding", "Server", "Via", "X-Accel-Buffering"] {
            if let v = r.headers[name] { evidence.append(Evidence(name, v)) }
        }
        if let h = r.headMilliseconds { evidence.append(Evidence("response head after", ConnectAttempt.format(h))) }
        if let t = r.firstContent { evidence.append(Evidence("first token (TTFT)", ConnectAttempt.format(t))) }
        let times = r.events.map(\.milliseconds)
        if times.count > 1 {
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            evidence.append(Evidence("gaps between events", "max \(ConnectAttempt.format(gaps.max() ?? 0)), min \(ConnectAttempt.format(gaps.min() ?? 0))"))
            let mean = (times.last! - times.first!) / Double(times.count - 1)
            evidence.append(Evidence("cadence", "\(ConnectAttempt.format(mean)) per event on average: \(r.arrivedInOneBurst ? "one burst (buffered)" : "streamed")"))
        }
        evidence.append(Evidence("events", "\(r.events.count) (\(r.contentEvents.count) with text), end marker: \(r.hasEndMarker ? "yes" : "no")"))
        evidence.append(Evidence("total", "\(ConnectAttempt.format(r.totalMilliseconds)), \(r.byteCount) bytes, ended: \(r.end?.rawValue ?? "?")"))
        return evidence
    }
}
