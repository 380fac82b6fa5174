import Foundation
import HTTPWire
import LoadTesting
import MockProviders
import ProviderClient
import TestSupport
import Testing

@Suite("Keep-alive transport", .timeLimit(.minutes(1))) struct KeepAliveTransportTests {
    func client(port: UInt16, transport: KeepAliveTransport) throws -> ProviderClient {
        try loadClient(
            port: port, kind: .openaiCompatible, transport: transport,
            timeouts: ProviderTimeouts(connect: .seconds(2), headers: .seconds(10), idle: .seconds(10)))
    }

    @Test func requestsReuseTheirConnections() async throws {
        try await withMockProviderServer(MockConfiguration(provider: .openai)) { server in
            let client = try client(port: server.port, transport: KeepAliveTransport())
            for stream in [true, false, true, true] {
                let request = ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 3)
                if stream {
                    var completed = false
                    for try await event in client.streamChat(request) { if case .completed = event { completed = true } }
                    #expect(completed)
                } else {
                    _ = try await client.chat(request)
                }
            }
            let entries = server.journal().filter { $0.path == "/v1/chat/completions" }
            #expect(entries.count == 4)
            #expect(Set(entries.map(\.connectionID)).count == 1, "one connection for four sequential requests")
            #expect(entries.map(\.indexOnConnection) == [1, 2, 3, 4])
        }
    }

    @Test func aConnectionTheServerClosedIsReplacedOnce() async throws {
        let served = LockedValue(0)
        // Answers one request per connection, then closes it without saying so (no Connection: close).
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"#
            // Counted before the answer goes out, so the client cannot finish before the count does.
            served.withLock { $0 += 1 }
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
            socket.close()
        }
        defer { server.stop() }
        let client = try client(port: server.port, transport: KeepAliveTransport())
        for _ in 0..<3 {
            let result = try await client.chat(ChatRequest(model: "m", messages: [.user("hi")]))
            #expect(result.content == "ok")
        }
        #expect(served.current == 3)
    }

    @Test func cancellingAStreamClosesItsConnection() async throws {
        let sawClose = LockedValue(false)
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            // Never sends a token: waits for the client to leave.
            let rest = try? socket.readSome(max: 1024, timeout: .seconds(20))
            sawClose.withLock { $0 = rest?.isEmpty ?? true }
        }
        defer { server.stop() }
        let client = try client(port: server.port, transport: KeepAliveTransport())
        let started = LockedValue(false)
        let task = Task {
            for try await event in client.streamChat(ChatRequest(model: "m", messages: [.user("hi")])) {
                if case .started = event { started.withLock { $0 = true } }
            }
        }
        for _ in 0..<500 where !started.current { try await Task.sleep(for: .milliseconds(10)) }
        #expect(started.current)
        task.cancel()
        _ = await task.result
        for _ in 0..<500 where !sawClose.current { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sawClose.current, "the server saw the connection close")
    }
}
