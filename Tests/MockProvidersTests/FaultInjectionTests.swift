import HTTPWire
import MockProviders
import TestSupport
import Testing

/// Every fault observed on a raw socket.
@Suite("Fault injection on the wire", .timeLimit(.minutes(1)))
struct FaultInjectionTests {
    static let ollamaChat = #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"why is the sky blue?"}]}"#
    static let openAIStream = #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"ping"}]}"#

    func faulted(_ provider: MockProviderKind, _ spec: String, _ method: String = "POST", _ target: String, json: String? = nil, idle: Duration = .seconds(5)) async throws -> (RawTestConnection.Transcript, UInt64, [JournalEntry]) {
        try await withMock(provider, configure: { $0.faults = [try FaultSpec.parse(spec)] }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            let sent = MonotonicClock.now()
            try await connection.send(rawRequest(method, target, json: json))
            let t = await connection.readUntilClose(idleTimeout: idle)
            connection.close()
            _ = await eventually { !server.journal().isEmpty }
            return (t, sent, server.journal())
        }
    }

    @Test func delayBeforeHeaders() async throws {
        let (t, sent, _) = try await faulted(.ollama, "delay_headers=300ms", "GET", "/api/tags")
        let first = try #require(t.reads.first)
        #expect(first.at - sent >= 280_000_000)
        #expect(try RawHTTPResponse.parse(t.bytes).status == 200)
    }

    @Test func delayBeforeFirstBodyByte() async throws {
        let (t, sent, journal) = try await faulted(.ollama, "delay_body=300ms", "GET", "/api/tags")
        let first = try #require(t.reads.first)
        #expect(String(decoding: first.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        // The head goes out alone: the server wrote it, then waited before the first body byte. Told
        // from the server's own write times, since a client scheduled late reads both at once.
        let entry = try #require(journal.first)
        let head = try #require(entry.timeToHead)
        let firstByte = try #require(entry.timeToFirstByte)
        #expect(firstByte - head >= .milliseconds(280), "the head arrives alone")
        let bodyRead = try #require(t.reads.first { String(decoding: $0.bytes, as: UTF8.self).contains("models") })
        #expect(bodyRead.at - sent >= 280_000_000)
    }

    @Test func stallForADuration() async throws {
        let (t, sent, journal) = try await faulted(.ollama, "stall=after:2,for:400ms", "POST", "/api/chat", json: Self.ollamaChat)
        // The read that completes line 3 comes at least 400 ms after the request (reads may be
        // late, never early); lines 1-2 had arrived by then.
        var seen: [UInt8] = []
        var third: UInt64?
        for read in t.reads {
            seen += read.bytes
            if LenientResponse(seen).text.split(separator: "\n").count >= 3 {
                third = read.at
                break
            }
        }
        let thirdAt = try #require(third)
        #expect(thirdAt - sent >= 395_000_000)
        let all = LenientResponse(t.bytes)
        #expect(all.isComplete)
        #expect(journal.first?.outcome == .completed)
    }

    @Test func stallUntilTheClientGivesUp() async throws {
        try await withMock(.ollama, configure: { $0.faults = [try FaultSpec.parse("stall=after:1,path=/api/chat")] }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send(rawRequest("POST", "/api/chat", json: Self.ollamaChat))
            let t = await connection.readUntilClose(idleTimeout: .milliseconds(300))
            #expect(t.ending == .timeout)
            #expect(LenientResponse(t.bytes).text.split(separator: "\n").count == 1)
            connection.close()
            #expect(await eventually { server.journal().first?.outcome == .clientGaveUp(afterChunks: 1) })
        }
    }

    @Test func cleanCloseAfterNChunks() async throws {
        let (t, _, journal) = try await faulted(.ollama, "close=after:2", "POST", "/api/chat", json: Self.ollamaChat)
        #expect(t.ending == .eof)
        let r = LenientResponse(t.bytes)
        #expect(!r.isComplete)
        #expect(r.text.split(separator: "\n").count == 2)
        #expect(r.text.hasSuffix("\n"))
        #expect(journal.first?.outcome == .closedByFault(afterChunks: 2))
    }

    @Test func cutInTheMiddleOfALine() async throws {
        let (t, _, _) = try await faulted(.ollama, "cut=after:2", "POST", "/api/chat", json: Self.ollamaChat)
        #expect(t.ending == .eof)
        let r = LenientResponse(t.bytes)
        #expect(!r.isComplete)
        let lines = r.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        let partial = String(lines[2])
        #expect(!partial.isEmpty)
        #expect(throws: (any Error).self) { try JSONValue.parse(partial) }
    }

    @Test func resetBeforeHeaders() async throws {
        let (t, _, journal) = try await faulted(.openai, "rst=headers", "GET", "/v1/models")
        #expect(t.ending == .reset)
        #expect(t.bytes.isEmpty)
        #expect(journal.first?.outcome == .reset(afterChunks: 0))
    }

    @Test func resetAfterNChunks() async throws {
        let (t, _, journal) = try await faulted(.openai, "rst=after:2", "POST", "/v1/chat/completions", json: Self.openAIStream)
        #expect(t.ending == .reset)
        #expect(journal.first?.outcome == .reset(afterChunks: 2))
        #expect(journal.first?.status == 200)
    }

    @Test func malformedJSONInChunkN() async throws {
        let (t, _, _) = try await faulted(.openai, "malformed=chunk:2", "POST", "/v1/chat/completions", json: Self.openAIStream)
        let r = LenientResponse(t.bytes)
        #expect(r.isComplete)
        let events = sseData(r.body)
        #expect((try? JSONValue.parse(events[0])) != nil)
        #expect((try? JSONValue.parse(events[1])) == nil)
        #expect((try? JSONValue.parse(events[2])) != nil)
        #expect(events.last == "[DONE]")
    }

    @Test func wrongAndMissingContentType() async throws {
        let (wrong, _, _) = try await faulted(.ollama, "content_type=text/html", "POST", "/api/chat", json: Self.ollamaChat)
        #expect(LenientResponse(wrong.bytes).header("Content-Type") == "text/html")
        let (missing, _, _) = try await faulted(.openai, "content_type=none", "GET", "/v1/models")
        let r = try RawHTTPResponse.parse(missing.bytes)
        #expect(r.headers["Content-Type"] == nil)
        #expect(r.status == 200)
    }

    @Test func brokenChunkedEncoding() async throws {
        let (t, _, _) = try await faulted(.ollama, "bad_chunked=after:1", "POST", "/api/chat", json: Self.ollamaChat)
        #expect(t.ending == .eof)
        let r = LenientResponse(t.bytes)
        #expect(r.text.split(separator: "\n").count == 1)
        #expect(r.badSizeLine?.hasPrefix("zz") == true)
        // A plain JSON answer is switched to chunked so it can be broken too.
        let (plain, _, _) = try await faulted(.openai, "bad_chunked=after:0", "GET", "/v1/models")
        let p = LenientResponse(plain.bytes)
        #expect(p.header("Transfer-Encoding") == "chunked")
        #expect(p.header("Content-Length") == nil)
        #expect(p.badSizeLine != nil)
    }

    @Test func contentLengthMismatch() async throws {
        for delta in [20, -5] {
            let (t, _, _) = try await faulted(.openai, "length_mismatch=\(delta > 0 ? "+" : "")\(delta)", "GET", "/v1/models")
            #expect(t.ending == .eof)
            let r = LenientResponse(t.bytes)
            let declared = try #require(r.header("Content-Length").flatMap { Int($0) })
            #expect(declared == r.body.count + delta)
            #expect(r.text.hasPrefix("{\"object\":\"list\""))
        }
    }

    @Test func slowDrip() async throws {
        let (t, sent, journal) = try await faulted(.openai, "drip=400", "GET", "/v1/models")
        let r = try RawHTTPResponse.parse(t.bytes)
        #expect(r.status == 200)
        // Dripped in many writes (counted by the server: a client scheduled late merges its reads).
        #expect(try #require(journal.first).bodyWriteCount >= 5)
        let last = try #require(t.reads.last)
        let expected = UInt64(Double(r.body.count) / 400 * 0.8 * 1e9)
        #expect(last.at - sent >= expected)
    }

    @Test func statusFaultsUseEachProvidersErrorBody() async throws {
        let (t429, _, _) = try await faulted(.openai, "status=429,retry_after=2,retry_after_ms=1500", "POST", "/v1/chat/completions", json: Self.openAIStream)
        let r429 = try RawHTTPResponse.parse(t429.bytes)
        #expect(r429.status == 429)
        #expect(r429.headers["retry-after"] == "2")
        #expect(r429.headers["retry-after-ms"] == "1500")
        let b429 = try JSONValue.parse(r429.body)
        #expect(b429["error"]?["code"]?.stringValue == "rate_limit_exceeded")
        #expect(b429["error"]?.keys == ["message", "type", "param", "code"])

        let (t401, _, _) = try await faulted(.openai, "status=401", "GET", "/v1/models")
        let b401 = try JSONValue.parse(try RawHTTPResponse.parse(t401.bytes).body)
        #expect(b401["error"]?["code"]?.stringValue == "invalid_api_key")

        let (t404, _, _) = try await faulted(.ollama, "status=404", "POST", "/api/chat", json: Self.ollamaChat)
        let r404 = try RawHTTPResponse.parse(t404.bytes)
        #expect(r404.status == 404)
        #expect(r404.text == #"{"error":"model 'llama3.2:3b' not found"}"#)

        let (t403, _, _) = try await faulted(.ollama, "status=403", "GET", "/api/tags")
        let r403 = try RawHTTPResponse.parse(t403.bytes)
        #expect(r403.status == 403)
        #expect(r403.body.isEmpty)

        let (t503, _, _) = try await faulted(.ollama, "status=503", "POST", "/api/chat", json: Self.ollamaChat)
        #expect(try RawHTTPResponse.parse(t503.bytes).text == #"{"error":"server busy, please try again.  maximum pending requests exceeded"}"#)

        let (t500, _, _) = try await faulted(.lmstudio, "status=500,message=boom", "POST", "/v1/chat/completions", json: Self.openAIStream)
        let b500 = try JSONValue.parse(try RawHTTPResponse.parse(t500.bytes).body)
        #expect(b500["error"]?["message"]?.stringValue == "boom")
    }

    @Test func ollamaMidStreamErrorLine() async throws {
        let (t, _, _) = try await faulted(.ollama, "stream_error=after:2,message=\"runner crashed, sorry\"", "POST", "/api/chat", json: Self.ollamaChat)
        let r = try RawHTTPResponse.parse(t.bytes)
        #expect(r.status == 200)
        let lines = try ndjsonLines(r.body)
        #expect(lines.count == 3)
        #expect(lines[2].serialized() == #"{"error":"runner crashed, sorry"}"#)
    }

    @Test func openAIMidStreamErrorEvent() async throws {
        let (t, _, _) = try await faulted(.openai, "stream_error=after:3", "POST", "/v1/chat/completions", json: Self.openAIStream)
        let r = try RawHTTPResponse.parse(t.bytes)
        let events = sseData(r.body)
        #expect(events.count == 4)
        let error = try JSONValue.parse(events[3])
        #expect(error["error"]?["type"]?.stringValue == "server_error")
        #expect(!r.text.contains("[DONE]"))
    }

    @Test func faultsApplyToFixtureReplayToo() async throws {
        let fixture = Fixture(exchanges: [FixtureExchange(
            request: FixtureRequestMatcher(method: "GET", path: "/recorded"),
            response: FixtureResponse(status: 200, headers: ["Content-Type": "application/x-ndjson"], chunks: [
                FixtureChunk(offsetMilliseconds: 0, text: "{\"a\":1}\n"), FixtureChunk(offsetMilliseconds: 1, text: "{\"a\":2}\n"),
            ]))])
        try await withMock(.ollama, configure: { $0.fixtures = [fixture]; $0.faults = [try FaultSpec.parse("close=after:1")] }) { server in
            let t = try await transcript(server, "GET", "/recorded")
            let r = LenientResponse(t.bytes)
            #expect(r.text == "{\"a\":1}\n")
            #expect(!r.isComplete)
        }
    }
}

@Suite("Per-request fault header", .timeLimit(.minutes(1)))
struct FaultHeaderTests {
    @Test func headerFaultAppliesToThatRequestOnly() async throws {
        try await withMock(.openai) { server in
            let hit = try await response(server, "GET", "/v1/models", headers: [("X-LLMCheck-Fault", "status=429,retry_after_ms=250")])
            #expect(hit.status == 429)
            #expect(hit.headers["retry-after-ms"] == "250")
            let next = try await response(server, "GET", "/v1/models")
            #expect(next.status == 200)
            let bad = try await response(server, "GET", "/v1/models", headers: [("X-LLMCheck-Fault", "stal=1")])
            #expect(bad.status == 400)
            #expect(bad.text.contains("unknown key 'stal'"))
            #expect(server.journal().first?.faults.map(\.description) == ["status=429,retry_after_ms=250"])
        }
    }
}
