import HTTPWire
import Testing
import TestSupport
@testable import MockProviders

@Suite("Proxy relay: the forwarded request and head, plain bodies piece by piece", .timeLimit(.minutes(1)))
struct ProxyRelayTests {
    @Test func theForwardedRequestDropsHopByHopFieldsInAnySpellingAndNamesTheUpstreamOnce() async throws {
        let seen = LockedValue<[UInt8]>([])
        let upstream = try RawTestServer { socket in
            seen.withLock { $0 = RawTestServer.readRequestHead(from: socket) }
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8))
        }
        defer { upstream.stop() }
        try await withProxy(upstream: upstream.baseURL + "/base/") { proxy in
            let t = try await proxied(
                proxy, "GET", "/v1/models?x=1",
                headers: [
                    ("KEEP-ALIVE", "timeout=5"), ("Proxy-Connection", "keep-alive"), ("te", "trailers"),
                    ("ACCEPT-ENCODING", "gzip"), ("X-Custom", "kept"), ("authorization", "Bearer sk-test"),
                ])
            #expect(try RawHTTPResponse.parse(t.bytes).text == "ok")
        }
        let lines = String(decoding: seen.withLock { $0 }, as: UTF8.self).split(separator: "\r\n" as Character, omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "GET /base/v1/models?x=1 HTTP/1.1")
        // The upstream's Host, once and first; the client's `Host: 127.0.0.1` is not passed on.
        #expect(lines.dropFirst().first == "Host: \(upstream.baseURL.dropFirst("http://".count))")
        #expect(lines.filter { $0.lowercased().hasPrefix("host:") }.count == 1)
        let names = Set(lines.dropFirst().compactMap { $0.split(separator: ":").first.map { $0.lowercased() } })
        for dropped in ["connection", "keep-alive", "proxy-connection", "te", "accept-encoding"] { #expect(!names.contains(dropped), "\(dropped) was forwarded") }
        #expect(lines.contains("X-Custom: kept"))
        #expect(lines.contains("authorization: Bearer sk-test"))
    }

    @Test func aHeadWithoutHopFieldsIsForwardedAsItIsAndOneWithThemLosesThem() {
        let plain = HTTPResponseHead(status: .ok, headers: ["Content-Type": "application/json", "Content-Length": "2", "X-Request-Id": "r1"])
        #expect(ProxyRelay.forwardedHead(plain) == plain)
        let chunked = HTTPResponseHead(
            status: .ok, headers: ["Content-Type": "text/event-stream", "transfer-encoding": "chunked", "Connection": "keep-alive", "keep-alive": "timeout=5"])
        let out = ProxyRelay.forwardedHead(chunked)
        #expect(out.headers.fields.map(\.name) == ["Content-Type"])
        let closing = ProxyRelay.forwardedHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": "0", "Connection": "Close"]))
        #expect(closing.headers["Connection"] == "close")
        #expect(closing.headers.count == 2)
        let old = ProxyRelay.forwardedHead(HTTPResponseHead(version: .http1_0, status: .ok, headers: ["Content-Length": "0"]))
        #expect(old.version == .http1_1)
    }

    @Test func aPlainBodyGoesOutPieceByPieceAsItArrives() async throws {
        let pieces = ["first piece|", "second piece|", "third piece"]
        let body = pieces.joined()
        let upstream = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n".utf8))
            for piece in pieces {
                try socket.writeAll(Array(piece.utf8))
                (MonotonicInstant.now() + .milliseconds(150)).sleepUntil()
            }
        }
        defer { upstream.stop() }
        try await withProxy(upstream: upstream.baseURL) { proxy in
            let t = try await proxied(proxy, "GET", "/plain")
            let r = try RawHTTPResponse.parse(t.bytes)
            #expect(r.status == 200)
            #expect(r.text == body)
            let entry = try #require(try await proxyJournal(proxy, count: 1).first)
            let hop = try #require(entry.hop)
            // Each read is one arrival and one write (reads may merge pieces on a busy machine, never split or drop bytes).
            #expect((1...pieces.count).contains(hop.chunkArrivalCount))
            #expect(entry.chunksSent == hop.chunkArrivalCount)
            #expect(entry.bodyWriteCount == hop.chunkArrivalCount)
            #expect(entry.bytesSent == body.utf8.count)
            #expect(hop.addedPerChunk(writeOffsets: entry.bodyWriteOffsets).count == hop.chunkArrivalCount)
        }
    }
}
