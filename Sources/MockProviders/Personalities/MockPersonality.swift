import HTTPWire

/// One imitated provider: routes requests and writes responses through the writer it is given.
///
/// Personalities know nothing about faults or fixtures; the ``MockEngine`` wraps the writer.
protocol MockPersonality: Sendable {
    var kind: MockProviderKind { get }

    /// Answers one request. Throws only when the connection failed or a fault ended the exchange.
    func handle(_ request: MockRequest, writer: any HTTPResponseWriter) throws

    /// The provider's own error answer for a `status=` fault on `request`.
    func errorResponse(for fault: FaultSpec.StatusFault, request: MockRequest) -> (HTTPResponseHead, [UInt8])
}

extension MockPersonality {
    /// Rate-limit and retry headers of a status fault, added to any provider's error answer.
    func retryHeaders(for fault: FaultSpec.StatusFault, into headers: inout HTTPHeaders) {
        if let s = fault.retryAfterSeconds {
            // Bounded by the fault grammar; checked anyway, so no value can trap here.
            headers.add(name: "retry-after", value: String(CheckedNumber.integerRoundingUp(s, in: 0...Int.max) ?? Int.max))
        }
        if let ms = fault.retryAfterMilliseconds {
            headers.add(name: "retry-after-ms", value: JSONValue.format(ms))
        }
        if let r = fault.shouldRetry {
            headers.add(name: "x-should-retry", value: r ? "true" : "false")
        }
    }
}

/// Small helpers the personalities share for writing responses.
enum Respond {
    static let jsonContentType = "application/json; charset=utf-8"

    /// A complete JSON answer (`Content-Length` framing).
    static func json(_ writer: any HTTPResponseWriter, status: HTTPStatus = .ok, _ value: JSONValue, headers: HTTPHeaders = [:], contentType: String = jsonContentType) throws {
        try json(writer, status: status, bytes: value.serializedBytes(reservingCapacity: 512), headers: headers, contentType: contentType)
    }

    /// A complete answer whose body is already serialized JSON (`Content-Length` framing).
    ///
    /// The same head as `writer.respond(status:headers:body:)` after setting `Content-Type`: the
    /// given fields in order, then `Content-Type` and `Content-Length` (replacing same-named fields
    /// in place). The common case (neither present) appends both without searching twice.
    static func json(_ writer: any HTTPResponseWriter, status: HTTPStatus = .ok, bytes body: [UInt8], headers: HTTPHeaders = [:], contentType: String = jsonContentType) throws {
        var hasFramingField = false
        for field in headers where field.name.caseInsensitiveEquals("Content-Type") || field.name.caseInsensitiveEquals("Content-Length") {
            hasFramingField = true
            break
        }
        if hasFramingField {
            var h = headers
            h["Content-Type"] = contentType
            return try writer.respond(status: status, headers: h, body: body)
        }
        let isHead = writer.requestHead.method == .head
        var h = headers
        h.reserveCapacity(h.count + 2)
        h.add(name: "Content-Type", value: contentType)
        if status.mayHaveBody && !isHead || !body.isEmpty {
            h.add(name: "Content-Length", value: String(body.count))
        }
        try writer.writeHead(HTTPResponseHead(version: .http1_1, status: status, headers: h))
        if !isHead, !body.isEmpty { try writer.writeBody(body) }
        try writer.finish()
    }

    /// Starts a streaming answer (chunked framing is added by the writer).
    static func startStream(_ writer: any HTTPResponseWriter, contentType: String, headers: HTTPHeaders = [:], noCache: Bool = true) throws {
        var h = headers
        h["Content-Type"] = contentType
        if noCache { h["Cache-Control"] = "no-cache" }
        try writer.writeHead(HTTPResponseHead(version: .http1_1, status: .ok, headers: h))
    }

    /// One SSE `data:` event.
    static func sseEvent(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        out.append(contentsOf: sseDataPrefix)
        value.write(to: &out)
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }

    static let sseDone: [UInt8] = Array("data: [DONE]\n\n".utf8)
    private static let sseDataPrefix: [UInt8] = Array("data: ".utf8)

    /// One NDJSON line.
    static func ndjsonLine(_ value: JSONValue) -> [UInt8] {
        var out = value.serializedBytes(reservingCapacity: 256)
        out.append(0x0A)
        return out
    }
}
