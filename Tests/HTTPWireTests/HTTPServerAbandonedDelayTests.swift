import HTTPWire
import TestSupport
import Testing

/// Every pause ends when the client leaves: clients that give up on a long delay must not hold
/// serving threads or descriptors (a bounded version of 300 clients leaving a 1000 s delay).
@Suite("Pauses watch the client", .timeLimit(.minutes(1)))
struct HTTPServerAbandonedDelayTests {
    @Test func abandonedLongPausesReleaseThreadsAndConnections() async throws {
        let clients = 30
        try await withHTTPServer(
            configuration: HTTPServerConfiguration(handlersBlockOnlyThroughWriter: true),
            handler: { _, writer in
                try writer.pause(for: .seconds(1000))
                try writer.respond(status: .ok, text: "late")
            }
        ) { server in
            let baselineThreads = server.servingThreadCount
            var connections: [RawTestConnection] = []
            for _ in 0..<clients {
                let connection = try await RawTestConnection.connect(port: server.port)
                try await connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                connections.append(connection)
            }
            #expect(await eventually(timeout: .seconds(10)) { server.servingThreadCount >= clients })
            try await Task.sleep(for: .milliseconds(200))
            for connection in connections { connection.close() }
            // The pauses end at once: every connection closes, every descriptor is released.
            #expect(await eventually(timeout: .seconds(5)) { server.connectionCount == 0 })
            #expect(await eventually(timeout: .seconds(5)) { ProcessResources.openSocketCount(port: server.port) <= 1 })
            // Threads left idle retire (after their idle lifetime) down to the baseline.
            #expect(await eventually(timeout: .seconds(20)) { server.servingThreadCount <= max(baselineThreads, 2) })
        }
    }
}
