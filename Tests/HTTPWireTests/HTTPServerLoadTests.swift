import HTTPWire
import Testing
import TestSupport

@Suite("HTTPServer under load", .timeLimit(.minutes(1)))
struct HTTPServerLoadTests {
    @Test func largeBodiesBothWaysSurvivePartialReadsAndWrites() async throws {
        let size = 1024 * 1024 + 17
        let pattern = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try await withHTTPServer(handler: { request, writer in
            // Echo the body back reversed, in uneven pieces.
            let reversed = Array(request.body.reversed())
            try writer.writeHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": String(reversed.count)]))
            var offset = 0
            var step = 1
            while offset < reversed.count {
                let end = min(reversed.count, offset + step)
                try writer.writeBody(Array(reversed[offset..<end]))
                offset = end
                step = step * 3 + 1
            }
            try writer.finish()
        }) { server in
            let request = try #require(HTTPClientRequest(url: server.baseURL + "/echo", method: .post, body: pattern))
            let response = try await RawHTTPClient().send(request)
            #expect(response.status.code == 200)
            #expect(response.body.count == size)
            #expect(response.body == Array(pattern.reversed()))
        }
    }

    @Test func manyConcurrentKeepAliveClients() async throws {
        try await withHTTPServer(handler: { request, writer in
            try writer.respond(status: .ok, text: "\(request.connectionID):\(request.indexOnConnection):\(request.path)")
        }) { server in
            let port = server.port
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for client in 0..<40 {
                    group.addTask {
                        let connection = try await RawTestConnection.connect(port: port)
                        var ok = 0
                        var connectionID: String?
                        for index in 1...15 {
                            try await connection.send("GET /c\(client)/r\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
                            let parts = response.text.split(separator: ":")
                            guard parts.count == 3 else { continue }
                            if connectionID == nil { connectionID = String(parts[0]) }
                            if String(parts[0]) == connectionID && parts[1] == "\(index)" && parts[2] == "/c\(client)/r\(index)" { ok += 1 }
                        }
                        return ok
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.count == 40)
            #expect(results.allSatisfy { $0 == 15 })
        }
    }
}
