import Foundation
import HTTPWire
import ProviderClient

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request sent by a probe.
struct ProbeRequest: Sendable {
    var method: String = "GET"
    var path: String
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Overrides the Host header (default: the target's authority).
    var hostHeader: String?
}

/// A parsed HTTP response, with timings.
struct ProbeResponse: Sendable {
    var status: Int
    var reason: String
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Milliseconds from sending the request to the first byte of the answer.
    var firstByteMilliseconds: Double?
    var totalMilliseconds: Double

    var contentType: String { headers["Content-Type"] ?? "" }
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }
    var isHTML: Bool {
        contentType.lowercased().contains("text/html")
            || text.prefix(200).lowercased().contains("<!doctype html") || text.prefix(200).lowercased().contains("<html")
    }

    /// The error the body carries (Ollama, OpenAI, vLLM, FastAPI shapes), read by ProviderClient's
    /// ``ErrorClassifier``; nil when the body has no error shape.
    var errorBody: ErrorClassifier.ErrorBody? {
        let parsed = ErrorClassifier.errorBody(from: self.body)
        return parsed.isStructured ? parsed : nil
    }

    /// "HTTP 200, 14 bytes, text/plain: \"hello world\"" — what was seen, for unrecognised answers.
    var sketch: String {
        let snippet = text.prefix(120).replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        let type = contentType.isEmpty ? "no content type" : contentType
        return "HTTP \(status), \(body.count) bytes, \(type)" + (body.isEmpty ? "" : ": \"\(snippet)\"")
    }
}

/// What a request produced.
enum ProbeOutcome: Sendable {
    case response(ProbeResponse)
    /// The TCP connection failed.
    case connectFailed(ConnectAttempt)
    /// Connected, but no byte arrived (`timedOut`), or the peer closed/reset without answering.
    case noAnswer(end: ProbeNet.ReadEnd, milliseconds: Double)
    /// Bytes arrived that are not HTTP.
    case notHTTP(bytes: [UInt8], end: ProbeNet.ReadEnd?)
    /// A transport error (https via URLSession), with its text.
    case transportError(String)

    var response: ProbeResponse? { if case .response(let r) = self { r } else { nil } }

    /// Short description of what was seen.
    var sketch: String {
        switch self {
        case .response(let r): r.sketch
        case .connectFailed(let a): a.summary
        case .noAnswer(let end, let ms):
            switch end {
            case .timedOut: "connected, but no byte arrived within \(ConnectAttempt.format(ms))"
            case .closed: "connected, then the server closed the connection without answering"
            case .reset: "connected, then the server reset the connection without answering"
            default: "connected, no answer (\(end.rawValue))"
            }
        case .notHTTP(let bytes, _): "\(bytes.count) bytes that are not HTTP: \(ProbeHTTP.hexPreview(bytes))"
        case .transportError(let text): text
        }
    }
}

/// A tiny HTTP/1.1 client for probes: one request per connection, raw evidence kept.
enum ProbeHTTP {
    static func makeRequestBytes(_ request: ProbeRequest, authority: String) -> [UInt8] {
        var head = "\(request.method) \(request.path) HTTP/1.1\r\n"
        head += "Host: \(request.hostHeader ?? authority)\r\n"
        head += "User-Agent: llmcheck-diagnose\r\n"
        head += "Accept: */*\r\n"
        head += "Connection: close\r\n"
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        if !request.body.isEmpty || request.method == "POST" {
            head += "Content-Length: \(request.body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + request.body
    }

    static func looksLikeHTTP(_ bytes: [UInt8]) -> Bool {
        let prefix = Array("HTTP/".utf8)
        let n = min(bytes.count, prefix.count)
        return n > 0 && Array(bytes.prefix(n)) == Array(prefix.prefix(n))
    }

    /// A response parsed (as far as it arrived) by HTTPWire's ``HTTPResponseParser``.
    struct Parsed: Sendable {
        var head: HTTPResponseHead
        /// The decoded body (chunked coding removed); what arrived when the response is cut short.
        var body: [UInt8]
        var isComplete: Bool
    }

    /// Parses `bytes` as the response to `method`; nil when no valid head is there (yet).
    /// `atEnd`: the connection closed, which completes a close-delimited body.
    static func parse(_ bytes: [UInt8], method: String, atEnd: Bool = false) -> Parsed? {
        guard looksLikeHTTP(bytes) else { return nil }
        var parser = HTTPResponseParser(requestMethod: HTTPMethod(rawValue: method))
        var body: [UInt8] = []
        func take(_ events: [HTTPResponseParser.Event]) {
            for case .body(let piece) in events { body += piece }
        }
        do {
            take(try parser.consume(bytes))
            if atEnd, !parser.isComplete { take(try parser.finish()) }
        } catch {
            // Malformed or cut short: keep what was decoded before the problem.
        }
        guard let head = parser.head else { return nil }
        return Parsed(head: head, body: body, isComplete: parser.isComplete)
    }

    /// The first line of an answer as text (`HTTP/1.1 400 Bad Request`), control bytes as `.`.
    static func statusLine(_ bytes: [UInt8]) -> String {
        let line = bytes.prefix(120).prefix { $0 != 13 && $0 != 10 }
        return String(line.map { (32..<127).contains($0) ? Character(UnicodeScalar($0)) : "." })
    }

    /// Bytes as evidence: the first line as text when they read as text (an HTTP answer), else a hex dump.
    static func readable(_ bytes: [UInt8]) -> String {
        let head = bytes.prefix(64)
        let printable = head.filter { (32..<127).contains($0) || $0 == 13 || $0 == 10 || $0 == 9 }.count
        guard !head.isEmpty, printable * 10 >= head.count * 9 else { return hexPreview(bytes) }
        return "\"\(statusLine(bytes))\"" + (bytes.count > statusLine(bytes).utf8.count + 2 ? " (\(bytes.count) bytes)" : "")
    }

    static func hexPreview(_ bytes: [UInt8], count: Int = 16) -> String {
        bytes.prefix(count).map { String(format: "%02x", $0) }.joined(separator: " ") + (bytes.count > count ? " …" : "")
    }

    /// Sends `request` over plain HTTP to one address.
    static func send(
        _ request: ProbeRequest, to address: SocketAddress, port: UInt16, authority: String, connectTimeout: Double,
        readTimeout: Double
    ) async -> ProbeOutcome {
        let method = request.method
        let exchange = await ProbeNet.exchange(
            address, port: port, request: makeRequestBytes(request, authority: authority), connectTimeout: connectTimeout,
            idleTimeout: readTimeout, totalTimeout: readTimeout * 2,
            isComplete: ResponseCompletion(method: method).isComplete
        )
        return outcome(of: exchange, method: method)
    }

    static func outcome(of exchange: ProbeNet.Exchange, method: String = "GET") -> ProbeOutcome {
        guard exchange.connect.outcome == .connected else { return .connectFailed(exchange.connect) }
        let bytes = exchange.bytes
        if bytes.isEmpty { return .noAnswer(end: exchange.end ?? .timedOut, milliseconds: exchange.totalMilliseconds) }
        guard let parsed = parse(bytes, method: method, atEnd: exchange.end == .closed || exchange.end == .reset) else {
            return .notHTTP(bytes: bytes, end: exchange.end)
        }
        return .response(
            ProbeResponse(
                status: parsed.head.status.code, reason: parsed.head.status.reasonPhrase, headers: parsed.head.headers,
                body: parsed.body, firstByteMilliseconds: exchange.firstByteMilliseconds,
                totalMilliseconds: exchange.totalMilliseconds
            )
        )
    }

    // MARK: - HTTPS

    /// Sends `request` over TLS with URLSession (system trust store), to `url`.
    static func sendHTTPS(_ request: ProbeRequest, url: String, readTimeout: Double) async -> ProbeOutcome {
        guard let u = URL(string: url) else { return .transportError("invalid URL") }
        var urlRequest = URLRequest(url: u, timeoutInterval: readTimeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = readTimeout
        configuration.timeoutIntervalForResource = readTimeout * 2
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let start = MonotonicInstant.now()
        do {
            let (data, response) = try await session.data(for: urlRequest)
            let ms = start.elapsed.milliseconds
            guard let http = response as? HTTPURLResponse else { return .transportError("not an HTTP response") }
            var headers = HTTPHeaders()
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers.add(name: k, value: v) }
            }
            return .response(
                ProbeResponse(
                    status: http.statusCode, reason: "", headers: headers, body: Array(data), firstByteMilliseconds: nil,
                    totalMilliseconds: ms
                )
            )
        } catch {
            return .transportError(error.localizedDescription)
        }
    }
}
