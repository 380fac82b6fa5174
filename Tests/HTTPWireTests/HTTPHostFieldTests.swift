import HTTPWire
import TestSupport
import Testing

/// RFC 9112 §3.2: exactly one valid `Host` in an HTTP/1.1 request, at most one in any request.
@Suite("Host header field", .timeLimit(.minutes(1)))
struct HTTPHostFieldTests {
    static let refused = [
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHost: evil.example\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a,b\r\n\r\n",
    ]
    static let accepted = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: 127.0.0.1:11434\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "GET / HTTP/1.0\r\n\r\n",
    ]

    @Test(arguments: refused)
    func missingDuplicatedOrInvalidHostIsABadRequest(_ text: String) {
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        let error = #expect(throws: HTTPRequestParseError.self) { try parser.nextRequest() }
        #expect(error?.code == .badRequest)
        #expect(error?.reason.contains("Host") == true)
    }

    @Test(arguments: accepted)
    func oneValidHostIsAccepted(_ text: String) throws {
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        #expect(try parser.nextRequest() != nil)
    }

    @Test func theServerAnswers400ForADuplicateHost() async throws {
        try await withHTTPServer(handler: { _, writer in try writer.respond(status: .ok, text: "ok") }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            defer { connection.close() }
            try await connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHost: evil.example\r\n\r\n")
            let response = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
            #expect(response.status == 400)
        }
    }
}
