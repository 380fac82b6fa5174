import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

@Suite("Fixtures, journal and control endpoint", .timeLimit(.minutes(1)))
struct FixtureAndJournalTests {
    @Test func validatorNamesFileAndFieldPath() throws {
        let text = """
            {"provider":"ollama","exchanges":[
              {"request":{"method":"POST","path":"/api/chat"},"response":{"status":200,"colour":"red","chunks":[
                {"offset_ms":0,"text":"a"},{"offset_ms":-1,"text":"b"},{"offset_ms":5,"text":"c","base64":"Yw=="}]}},
              {"request":{"path":"api/tags"},"response":{"status":700,"headers":{"Content-Length":"9"},"chunks":[{"offset_ms":1,"base64":"!!"}]}}
            ]}
            """
        let error = #expect(throws: FixtureError.self) { try FixtureLoader.parse(Array(text.utf8), file: "MockServers/ollama/chat.json") }
        let lines = error?.problems.map(\.description) ?? []
        #expect(lines.contains("MockServers/ollama/chat.json: exchanges[0].response.colour: unknown key (allowed: status, reason, headers, chunks)"))
        #expect(lines.contains("MockServers/ollama/chat.json: exchanges[0].response.chunks[1].offset_ms: must be a non-negative number"))
        #expect(lines.contains("MockServers/ollama/chat.json: exchanges[0].response.chunks[2]: give either text or base64, not both"))
        #expect(lines.contains("MockServers/ollama/chat.json: exchanges[1].request.path: must be a string starting with /, got \"api/tags\""))
        #expect(lines.contains { $0.hasPrefix("MockServers/ollama/chat.json: exchanges[1].response.status:") })
        #expect(lines.contains("MockServers/ollama/chat.json: exchanges[1].response.chunks[0].base64: must be a valid base64 string"))
        let syntax = #expect(throws: FixtureError.self) { try FixtureLoader.parse(Array("{\n  \"exchanges\": [,]\n}".utf8), file: "x.json") }
        #expect(syntax?.problems.first?.description.hasPrefix("x.json: line 2, column") == true)
        let unknownTop = #expect(throws: FixtureError.self) { try FixtureLoader.parse(Array(#"{"exchanges":[],"extra":1}"#.utf8), file: "y.json") }
        #expect(unknownTop?.problems.first?.description == "y.json: extra: unknown key (allowed: provider, description, exchanges)")
    }

    @Test func shippedFixturesAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MockServers").path
        var count = 0
        for provider in MockProviderKind.allCases {
            let fixtures = try FixtureLoader.loadFixtures(directory: root, provider: provider)
            #expect(!fixtures.isEmpty, "\(provider)")
            count += fixtures.reduce(0) { $0 + $1.exchanges.count }
        }
        #expect(count >= 12)
    }

    @Test func replayIsByteExactWithOneHTTPChunkPerRecordedChunk() async throws {
        let binary: [UInt8] = [0x00, 0xFF, 0x10, 0x0A, 0xC3]
        let chunks = [
            FixtureChunk(offsetMilliseconds: 0, text: "{\"model\":\"x\",\"done\":false}\n"),
            FixtureChunk(offsetMilliseconds: 5, bytes: binary),
            FixtureChunk(offsetMilliseconds: 10, text: "tail\r\n"),
        ]
        let fixture = Fixture(file: "mem", exchanges: [FixtureExchange(
            name: "binary",
            request: FixtureRequestMatcher(method: "POST", path: "/api/chat", body: ["model": "x", "stream": true]),
            response: FixtureResponse(status: 200, headers: ["Content-Type": "application/x-ndjson", "X-Recorded": "yes"], chunks: chunks))])
        try await withMock(.ollama, configure: { $0.fixtures = [fixture]; $0.replaySpeed = 0 }) { server in
            let r = try await response(server, "POST", "/api/chat", json: #"{"model":"x","stream":true,"messages":[]}"#)
            #expect(r.status == 200)
            #expect(r.headers["X-Recorded"] == "yes")
            #expect(r.body == chunks.flatMap(\.bytes))
            #expect(r.chunkSizes.filter { $0 > 0 } == chunks.map(\.bytes.count))
            // Not matching the body subset: the personality answers instead.
            let other = try await response(server, "POST", "/api/chat", json: #"{"model":"x","stream":false,"messages":[]}"#)
            #expect(other.status == 404)
            #expect(server.journal().first?.fixture == "binary")
        }
    }

    @Test func replayKeepsRecordedTimingScaledBySpeed() async throws {
        let fixture = Fixture(exchanges: [FixtureExchange(
            request: FixtureRequestMatcher(path: "/timed"),
            response: FixtureResponse(status: 200, headers: ["Content-Type": "text/plain"], chunks: [
                FixtureChunk(offsetMilliseconds: 0, text: "a"), FixtureChunk(offsetMilliseconds: 600, text: "b"),
            ]))])
        try await withMock(.openai, configure: { $0.fixtures = [fixture]; $0.replaySpeed = 2 }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            let sent = MonotonicClock.now()
            try await connection.send(rawRequest("GET", "/timed"))
            let t = await connection.readUntilClose()
            // Lower bound from the send time: reads may be late, never early.
            let b = try #require(t.reads.first { String(decoding: $0.bytes, as: UTF8.self).contains("\r\nb\r\n") })
            #expect(b.at - sent >= 290_000_000)
            #expect(LenientResponse(t.bytes).text == "ab")
        }
    }

    @Test func journalMasksSecretsAndRecordsEarlyClose() async throws {
        // Slow enough (2 tokens/s) that the stream is still running when the client leaves, even when
        // this test is scheduled late on a loaded machine.
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(tokensPerSecond: 2) }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send(rawRequest("POST", "/api/chat", json: FaultInjectionTests.ollamaChat, headers: [("Authorization", "Bearer sk-secret-key-123456789")]))
            _ = await connection.read(atLeast: 300)
            connection.close()
            #expect(await eventually(timeout: .seconds(10)) { !server.journal().isEmpty })
            let entry = try #require(server.journal().first)
            #expect(entry.header("Authorization") == "Bearer …6789")
            #expect(entry.model == "llama3.2:3b")
            #expect(entry.method == "POST")
            #expect(entry.path == "/api/chat")
            guard case .clientClosed(let n) = entry.outcome else {
                Issue.record("expected client_closed, got \(entry.outcome)")
                return
            }
            #expect(n >= 1)
            #expect(!entry.jsonValue.serialized().contains("sk-secret-key-123456789"))
        }
    }

    @Test func controlEndpointManagesFaultsAndJournal() async throws {
        try await withMock(.openai) { server in
            let token = controlHeaders(server)
            let (added, addedBody) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: #"{"status":503,"times":1}"#, headers: token)
            #expect(added.status == 201)
            #expect(addedBody["ids"]?.arrayValue?.count == 1)
            let (bad, badBody) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: #"{"status":503,"tims":1}"#, headers: token)
            #expect(bad.status == 400)
            #expect(badBody["error"]?.stringValue?.contains("$.tims") == true)
            let first = try await response(server, "GET", "/v1/models")
            let second = try await response(server, "GET", "/v1/models")
            #expect(first.status == 503)
            #expect(second.status == 200)
            let (_, faults) = try await jsonResponse(server, "GET", "/__llmcheck/faults")
            #expect(faults["faults"]?[0]?["applied"]?.intValue == 1)
            let (_, journal) = try await jsonResponse(server, "GET", "/__llmcheck/journal")
            let statuses = journal["entries"]?.arrayValue?.compactMap { $0["status"]?.intValue }
            #expect(statuses == [503, 200])
            #expect(journal["entries"]?[0]?["faults"]?[0]?.stringValue == "status=503,times=1")
            let (_, health) = try await jsonResponse(server, "GET", "/__llmcheck/health")
            #expect(health["status"]?.stringValue == "ok")
            let (_, _) = try await jsonResponse(server, "POST", "/__llmcheck/reset", headers: token + jsonContentType)
            #expect(server.journal().isEmpty)
            #expect(server.faults.isEmpty)
            let text = try await response(server, "POST", "/__llmcheck/faults", json: nil, headers: token + jsonContentType)
            #expect(text.status == 400)
        }
    }
}

@Suite("Recording proxy", .timeLimit(.minutes(1)))
struct RecordingProxyTests {
    @Test func recordsWhatItForwardsWithoutSecretsAndReplaysIt() async throws {
        try await withMock(.ollama) { upstream in
            let box = FixtureBox()
            let made = RecordingProxy(upstream: upstream.baseURL, provider: .ollama, onChange: { box.set($0) })
            let proxy = try #require(made)
            try proxy.start()
            let direct = try await response(upstream, "POST", "/api/chat", json: FaultInjectionTests.ollamaChat)
            let connection = try await RawTestConnection.connect(port: proxy.port)
            try await connection.send(rawRequest("POST", "/api/chat", json: FaultInjectionTests.ollamaChat, headers: [("Authorization", "Bearer sk-proxy-secret-99999")]))
            let viaProxy = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
            await proxy.shutdown(grace: .zero)
            #expect(viaProxy.status == 200)
            #expect(viaProxy.headers["Content-Type"] == "application/x-ndjson")
            // Same seed, same prompt: the body differs only in timestamps and durations.
            #expect((try ndjsonLines(viaProxy.body)).count == (try ndjsonLines(direct.body)).count)
            let fixture = try #require(box.value)
            #expect(fixture.exchanges.count == 1)
            let exchange = try #require(fixture.exchanges.first)
            #expect(exchange.request.method == "POST")
            #expect(exchange.request.path == "/api/chat")
            #expect(exchange.request.body == ["model": "llama3.2:3b"])
            #expect(exchange.request.streams == true)  // Ollama streams when `stream` is absent
            #expect(exchange.response.chunks.flatMap(\.bytes) == viaProxy.body)
            let text = fixture.jsonValue.prettySerialized()
            #expect(!text.contains("sk-proxy-secret"))
            // The written fixture validates and replays byte-exact.
            let reloaded = try FixtureLoader.parse(Array(text.utf8), file: "recorded.json")
            try await withMock(.ollama, configure: { $0.fixtures = [reloaded]; $0.replaySpeed = 0 }) { replay in
                let again = try await response(replay, "POST", "/api/chat", json: FaultInjectionTests.ollamaChat)
                #expect(again.body == viaProxy.body)
            }
        }
    }

    @Test func rejectsNonHTTPUpstream() {
        #expect(RecordingProxy(upstream: "https://api.openai.com") == nil)
    }
}

/// Holds the last fixture a proxy reported.
final class FixtureBox: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var fixture: Fixture?
    func set(_ f: Fixture) { lock.withLock { fixture = f } }
    var value: Fixture? { lock.withLock { fixture } }
}

@Suite("Journal by test id", .timeLimit(.minutes(1)))
struct JournalTestIDTests {
    @Test func journalFiltersByXTestId() async throws {
        try await withMock(.ollama) { server in
            _ = try await response(server, "GET", "/api/tags", headers: [("X-Test-Id", "alpha")])
            _ = try await response(server, "GET", "/api/tags", headers: [("X-Test-Id", "beta")])
            _ = try await response(server, "GET", "/api/version")
            let (_, alpha) = try await jsonResponse(server, "GET", "/__llmcheck/journal?test_id=alpha")
            #expect(alpha["entries"]?.arrayValue?.count == 1)
            #expect(alpha["entries"]?[0]?["headers"]?["X-Test-Id"]?.stringValue == "alpha")
            let (_, all) = try await jsonResponse(server, "GET", "/__llmcheck/journal")
            #expect(all["entries"]?.arrayValue?.count == 3)
        }
    }
}
