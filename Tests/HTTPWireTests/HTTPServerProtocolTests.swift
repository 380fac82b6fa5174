import HTTPWire
import Testing
import TestSupport

@Suite("HTTPServer protocol", .timeLimit(.minutes(1)))
struct HTTPServerProtocolTests {
    static let echo: HTTPHandler = { request, writer in
        if request.path == "/slow" { try writer.pause(for: .milliseconds(30)) }
        try writer.respond(
            status: .ok, headers: ["Content-Type": "text/plain"],
            text: "\(request.method) \(request.head.target) #\(request.indexOnConnection) body=\(String(decoding: request.body, as: UTF8.self))")
    }

    // MARK: - Keep-alive and pipelining

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send(
                "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            let responses = try RawHTTPResponse.parseAll(transcript.bytes)
            #expect(responses.map(\.text) == ["GET /slow #1 body=", "POST /2 #2 body=hi", "GET /3 #3 body="])
        }
    }

    struct KeepAliveCase: Sendable, CustomTestStringConvertible {
        var request: String
        var staysOpen: Bool
        var connectionHeader: String?
        var testDescription: String { request.split(separator: "\r\n").joined(separator: " | ") }
    }

    @Test(arguments: [
        KeepAliveCase(request: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", staysOpen: true, connectionHeader: nil),
        KeepAliveCase(request: "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", staysOpen: false, connectionHeader: "close"),
        KeepAliveCase(request: "GET / HTTP/1.0\r\n\r\n", staysOpen: false, connectionHeader: "close"),
        KeepAliveCase(request: "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", staysOpen: true, connectionHeader: "keep-alive"),
    ])
    func keepAliveFollowsVersionAndConnectionHeader(_ testCase: KeepAliveCase) async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send(testCase.request)
            let first = await connection.readResponse()
            let response = try RawHTTPResponse.parse(first.bytes)
            #expect(response.status == 200)
            #expect(response.headers["Connection"] == testCase.connectionHeader)
            let after = await connection.readUntilClose(idleTimeout: .milliseconds(300))
            #expect(after.ending == (testCase.staysOpen ? .timeout : .eof))
            #expect(after.bytes.isEmpty)
        }
    }

    @Test func chunkedRequestBodyArrivingInPieces() async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            let pieces = [
                "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-", "Encoding: chunked\r\n\r\n3;ext\r\nabc", "\r\n2\r\nde\r", "\n0\r\nT: 1\r\n\r\n",
            ].map { Array($0.utf8) }
            try await connection.send(pieces: pieces, pause: .milliseconds(10))
            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
            #expect(response.text == "POST /c #1 body=abcde")
        }
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("PUT /u HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = await connection.read(atLeast: 25)
            #expect(interim.text == "HTTP/1.1 100 Continue\r\n\r\n")
            try await connection.send("data")
            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
            #expect(response.text == "PUT /u #1 body=data")
        }
    }

    // MARK: - Errors and limits

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var request: String
        var status: Int
        var testDescription: String { name }
    }

    static let limitConfiguration = HTTPServerConfiguration(
        requestReadTimeout: .seconds(2),
        limits: .init(maximumRequestLineLength: 100, maximumHeaderBytes: 300, maximumHeaderCount: 8, maximumBodyBytes: 64))

    @Test(arguments: [
        ErrorCase(name: "URI too long", request: "GET /" + String(repeating: "u", count: 200) + " HTTP/1.1\r\n\r\n", status: 414),
        ErrorCase(
            name: "too many headers", request: "GET / HTTP/1.1\r\n" + (1...9).map { "H\($0): v\r\n" }.joined() + "\r\n",
            status: 431),
        ErrorCase(
            name: "header block too large", request: "GET / HTTP/1.1\r\nX: " + String(repeating: "h", count: 400) + "\r\n\r\n",
            status: 431),
        ErrorCase(name: "Content-Length too large", request: "POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n", status: 413),
        ErrorCase(
            name: "chunked body too large",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n" + String(repeating: "b", count: 65) + "\r\n0\r\n\r\n",
            status: 413),
        ErrorCase(name: "garbage request line", request: "HELLO\r\n\r\n", status: 400),
        // 400 at once, not 408 after the read timeout: a TLS client never sends a line end.
        ErrorCase(name: "TLS handshake to a plain-HTTP port", request: "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{7c}\u{03}\u{03}", status: 400),
        ErrorCase(name: "obs-fold", request: "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", status: 400),
        ErrorCase(name: "bad Content-Length", request: "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", status: 400),
        ErrorCase(name: "HTTP/3.0", request: "GET / HTTP/3.0\r\n\r\n", status: 505),
        ErrorCase(name: "gzip transfer coding", request: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501),
        ErrorCase(name: "incomplete head (slow loris)", request: "GET / HTTP/1.1\r\nHost: x\r\n", status: 408),
        ErrorCase(name: "body never arrives", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc", status: 408),
    ])
    func protocolErrorsGetStatusCloseAndText(_ testCase: ErrorCase) async throws {
        try await withHTTPServer(configuration: Self.limitConfiguration, handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send(testCase.request)
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            let response = try RawHTTPResponse.parse(transcript.bytes)
            #expect(response.status == testCase.status)
            #expect(response.headers["Connection"] == "close")
            #expect(!response.text.isEmpty)
        }
    }

    @Test func idleConnectionIsClosedSilently() async throws {
        let configuration = HTTPServerConfiguration(idleTimeout: .milliseconds(150))
        try await withHTTPServer(configuration: configuration, handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = await connection.readResponse()
            let after = await connection.readUntilClose(idleTimeout: .seconds(5))
            #expect(after.ending == .eof)
            #expect(after.bytes.isEmpty)
        }
    }

    @Test(arguments: 1...12)
    func randomBytesNeverHangTheServer(seed: UInt64) async throws {
        let configuration = HTTPServerConfiguration(requestReadTimeout: .milliseconds(400))
        try await withHTTPServer(configuration: configuration, handler: Self.echo) { server in
            var generator = SplitMix64(seed: seed)
            let alphabet = Array("GET POST / HTTP/1.1\r\n:abcContent-Length: 5Transfer-Encoding: chunked\r\n0123456789\u{0}\u{7f} \t".utf8)
            let count = Int(generator.next() % 300) + 1
            var bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            bytes += Array("\r\n\r\n".utf8)
            let connection = try await RawTestConnection.connect(port: server.port)
            try? await connection.send(bytes)
            let transcript = await connection.readUntilClose(idleTimeout: .seconds(5))
            #expect(transcript.ending != .timeout, "seed \(seed) hung: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            // The server is still healthy afterwards.
            let check = try await RawTestConnection.connect(port: server.port)
            try await check.send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(try RawHTTPResponse.parse(await check.readUntilClose().bytes).status == 200)
        }
    }

    // MARK: - Handler outcomes

    @Test func handlerThatDoesNotRespondGets500() async throws {
        try await withHTTPServer(handler: { _, _ in }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
            #expect(response.status == 500)
        }
    }

    struct Boom: Error {}

    @Test func throwingHandlerGets500WithText() async throws {
        try await withHTTPServer(handler: { _, _ in throw Boom() }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
            #expect(response.status == 500)
            #expect(response.text.contains("Boom"))
        }
    }

    @Test func unfinishedChunkedBodyIsFinishedByTheServer() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("part".utf8))
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
            #expect(response.isChunked)
            #expect(response.chunkSizes == [4])
            #expect(response.text == "part")
        }
    }

    @Test func http10ResponseWithoutLengthIsCloseDelimited() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("a".utf8))
            try writer.writeBody(Array("b".utf8))
            try writer.finish()
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.0\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            let response = try RawHTTPResponse.parse(transcript.bytes)
            #expect(response.isCloseDelimited)
            #expect(response.text == "ab")
        }
    }

    @Test func headRequestGetsNoBody() async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let transcript = await connection.readUntilClose()
            let responses = try RawHTTPResponse.parseAll(transcript.bytes, headRequests: [0])
            #expect(responses.count == 2)
            #expect(responses.first?.headers["Content-Length"] == "16")
            #expect(responses.first?.body.isEmpty == true)
            #expect(responses.last?.text == "GET /g #2 body=")
        }
    }

    @Test func shortContentLengthBodyClosesTheConnection() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": "10"]))
            try writer.writeBody(Array("abc".utf8))
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            #expect(throws: RawHTTPResponse.ParseError.self) { try RawHTTPResponse.parse(transcript.bytes) }
        }
    }
}

/// A tiny deterministic generator for fuzz-style tests.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
