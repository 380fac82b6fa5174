import Foundation
import HTTPWire

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

    /// Decodes the reads of an exchange (head, chunked or plain body, NDJSON or SSE lines).
    static func decode(_ exchange: ProbeNet.Exchange, sse: Bool) -> StreamRecord {
        var record = StreamRecord(
            status: nil, headers: HTTPHeaders(), errorBody: "", events: [], headMilliseconds: nil,
            totalMilliseconds: exchange.totalMilliseconds, end: exchange.end, byteCount: exchange.bytes.count,
            connectFailure: exchange.connect.outcome == .connected ? nil : exchange.connect
        )
        var parser = HTTPResponseParser(requestMethod: .post)
        var line: [UInt8] = []
        var body: [UInt8] = []
        var malformed = false
        for (ms, bytes) in exchange.reads where !malformed {
            var decoded: [UInt8] = []
            do {
                for event in try parser.consume(bytes) {
                    switch event {
                    case .head(let head):
                        record.status = head.status.code
                        record.headers = head.headers
                        record.headMilliseconds = ms
                    case .body(let piece):
                        decoded += piece
                    case .informational, .end:
                        break
                    }
                }
            } catch {
                malformed = true  // not HTTP, or a broken chunk: what was decoded so far stands
            }
            body += decoded
            for b in decoded {
                if b == 10 {
                    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: "\r")
                    line = []
                    if let event = classify(text, sse: sse) { record.events.append(Event(milliseconds: ms, kind: event.0, text: event.1)) }
                } else {
                    line.append(b)
                }
            }
        }
        if !line.isEmpty, let event = classify(String(decoding: line, as: UTF8.self), sse: sse) {
            record.events.append(Event(milliseconds: exchange.reads.last?.milliseconds ?? 0, kind: event.0, text: event.1))
        }
        if let status = record.status, status != 200 { record.errorBody = String(decoding: body.prefix(2000), as: UTF8.self) }
        return record
    }

    static func classify(_ line: String, sse: Bool) -> (EventKind, String)? {
        var payload = line
        if sse {
            guard line.hasPrefix("data:") else { return nil }
            payload = String(line.dropFirst(5)).trimmingCharacters(in: " ")
            if payload == "[DONE]" { return (.done, payload) }
        }
        if payload.isEmpty { return nil }
        guard let json = try? JSONValue.parse(payload) else { return (.other, payload) }
        if let error = json["error"] {
            return (.error, error.stringValue ?? error["message"]?.stringValue ?? error.serialized())
        }
        if json["done"]?.boolValue == true { return (.done, payload) }
        let content = json["message"]?["content"]?.stringValue ?? json["response"]?.stringValue
            ?? json["choices"]?[0]?["delta"]?["content"]?.stringValue ?? json["choices"]?[0]?["text"]?.stringValue
        if let content, !content.isEmpty { return (.content, content) }
        return (.other, "")
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
                return result("generation", title, .fail, sketch, evidence: evidence,
                    findings: [Finding(mode, message: "POST \(path) → \(sketch)", fix: FailureCatalog.mode(mode)?.fix.text(for: configuration.platform))])
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
            case .timedOut: why = "nothing more arrived within \(configuration.generationTimeout) s"
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
        // Buffering: every token event arrives in one burst, long after the request.
        let contents = first.contentEvents
        if contents.count >= 2, first.events.count >= 3, let start = contents.first?.milliseconds, let last = first.events.last?.milliseconds,
            start >= 200, last - start <= max(5, start * 0.02)
        {
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
                        message: "The first request waited \(ConnectAttempt.format(ttft)) for its first token, the next only \(ConnectAttempt.format(ttft2)): the model was loading\(wasLoaded == false ? " (it was not loaded before)" : "").\(cut ? " An app with a \(configuration.readTimeout) s timeout gives up during the load." : "")",
                        fix: FailureCatalog.mode("cold-load-slow-first-request")?.fix.general
                    )])
            }
            if ttft > appTimeout {
                return result("generation", title, .fail, "first token after \(ConnectAttempt.format(ttft)), every time", evidence: evidence,
                    findings: [Finding(
                        "client-timeout-cap",
                        message: "The model needs \(ConnectAttempt.format(ttft)) to its first token on every request (not a cold load: the second request was as slow), longer than the \(configuration.readTimeout) s timeout (--read-timeout).",
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
            isComplete: { ProbeHTTP.isComplete($0, method: "POST") }
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
        }
        evidence.append(Evidence("events", "\(r.events.count) (\(r.contentEvents.count) with text), end marker: \(r.hasEndMarker ? "yes" : "no")"))
        evidence.append(Evidence("total", "\(ConnectAttempt.format(r.totalMilliseconds)), \(r.byteCount) bytes, ended: \(r.end?.rawValue ?? "?")"))
        return evidence
    }
}
