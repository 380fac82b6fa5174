/// Writes one HTTP response on a server connection.
///
/// A writer belongs to the connection thread that called the handler; it is not `Sendable`
/// and must not escape the handler. Every method that touches the socket throws
/// ``HTTPServerError`` when the peer has gone away, so a handler that streams stops generating
/// as soon as its client disconnects.
///
/// Framing is automatic: when ``writeHead(_:)`` is given neither `Content-Length` nor
/// `Transfer-Encoding` for a status that may carry a body, the writer adds
/// `Transfer-Encoding: chunked` (HTTP/1.1 clients) or marks the connection to close after the
/// body (HTTP/1.0 clients). ``writeRaw(_:)``, ``close()`` and ``reset()`` exist so that fault
/// injection can break every one of those rules on purpose.
public protocol HTTPResponseWriter: AnyObject {
    /// The head of the request being answered.
    var requestHead: HTTPRequestHead { get }

    /// Whether ``writeHead(_:)`` (or raw bytes) already went out.
    var isHeadWritten: Bool { get }

    /// Sends the status line and header fields, adding framing headers as described above.
    func writeHead(_ head: HTTPResponseHead) throws

    /// Sends one piece of the body and flushes it: one chunk in chunked mode, plain bytes otherwise.
    /// An empty array writes nothing (it never emits the chunked terminator).
    func writeBody(_ bytes: [UInt8]) throws

    /// Ends the body: the `0\r\n\r\n` terminator in chunked mode, nothing otherwise.
    /// After this the connection is reused or closed according to keep-alive rules.
    func finish() throws

    /// Writes bytes straight to the socket, bypassing all framing.
    func writeRaw(_ bytes: [UInt8]) throws

    /// Closes the connection cleanly (FIN) without completing the response.
    func close()

    /// Aborts the connection with a TCP reset (`SO_LINGER` 0, then `close`).
    func reset()

    /// Sleeps on the connection thread with sub-millisecond precision.
    ///
    /// - Throws: ``HTTPServerError`` with code `.serverStopping` if the server stops meanwhile.
    func pause(for duration: Duration) throws

    /// Blocks until the peer closes its side or `timeout` passes (nil waits until the server stops).
    ///
    /// - Returns: true if the peer closed the connection.
    func waitForPeerClose(timeout: Duration?) -> Bool
}

extension HTTPResponseWriter {
    /// Sends a complete response with a `Content-Length` body.
    public func respond(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) throws {
        var headers = headers
        if status.mayHaveBody && requestHead.method != .head || !body.isEmpty {
            headers["Content-Length"] = String(body.count)
        }
        try writeHead(HTTPResponseHead(version: .http1_1, status: status, headers: headers))
        if requestHead.method != .head, !body.isEmpty { try writeBody(body) }
        try finish()
    }

    /// Sends a complete response whose body is UTF-8 text.
    public func respond(status: HTTPStatus, headers: HTTPHeaders = [:], text: String) throws {
        try respond(status: status, headers: headers, body: Array(text.utf8))
    }

    /// Sends a complete response whose body is a JSON value, with `Content-Type: application/json`.
    public func respond(status: HTTPStatus, headers: HTTPHeaders = [:], json: JSONValue) throws {
        var headers = headers
        if !headers.contains("Content-Type") { headers["Content-Type"] = "application/json; charset=utf-8" }
        try respond(status: status, headers: headers, body: json.serializedBytes())
    }
}
