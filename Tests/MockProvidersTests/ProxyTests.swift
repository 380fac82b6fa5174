import HTTPWire
import Testing
import TestSupport
@testable import MockProviders

@Suite("Proxy: pass-through, faults, timing", .timeLimit(.minutes(1)))
struct ProxyTests {
    static let chat = FaultInjectionTests.ollamaChat

    @Test func streamsTheUpstreamUnchangedWithTheHeadBeforeTheFirstToken() async throws {
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(timeToFirstToken: .milliseconds(400), tokensPerSecond: 100); $0.replyText = "one two three four five" }) { upstream in
            let direct = try await response(upstream, "POST", "/api/chat", json: Self.chat)
            try await withProxy(upstream: upstream.baseURL) { proxy in
                let t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                let via = try RawHTTPResponse.parse(t.bytes)
                #expect(via.status == 200)
                #expect(via.headers["Content-Type"] == "application/x-ndjson")
                #expect(try ndjsonLines(via.body).count == (try ndjsonLines(direct.body)).count)
                let entry = try #require(try await proxyJournal(proxy, count: 1).first)
                let hop = try #require(entry.hop)
                #expect(hop.upstream == upstream.baseURL)
                // The head left when the upstream's head arrived, not with the first token (400 ms later).
                let head = try #require(entry.timeToHead)
                let firstByte = try #require(entry.timeToFirstByte)
                #expect(firstByte >= .milliseconds(400))
                #expect(head < firstByte - .milliseconds(200))
                // One arrival time per event, paired with one write each; the write never precedes the arrival.
                #expect(hop.chunkArrivalCount == entry.chunksSent)
                #expect(hop.chunkArrivalOffsets.count == entry.bodyWriteOffsets.count)
                for (a, w) in zip(hop.chunkArrivalOffsets, entry.bodyWriteOffsets) { #expect(w >= a) }
                #expect(try #require(hop.upstreamFirstEvent) >= .milliseconds(400))
                #expect(hop.upstreamHead! <= head)
                let json = entry.jsonValue["proxy"]
                #expect(json?["upstream_ttft_ms"]?.doubleValue != nil)
                #expect(json?["added_per_chunk_ns"]?.arrayValue?.count == entry.chunksSent)
                #expect(ProxyEngine.summary(entry).contains("upstream head"))
            }
        }
    }

    @Test func afterNFaultsCountTheUpstreamsEvents() async throws {
        try await withMock(.ollama, configure: { $0.replyText = "a b c d e f g h" }) { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                // close after 3 NDJSON lines: exactly 3 complete lines reach the client.
                var t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat, headers: [("X-LLMCheck-Fault", "close=after:3")])
                #expect(LenientResponse(t.bytes).text.split(separator: "\n").count == 3)
                #expect(!LenientResponse(t.bytes).isComplete)
                // malformed=2: the second line is not JSON, the others are.
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat, headers: [("X-LLMCheck-Fault", "malformed=chunk:2")])
                let body = try RawHTTPResponse.parse(t.bytes).body
                let lines = body.split(separator: 0x0A)
                #expect((try? JSONValue.parse(Array(lines[1]))) == nil)
                #expect((try? JSONValue.parse(Array(lines[0]))) != nil)
                // rst after 2: the client sees a reset.
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat, headers: [("X-LLMCheck-Fault", "rst=after:2")])
                #expect(t.ending == .reset)
                // stall=2,for=300ms: a 300 ms silence after the second line, then the rest.
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat, headers: [("X-LLMCheck-Fault", "stall=after:2,for:300ms")])
                #expect(try ndjsonLines(try RawHTTPResponse.parse(t.bytes).body).last?["done"] == true)
                // delay_headers and content_type act on the forwarded head.
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat, headers: [("X-LLMCheck-Fault", "delay_headers=200ms"), ("X-LLMCheck-Fault", "content_type=text/plain")])
                #expect(try RawHTTPResponse.parse(t.bytes).headers["Content-Type"] == "text/plain")
                let entries = try await proxyJournal(proxy, count: 5)
                #expect(entries.count == 5)
                #expect(entries[0].outcome == .closedByFault(afterChunks: 3))
                #expect(entries[2].outcome == .reset(afterChunks: 2))
                #expect(try #require(entries[3].longestGap) >= .milliseconds(300))
                #expect(try #require(entries[4].timeToHead) >= .milliseconds(200))
            }
        }
    }

    @Test func statusIsAnsweredByTheProxyInTheProvidersDialect() async throws {
        try await withMock(.ollama) { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: { $0.faults = [try FaultSpec.parse("status=429,retry_after=2,times=1")] }) { proxy in
                let first = try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/api/chat", json: Self.chat).bytes)
                #expect(first.status == 429)
                #expect(first.headers["Retry-After"] == "2")
                // Ollama's dialect: {"error": "…"} (a string, not OpenAI's object).
                #expect(try JSONValue.parse(first.body)["error"]?.stringValue != nil)
                #expect(upstream.journal().isEmpty)
                // times=1: the next one goes through.
                let second = try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/api/chat", json: Self.chat).bytes)
                #expect(second.status == 200)
                #expect(upstream.journal().count == 1)
                let entries = try await proxyJournal(proxy, count: 2)
                #expect(entries.first?.hop?.upstream == nil)
            }
        }
    }

    @Test func controlAPIInstallsFaultsOnTheProxy() async throws {
        try await withMock(.openai) { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                let token = proxy.configuration.controlToken
                let control = [(MockConfiguration.controlTokenHeader, token), ("Content-Type", "application/json")]
                let add = try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/__llmcheck/faults", json: nil, headers: control).bytes)
                #expect(add.status == 400)  // no fault given
                let connection = try await RawTestConnection.connect(port: proxy.port)
                let spec = "close=after:1,path=/v1/chat/completions"
                try await connection.send("POST /__llmcheck/faults HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(MockConfiguration.controlTokenHeader): \(token)\r\nContent-Type: application/json\r\nContent-Length: \(spec.utf8.count)\r\n\r\n\(spec)")
                #expect(try RawHTTPResponse.parse(await connection.readUntilClose().bytes).status == 201)
                let t = try await proxied(proxy, "POST", "/v1/chat/completions", json: FaultInjectionTests.openAIStream)
                let body = LenientResponse(t.bytes).text
                #expect(body.split(separator: "\n\n").filter { $0.hasPrefix("data: ") }.count == 1)
                let entries = try await proxyJournal(proxy, count: 1)
                #expect(entries.first?.faults.map(\.description) == [try FaultSpec.parse(spec).description])
            }
        }
    }

    @Test func deadUpstreamIsA502NamingItAndTheErrno() async throws {
        let dead = try ReservedPort()
        try await withProxy(upstream: "http://127.0.0.1:\(dead.port)") { proxy in
            let r = try RawHTTPResponse.parse(try await proxied(proxy, "GET", "/api/tags").bytes)
            #expect(r.status == 502)
            #expect(r.text.contains("127.0.0.1:\(dead.port)"))
            #expect(r.text.contains("errno"))
            let entry = try #require(try await proxyJournal(proxy, count: 1).first)
            #expect(entry.hop?.upstreamError != nil)
        }
        let upstream = try ProxyUpstream(parsing: "http://127.0.0.1:\(dead.port)")
        #expect(try await runOnDedicatedThread { upstream.probe(timeout: .seconds(1)) } != nil)
    }

    @Test func anUpstreamThatNeverAnswersDoesNotStallOtherConnections() async throws {
        let silent = try RawTestServer { socket in _ = RawTestServer.readRequestHead(from: socket, timeout: .seconds(5)); Thread_sleepBounded() }
        defer { silent.stop() }
        try await withMock(.ollama) { good in
            try await withProxy(upstream: silent.baseURL, configure: { $0.upstreamTimeouts = HTTPClientTimeouts(connect: .seconds(1), headers: .milliseconds(500)) }) { stuck in
                async let waiting = proxied(stuck, "GET", "/api/tags")
                let status = try await withProxy(upstream: good.baseURL) { proxy in
                    try RawHTTPResponse.parse(try await proxied(proxy, "GET", "/api/tags").bytes).status
                }
                #expect(status == 200)
                let r = try RawHTTPResponse.parse(try await waiting.bytes)
                #expect(r.status == 502)
                #expect(r.text.contains("headersTimeout") || r.text.lowercased().contains("timeout"))
            }
        }
    }

    @Test func keepsTheClientConnectionAliveAndPassesOnTheUpstreamsClose() async throws {
        try await withMock(.ollama) { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                let c = try await RawTestConnection.connect(port: proxy.port)
                let get = "GET /api/tags HTTP/1.1\r\nHost: x\r\n\r\n"
                try await c.send(get + get)
                let t = await c.read(idleTimeout: .seconds(5)) { bytes in ((try? RawHTTPResponse.parseAll(bytes)) ?? []).count == 2 }
                let both = try RawHTTPResponse.parseAll(t.bytes)
                #expect(both.map(\.status) == [200, 200])
                let entries = try await proxyJournal(proxy, count: 2)
                #expect(entries.map(\.indexOnConnection) == [1, 2])
            }
        }
        let closing = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8))
        }
        defer { closing.stop() }
        try await withProxy(upstream: closing.baseURL) { proxy in
            let c = try await RawTestConnection.connect(port: proxy.port)
            try await c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let t = await c.readUntilClose()
            let r = try RawHTTPResponse.parse(t.bytes)
            #expect(r.headers["Connection"] == "close")
            #expect(r.text == "ok")
            #expect(t.ending == .eof)
        }
    }

    @Test func garbageOrAResetFromTheUpstreamIsReportedPerRequest() async throws {
        let garbage = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))
        }
        defer { garbage.stop() }
        try await withProxy(upstream: garbage.baseURL) { proxy in
            let r = try RawHTTPResponse.parse(try await proxied(proxy, "GET", "/api/tags").bytes)
            #expect(r.status == 502)
            #expect(r.text.contains(garbage.baseURL))
        }
        let resets = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{}\n\n\r\n".utf8))
            socket.setLingerZeroAndClose()
        }
        defer { resets.stop() }
        try await withProxy(upstream: resets.baseURL) { proxy in
            let t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
            #expect(!LenientResponse(t.bytes).isComplete)
            let entry = try #require(try await proxyJournal(proxy, count: 1).first)
            #expect(entry.outcome.name == "failed")
            #expect(entry.hop?.upstreamError != nil)
        }
    }

    @Test func upstreamURLsAreCheckedAtStartUp() {
        #expect((try? ProxyUpstream(parsing: "https://api.openai.com")) == nil)
        for bad in ["ftp://x", "http://", "http://host:99999", "http://h:1/?q=1", "127.0.0.1:11434"] {
            #expect((try? ProxyUpstream(parsing: bad)) == nil, "\(bad)")
        }
        do { _ = try ProxyUpstream(parsing: "https://x") } catch { #expect(error.code == .httpsUpstream) }
        let ok = try? ProxyUpstream(parsing: "http://127.0.0.1:11434/base/")
        #expect(ok?.basePath == "/base")
        #expect(ok?.guessedProvider == .ollama)
    }
}

/// Holds a scripted upstream connection open without answering (bounded: 3 s).
private func Thread_sleepBounded() { Syscalls.sleepPrecisely(until: MonotonicClock.now() + 3_000_000_000) }
