import HTTPWire
import Testing
import TestSupport

/// The serving-thread pool: a handler that blocks never holds up other connections, in both
/// modes (a thread always waiting, or one started only when a cooperative handler blocks).
@Suite("HTTPServer serving threads", .timeLimit(.minutes(1)))
struct HTTPServerThreadingTests {
    static let modes = [false, true]

    private static func configuration(cooperative: Bool, idleTimeout: Duration = .seconds(30)) -> HTTPServerConfiguration {
        HTTPServerConfiguration(idleTimeout: idleTimeout, shutdownGrace: .milliseconds(100), handlersBlockOnlyThroughWriter: cooperative)
    }

    @Test(arguments: modes)
    func blockedHandlersDoNotHoldUpOtherConnections(cooperative: Bool) async throws {
        let entered = LockedValue<Set<String>>([])
        let server = HTTPServer(configuration: Self.configuration(cooperative: cooperative)) { request, writer in
            entered.withLock { _ = $0.insert(request.path) }
            switch request.path {
            case "/wait":  // until the client leaves
                try writer.writeHead(HTTPResponseHead(status: .ok))
                try writer.writeBody(Array("waiting\n".utf8))
                _ = writer.waitForPeerClose(timeout: nil)
            case "/pause":  // far longer than the test
                try writer.writeHead(HTTPResponseHead(status: .ok))
                try writer.writeBody(Array("pausing\n".utf8))
                try writer.pause(for: .seconds(120))
            case "/big":  // more than the socket buffers hold, to a client that never reads
                try writer.respond(status: .ok, body: [UInt8](repeating: 0x61, count: 32 << 20))
            default:
                try writer.respond(status: .ok, text: "quick \(request.indexOnConnection)")
            }
        }
        let port = try server.start()
        var blocked: [RawTestConnection] = []
        for path in ["/wait", "/pause", "/big"] {
            let connection = try await RawTestConnection.connect(port: port)
            try await connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            blocked.append(connection)
            #expect(await eventually { entered.withLock { $0.contains(path) } }, "\(path) never reached the handler")
        }
        // A partial request holds its thread until the rest arrives.
        let partial = try await RawTestConnection.connect(port: port)
        try await partial.send("GET /partial HTTP/1.1\r\nHo")

        let quick = try await RawTestConnection.connect(port: port)
        for index in 1...3 {
            try await quick.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = await quick.readResponse()
            #expect(response.text.hasPrefix("HTTP/1.1 200 OK"), "\(response.text)")
            #expect(response.text.hasSuffix("quick \(index)"))
        }
        try await partial.send("st: x\r\n\r\n")
        let completed = await partial.readResponse()
        #expect(completed.text.hasSuffix("quick 1"), "\(completed.text)")

        for connection in blocked { connection.close() }
        partial.close()
        quick.close()
        await server.shutdown(grace: .milliseconds(100))
        #expect(server.connectionCount == 0)
        #expect(server.servingThreadCount == 0)
    }

    @Test(arguments: modes)
    func parkedConnectionsCloseAfterTheIdleTimeout(cooperative: Bool) async throws {
        try await withHTTPServer(
            // Long enough for the request to arrive under a loaded test run (the connection counts
            // as idle from its accept), short enough to wait for.
            // (3 s was once too short on two loaded cores.)
            configuration: Self.configuration(cooperative: cooperative, idleTimeout: .seconds(8)),
            handler: { _, writer in try writer.respond(status: .ok, text: "ok") }
        ) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            defer { connection.close() }
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await connection.readResponse().text.hasSuffix("ok"))
            // The server, not the client, ends the idle connection: a clean end of file.
            let rest = await connection.readUntilClose(idleTimeout: .seconds(20))
            #expect(rest.ending == .eof)
            #expect(rest.bytes.isEmpty)
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test func quickCooperativeRequestsNeedNoExtraThreads() async throws {
        try await withHTTPServer(
            configuration: Self.configuration(cooperative: true),
            handler: { request, writer in try writer.respond(status: .ok, text: "\(request.indexOnConnection)") }
        ) { server in
            try await Self.quickRequests(port: server.port)
            // Nothing blocked, so the first serving thread served everything (a request split
            // across reads may add one).
            #expect(server.servingThreadCount <= 2, "\(server.servingThreadCount) serving threads")
        }
    }

    private static func quickRequests(port: UInt16) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let connection = try await RawTestConnection.connect(port: port)
                    defer { connection.close() }
                    for index in 1...25 {
                        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                        let response = await connection.readResponse()
                        #expect(response.text.hasSuffix("\r\n\r\n\(index)"), "\(response.text)")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
