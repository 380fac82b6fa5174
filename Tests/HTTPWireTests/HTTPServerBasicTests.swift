import HTTPWire
import Testing
import TestSupport

@Suite("HTTPServer basics", .timeLimit(.minutes(1)))
struct HTTPServerBasicTests {
    static let echo: HTTPHandler = { request, writer in
        try writer.respond(
            status: .ok, headers: ["Content-Type": "text/plain"],
            text: "\(request.method) \(request.head.target) #\(request.indexOnConnection) body=\(request.body.count)")
    }

    @Test func answersAndReportsPort() async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            #expect(server.port != 0)
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            let response = try RawHTTPResponse.parse(transcript.bytes)
            #expect(response.status == 200)
            #expect(response.text == "GET /hello #1 body=0")
            #expect(response.headers["Connection"] == "close")
        }
    }

    @Test func keepAliveServesSeveralRequests() async throws {
        try await withHTTPServer(handler: Self.echo) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            for index in 1...3 {
                try await connection.send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
                let transcript = await connection.readResponse()
                let response = try RawHTTPResponse.parse(transcript.bytes)
                #expect(response.text == "POST /p #\(index) body=3")
            }
        }
    }
}
