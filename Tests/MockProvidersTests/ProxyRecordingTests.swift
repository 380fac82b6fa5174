import Foundation
import HTTPWire
import Testing
import TestSupport
@testable import MockProviders

@Suite("Proxy --record", .timeLimit(.minutes(1)))
struct ProxyRecordingTests {
    static let streamed = #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"hi"}]}"#
    static let notStreamed = #"{"model":"llama3.2:3b","stream":false,"messages":[{"role":"user","content":"hi"}]}"#

    @Test func matcherKeepsWhetherTheRequestStreamedSoReplayAnswersEachWithItsOwn() async throws {
        let recorder = ProxyRecorder(provider: .ollama) { _, _ in }
        try await withMock(.ollama, configure: { $0.replyText = "one two three" }) { upstream in
            try await withProxy(upstream: upstream.baseURL, recorder: recorder) { proxy in
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.notStreamed, headers: [("Authorization", "Bearer sk-live-secret-12345")])
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.streamed)
                _ = try await proxyJournal(proxy, count: 2)
            }
        }
        let fixture = recorder.fixture
        #expect(fixture.exchanges.map(\.request.streams) == [false, true])
        #expect(fixture.exchanges.allSatisfy { !$0.isIncomplete })
        let text = fixture.jsonValue.prettySerialized()
        #expect(!text.contains("sk-live-secret"))
        let reloaded = try FixtureLoader.parse(Array(text.utf8), file: "recorded.json")
        #expect(reloaded.exchanges.map(\.request.streams) == [false, true])
        // Replayed in the opposite order: each request gets the recording of its own kind.
        try await withMock(.ollama, configure: { $0.fixtures = [reloaded]; $0.replaySpeed = 0 }) { replay in
            let s = try await response(replay, "POST", "/api/chat", json: Self.streamed)
            #expect(try ndjsonLines(s.body).count > 1)
            let n = try await response(replay, "POST", "/api/chat", json: Self.notStreamed)
            #expect(try ndjsonLines(n.body).count == 1)
        }
    }

    @Test func aClientLeavingMidStreamStillLeavesAnIncompleteExchange() async throws {
        let recorder = ProxyRecorder(provider: .ollama) { _, _ in }
        // 400 words at 50 tokens/s is an 8 s stream: the client leaves long before it ends even when a
        // parallel test run on two cores delays its read by seconds (a 1.75 s stream once finished first).
        let longReply = Array(repeating: "word", count: 400).joined(separator: " ")
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(tokensPerSecond: 50); $0.replyText = longReply }) { upstream in
            try await withProxy(upstream: upstream.baseURL, recorder: recorder) { proxy in
                let connection = try await RawTestConnection.connect(port: proxy.port)
                try await connection.send(rawRequest("POST", "/api/chat", json: Self.streamed))
                _ = await connection.read(atLeast: 300)
                connection.close()
                let entries = try await proxyJournal(proxy, count: 1)
                #expect(entries.first?.outcome.name == "client_closed")
            }
        }
        let exchange = try #require(recorder.fixture.exchanges.first)
        #expect(exchange.isIncomplete)
        #expect(!exchange.response.chunks.isEmpty)
        #expect(exchange.jsonValue["incomplete"] == true)
    }

    /// An upstream that echoes the key split across two chunks (two writes 300 ms apart): the
    /// recording masks it although neither chunk holds the whole key.
    @Test func aSecretSplitAcrossChunksIsMaskedInTheRecording() async throws {
        let secret = "sk-planted-secret-7777XYZW"
        let upstream = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            let first = #"{"echo":"sk-planted-sec"#, second = #"ret-7777XYZW"}"#
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            try socket.writeAll(Array((head + String(first.utf8.count, radix: 16) + "\r\n" + first + "\r\n").utf8))
            Thread.sleep(forTimeInterval: 0.3)
            try socket.writeAll(Array((String(second.utf8.count, radix: 16) + "\r\n" + second + "\r\n0\r\n\r\n").utf8))
        }
        defer { upstream.stop() }
        let recorder = ProxyRecorder(provider: .openai) { _, _ in }
        try await withProxy(upstream: upstream.baseURL, recorder: recorder) { proxy in
            let answer = try await proxied(proxy, "POST", "/v1/chat/completions", json: #"{"model":"m","stream":false}"#, headers: [("Authorization", "Bearer \(secret)")])
            let raw = String(decoding: answer.bytes, as: UTF8.self)
            #expect(raw.contains("sk-planted-sec") && raw.contains("ret-7777XYZW"), "the client still gets the upstream's bytes: \(raw)")
            _ = try await proxyJournal(proxy, count: 1)
        }
        let exchange = try #require(recorder.fixture.exchanges.first)
        #expect(exchange.response.chunks.count >= 2, "the upstream's two writes are two recorded chunks: \(exchange.response.chunks.count)")
        let text = recorder.fixture.jsonValue.serialized()
        #expect(!text.contains("planted-sec") && !text.contains("ret-7777XYZW"), "\(text)")
        #expect(String(decoding: exchange.response.chunks.flatMap(\.bytes), as: UTF8.self) == #"{"echo":"…XYZW"}"#)
    }
}
