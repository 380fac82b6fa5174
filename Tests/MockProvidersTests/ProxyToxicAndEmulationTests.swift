import HTTPWire
import Testing
import TestSupport
@testable import MockProviders

@Suite("Proxy toxics and emulations", .timeLimit(.minutes(1)))
struct ProxyToxicAndEmulationTests {
    static let chat = FaultInjectionTests.ollamaChat
    static let openAIStream = FaultInjectionTests.openAIStream

    func mock(_ body: (MockProviderServer) async throws -> Void) async throws {
        try await withMock(.ollama, configure: { $0.replyText = "alpha beta gamma delta" }, body)
    }

    @Test func toxicsParseWithToxiproxyNamesAndNameTheBadColumn() throws {
        let t = try ToxicSpec.parse("latency=200ms,jitter=50,stream=upstream,toxicity=0.5")
        #expect(t.kind == .latency && t.stream == .upstream && t.toxicity == 0.5)
        #expect(t.duration("jitter") == .milliseconds(50))
        #expect(try ToxicSpec.parse("bandwidth=10").number("rate") == 10)
        #expect(try ToxicSpec.parse("limit_data=100").number("bytes") == 100)
        for (bad, column) in [("latncy=1s", 1), ("latency=1s,toxicity=2", 12), ("slicer=0", 1), ("bandwidth=x", 1), ("timeout=1s,foo=1", 12)] {
            do {
                _ = try ToxicSpec.parse(bad)
                Issue.record("\(bad) parsed")
            } catch {
                #expect(error.code == .badToxic)
                #expect(error.message.contains("column \(column)"), "\(error.message)")
            }
        }
        #expect(throws: ProxyError.self) { try ProxyEmulation.parse("buffer=-1") }
        #expect(throws: ProxyError.self) { try ProxyEmulation.parse("gzip,status-rewrite=429") }
        #expect(try ProxyEmulation.parse("status-rewrite=429:502,strip-header=X-Foo") == [.statusRewrite(from: 429, to: 502), .stripHeader("X-Foo")])
    }

    @Test func downstreamToxicsAreSeenByTheClient() async throws {
        try await mock { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                // latency: every write (head included) waits 100 ms.
                let latency = proxy.engine.toxicPlan.add(try ToxicSpec.parse("latency=100ms"))
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                proxy.engine.toxicPlan.remove(id: latency)
                // limit_data: the connection closes after 60 bytes.
                let limit = proxy.engine.toxicPlan.add(try ToxicSpec.parse("limit_data=60"))
                var t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                // Counted before chunked framing, as documented: the client gets a cut response of about 60 bytes.
                #expect(t.ending == .eof && t.bytes.count < 200 && !LenientResponse(t.bytes).isComplete)
                proxy.engine.toxicPlan.remove(id: limit)
                // reset_peer after 0: the client sees a reset.
                let reset = proxy.engine.toxicPlan.add(try ToxicSpec.parse("reset_peer=0"))
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(t.ending == .reset)
                proxy.engine.toxicPlan.remove(id: reset)
                // timeout=200ms: nothing, then a close.
                let timeout = proxy.engine.toxicPlan.add(try ToxicSpec.parse("timeout=200ms"))
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(t.bytes.isEmpty && t.ending == .eof)
                proxy.engine.toxicPlan.remove(id: timeout)
                // slicer: the body arrives in small pieces, still whole.
                let slicer = proxy.engine.toxicPlan.add(try ToxicSpec.parse("slicer=8,delay=2ms"))
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                let sliced = try ndjsonLines(try RawHTTPResponse.parse(t.bytes).body)
                #expect(sliced.last?["done"] == true)
                proxy.engine.toxicPlan.remove(id: slicer)
                // bandwidth=1 KB/s on a ~1 KB body: about a second.
                let bandwidth = proxy.engine.toxicPlan.add(try ToxicSpec.parse("bandwidth=2"))
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(try RawHTTPResponse.parse(t.bytes).status == 200)
                proxy.engine.toxicPlan.remove(id: bandwidth)
                // toxicity 0: never applied.
                proxy.engine.toxicPlan.add(try ToxicSpec.parse("reset_peer=0,toxicity=0"))
                t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(t.ending == .eof && (try? RawHTTPResponse.parse(t.bytes).status) == 200)
                let entries = try await proxyJournal(proxy, count: 7)
                #expect(try #require(entries[0].timeToHead) >= .milliseconds(100))
                // slicer: at least (bytes / 8 − events) pauses of 2 ms between the 8-byte slices.
                let slices = entries[4].bytesSent / 8 - entries[4].chunksSent
                #expect(entries[4].duration >= .milliseconds(2) * max(0, slices))
                let bytes = try #require(entries[5].bytesSent)
                #expect(entries[5].duration >= .nanoseconds(UInt64(Double(bytes) / 2000 * 0.8e9)))
            }
        }
    }

    @Test func upstreamToxicsDelayEventsBeforeTheFaults() async throws {
        try await mock { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: { $0.toxics = [try ToxicSpec.parse("latency=50ms,stream=upstream")] }) { proxy in
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                let entry = try #require(try await proxyJournal(proxy, count: 1).first)
                let hop = try #require(entry.hop)
                // Each event waited 50 ms between arriving and going out.
                for added in hop.addedPerChunk(writeOffsets: entry.bodyWriteOffsets) { #expect(added >= .milliseconds(50)) }
            }
        }
    }

    @Test func toxicsAreAddedAndRemovedThroughTheControlAPI() async throws {
        try await mock { upstream in
            try await withProxy(upstream: upstream.baseURL) { proxy in
                let spec = "reset_peer=0"
                // Without the proxy's control token a change is refused (ControlAccess, as on the mocks).
                let refused = try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/__llmcheck/toxics", headers: [("Content-Type", "application/json")]).bytes)
                #expect(refused.status == 401)
                #expect(proxy.engine.toxicPlan.toxics.isEmpty)
                let c = try await RawTestConnection.connect(port: proxy.port)
                let control = "\(MockConfiguration.controlTokenHeader): \(proxy.configuration.controlToken)\r\nContent-Type: application/json\r\n"
                try await c.send("POST /__llmcheck/toxics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(control)Content-Length: \(spec.utf8.count)\r\n\r\n\(spec)")
                #expect(try RawHTTPResponse.parse(await c.readUntilClose().bytes).status == 201)
                #expect(try await proxied(proxy, "POST", "/api/chat", json: Self.chat).ending == .reset)
                let listed = try RawHTTPResponse.parse(try await proxied(proxy, "GET", "/__llmcheck/toxics").bytes)
                #expect(listed.text.contains("reset_peer"))
                #expect(try RawHTTPResponse.parse(try await proxied(proxy, "DELETE", "/__llmcheck/toxics/1", headers: [(MockConfiguration.controlTokenHeader, proxy.configuration.controlToken), ("Content-Type", "application/json")]).bytes).status == 200)
                #expect(try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/api/chat", json: Self.chat).bytes).status == 200)
                let bad = "latency=fast"
                let c2 = try await RawTestConnection.connect(port: proxy.port)
                try await c2.send("POST /__llmcheck/toxics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(control)Content-Length: \(bad.utf8.count)\r\n\r\n\(bad)")
                let r = try RawHTTPResponse.parse(await c2.readUntilClose().bytes)
                #expect(r.status == 400 && r.text.contains("column 1"))
            }
        }
    }

    @Test func bufferingHoldsTheBodyUntilTheEnd() async throws {
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(tokensPerSecond: 40); $0.replyText = "a b c d e f" }) { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: { $0.emulations = [.bufferUntilClose] }) { proxy in
                let t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(try ndjsonLines(try RawHTTPResponse.parse(t.bytes).body).count > 3)
                let entry = try #require(try await proxyJournal(proxy, count: 1).first)
                let hop = try #require(entry.hop)
                #expect(hop.chunkArrivalCount > 3)
                // The client got no body byte before the upstream's last event had arrived.
                let firstBody = try #require(Self.firstBodyReadAt(t))
                #expect(MonotonicInstant(nanoseconds: firstBody) >= entry.startedAt + hop.chunkArrivalOffsets.last!)
            }
            try await withProxy(upstream: upstream.baseURL, configure: { $0.emulations = [.buffer(bytes: 300)] }) { proxy in
                let t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                let entry = try #require(try await proxyJournal(proxy, count: 1).first)
                let hop = try #require(entry.hop)
                // The first body bytes waited for 300 bytes: after the second event arrived.
                let firstBody = try #require(Self.firstBodyReadAt(t))
                #expect(MonotonicInstant(nanoseconds: firstBody) >= entry.startedAt + hop.chunkArrivalOffsets[1])
            }
        }
    }

    /// When the first read holding body bytes (past the head's blank line) arrived.
    static func firstBodyReadAt(_ t: RawTestConnection.Transcript) -> UInt64? {
        var seen: [UInt8] = []
        var headEnd: Int?
        for read in t.reads {
            seen += read.bytes
            if headEnd == nil, let r = seen.indices.dropLast(3).first(where: { seen[$0] == 13 && seen[$0 + 1] == 10 && seen[$0 + 2] == 13 && seen[$0 + 3] == 10 }) {
                headEnd = r + 4
            }
            if let headEnd, seen.count > headEnd { return read.at }
        }
        return nil
    }

    @Test func headEmulationsRewriteWhatTheClientSees() async throws {
        try await withMock(.openai, configure: { $0.faults = [try FaultSpec.parse("status=429,retry_after=3,times=1")] }) { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: {
                $0.emulations = try ProxyEmulation.parse("status-rewrite=429:502,strip-header=x-request-id,content-type=text/plain,gzip")
            }) { proxy in
                let r = try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/v1/chat/completions", json: Self.openAIStream).bytes)
                #expect(r.status == 502)
                #expect(r.headers["Retry-After"] == nil)
                #expect(r.headers["x-request-id"] == nil)
                #expect(r.headers["Content-Type"] == "text/plain")
                // gzip only for a client that accepts it.
                #expect(r.headers["Content-Encoding"] == nil)
                let g = try RawHTTPResponse.parse(try await proxied(proxy, "POST", "/v1/chat/completions", json: Self.openAIStream, headers: [("Accept-Encoding", "gzip")]).bytes)
                #expect(g.status == 200)
                #expect(g.headers["Content-Encoding"] == "gzip")
                #expect(Array(g.body.prefix(2)) == [0x1F, 0x8B])
            }
        }
    }

    @Test func gzipStoredStreamIsValidGzip() throws {
        var encoder = GzipStoredEncoder()
        let data = Array("data: {\"a\":1}\n\n".utf8)
        let bytes = encoder.encode(data) + encoder.encode(data) + encoder.finish()
        // CRC-32 of the two pieces, as zlib computes it, sits before the size.
        let size = bytes.suffix(4)
        #expect(Array(size) == [UInt8(data.count * 2), 0, 0, 0])
        #expect(bytes.count == 10 + 2 * (5 + data.count) + 5 + 8)
    }

    @Test func idleTimeoutAnswers524BeforeTheHeadAndCutsAfter() async throws {
        let silent = try RawTestServer { socket in _ = RawTestServer.readRequestHead(from: socket, timeout: .seconds(5)); Syscalls.sleepPrecisely(until: MonotonicClock.now() + 2_000_000_000) }
        defer { silent.stop() }
        try await withProxy(upstream: silent.baseURL, configure: { $0.emulations = [.idleTimeout(.milliseconds(300), alwaysCuts: false)] }) { proxy in
            let r = try RawHTTPResponse.parse(try await proxied(proxy, "GET", "/api/tags").bytes)
            #expect(r.status == 524)
        }
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(tokensPerSecond: 2); $0.replyText = "a b c d e f" }) { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: { $0.emulations = [.idleTimeout(.milliseconds(200), alwaysCuts: false)] }) { proxy in
                let t = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(!LenientResponse(t.bytes).isComplete)
                #expect(t.bytes.starts(with: Array("HTTP/1.1 200".utf8)))
            }
        }
    }

    @Test func replayOnReconnectSendsTheRequestUpstreamTwice() async throws {
        try await mock { upstream in
            try await withProxy(upstream: upstream.baseURL, configure: { $0.emulations = [.replayOnReconnect] }) { proxy in
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(upstream.journal().count == 1)
                _ = try await proxied(proxy, "POST", "/api/chat", json: Self.chat)
                #expect(upstream.journal().count == 3)
            }
        }
    }
}
