import HTTPWire
import Testing
import TestSupport
@testable import MockProviders

@Suite("Proxy: kept-alive upstream connections", .timeLimit(.minutes(1)))
struct ProxyKeepAliveTests {
    static let streamed = #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"hi"}]}"#
    static let notStreamed = #"{"model":"llama3.2:3b","stream":false,"messages":[{"role":"user","content":"hi"}]}"#

    /// The upstream mock's journal entries for `/api/chat` once it holds `count` of them (bounded wait).
    static func upstreamChats(_ upstream: MockProviderServer, count: Int) async throws -> [JournalEntry] {
        for _ in 0..<1000 {
            let chats = upstream.journal().filter { $0.path == "/api/chat" }
            if chats.count >= count { return chats }
            try await Task.sleep(for: .milliseconds(10))
        }
        return upstream.journal().filter { $0.path == "/api/chat" }
    }

    @Test func successiveRequestsShareOneUpstreamConnection() async throws {
        try await withMock(.ollama, configure: { $0.replyText = "one two three" }) { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                for body in [Self.notStreamed, Self.streamed, Self.notStreamed, Self.streamed] {
                    let t = try await proxied(proxy, "POST", "/api/chat", json: body)
                    let response = try RawHTTPResponse.parse(t.bytes)
                    #expect(response.status == 200)
                    #expect(try ndjsonLines(response.body).last?["done"] == true)
                }
                let chats = try await Self.upstreamChats(upstream, count: 4)
                #expect(chats.count == 4)
                #expect(Set(chats.map(\.connectionID)).count == 1)
                #expect(chats.map(\.indexOnConnection) == [1, 2, 3, 4])
                #expect(proxy.engine.upstreamPool.counts.reused == 3)
                let entries = try await proxyJournal(proxy, count: 4)
                #expect(entries.allSatisfy { $0.outcome.name == "completed" })
                #expect(entries.map { $0.hop?.upstreamConnectionReused } == [false, true, true, true])
                #expect(entries.last?.jsonValue["proxy"]?["upstream_reused"] == true)
            }
        }
    }

    @Test func aClientLeavingMidStreamNeverHandsItsUpstreamConnectionOn() async throws {
        let recorder = ProxyRecorder(provider: .ollama) { _, _ in }
        // An 8 s stream (400 words at 50 tokens/s): the client leaves long before its end even on a
        // loaded run. The requests around it are `GET /api/tags`, which the physics do not slow.
        let longReply = Array(repeating: "word", count: 400).joined(separator: " ")
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(tokensPerSecond: 50); $0.replyText = longReply }) { upstream in
            try await withProxy(upstream: upstream.baseURL, recorder: recorder) { proxy in
                // A complete exchange first, so a kept connection exists and is the one used next.
                let before = try await proxied(proxy, "GET", "/api/tags")
                #expect(try RawHTTPResponse.parse(before.bytes).status == 200)
                let connection = try await RawTestConnection.connect(port: proxy.port)
                try await connection.send(rawRequest("POST", "/api/chat", json: Self.streamed))
                _ = await connection.read(atLeast: 300)
                connection.close()
                let entries = try await proxyJournal(proxy, count: 2)
                #expect(entries.map(\.outcome.name) == ["completed", "client_closed"])
                let pool = proxy.engine.upstreamPool
                #expect(pool.counts.reused == 1)
                #expect(pool.counts.returned == 1)  // the first exchange's only
                #expect(pool.idleCount == 0)
                let after = try await proxied(proxy, "GET", "/api/tags")
                #expect(try RawHTTPResponse.parse(after.bytes).status == 200)
                var seen: [JournalEntry] = []
                for _ in 0..<1000 {
                    seen = upstream.journal().sorted { $0.id < $1.id }
                    if seen.count >= 3 { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(seen.map(\.path) == ["/api/tags", "/api/chat", "/api/tags"])
                if seen.count == 3 {
                    #expect(seen[0].connectionID == seen[1].connectionID)
                    #expect(seen[2].connectionID != seen[1].connectionID)
                }
            }
        }
        let exchanges = recorder.fixture.exchanges
        #expect(exchanges.map(\.isIncomplete) == [false, true, false])
    }

    @Test func aFaultThatCutsTheStreamDiscardsTheUpstreamConnection() async throws {
        try await withMock(.ollama, configure: { $0.replyText = "one two three four five six" }) { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                proxy.addFault(try FaultSpec.parse("close=after:2,times=1"))
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.streamed)
                let whole = try await proxied(proxy, "POST", "/api/chat", json: Self.streamed)
                #expect(try ndjsonLines(try RawHTTPResponse.parse(whole.bytes).body).last?["done"] == true)
                let entries = try await proxyJournal(proxy, count: 2)
                #expect(entries.first?.outcome.name != "completed")
                #expect(proxy.engine.upstreamPool.counts.reused == 0)
                let chats = try await Self.upstreamChats(upstream, count: 2)
                #expect(chats.count == 2 && chats[0].connectionID != chats[1].connectionID)
            }
        }
    }

    @Test func withoutKeepAliveEveryRequestOpensItsOwnUpstreamConnection() async throws {
        try await withMock(.ollama) { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: { $0.upstreamKeepAlive.maximumIdleConnections = 0 }) { proxy in
                for _ in 0..<3 { _ = try await proxied(proxy, "POST", "/api/chat", json: Self.notStreamed) }
                let chats = try await Self.upstreamChats(upstream, count: 3)
                #expect(Set(chats.map(\.connectionID)).count == 3)
                #expect(proxy.engine.upstreamPool.counts.reused == 0)
            }
        }
    }
}
