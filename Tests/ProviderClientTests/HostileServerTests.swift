import Foundation
import HTTPWire
import ProviderClient
import Testing
import TestSupport

/// Hostile servers on loopback against the real client (raw-socket transport): each case must end
/// with a typed error, in bounded time, without the process growing by more than
/// ``HostileServerTests/memoryBound`` while it runs.
@Suite("Hostile servers", .timeLimit(.minutes(1))) struct HostileServerTests {
    /// Allowed growth of this process's resident memory during one case (other tests run in
    /// parallel, so this is a growth bound, not the CLI's 64 MB total).
    static let memoryBound = 64 << 20

    /// A server that reads the request head, writes `head`, then `block` until the client leaves
    /// (or `limit` bytes, a safety net).
    static func flooding(head: String, first: [UInt8] = [], block: [UInt8], limit: Int = 4 << 30) throws -> RawTestServer {
        try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array(head.utf8) + first, timeout: .seconds(10))
            var sent = 0
            while sent < limit {
                try socket.writeAll(block, timeout: .seconds(10))
                sent += block.count
            }
        }
    }

    static func chunk(_ payload: [UInt8]) -> [UInt8] {
        Array(String(payload.count, radix: 16).utf8) + [13, 10] + payload + [13, 10]
    }

    func client(_ server: RawTestServer, _ kind: ProviderKind, maximumResponseBytes: Int = 2 << 20, timeouts: RequestTimeouts? = nil) -> ProviderClient {
        let endpoint = ProviderEndpoint(kind: kind, host: "127.0.0.1", port: server.port)
        let configuration = ProviderClientConfiguration(
            timeouts: timeouts ?? RequestTimeouts(connect: .seconds(5), headers: .seconds(10), idle: .seconds(10), total: .seconds(40)),
            maximumResponseBytes: maximumResponseBytes, retry: .none)
        return ProviderClient(endpoint: endpoint, configuration: configuration)
    }

    func expectBounded(_ baseline: Int?, _ peak: Int?, _ label: String) {
        guard let baseline, let peak else { return }
        #expect(peak - baseline < Self.memoryBound, "\(label): grew by \((peak - baseline) >> 20) MB")
    }

    @Test func fastHugeContentLengthFailsAtOnce() async throws {
        let server = try Self.flooding(
            head: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n",
            block: [UInt8](repeating: 0x61, count: 64 * 1024))
        defer { server.stop() }
        let (error, baseline, peak) = await ResidentMemory.sampledPeak {
            do {
                _ = try await client(server, .ollama).chat(chatRequest)
                return nil as ProviderError?
            } catch { return error as? ProviderError }
        }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.message.contains("1000000000") == true, "the announced length is named: \(String(describing: error))")
        expectBounded(baseline, peak, "1 GB Content-Length")
    }

    @Test func endlessChunkedModelListStopsAtTheLimit() async throws {
        let server = try Self.flooding(
            head: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            first: Self.chunk(Array(#"{"models":["#.utf8)),
            block: Self.chunk(Array(String(repeating: #"{"name":"m","model":"m","size":1},"#, count: 1000).utf8)))
        defer { server.stop() }
        let (error, baseline, peak) = await ResidentMemory.sampledPeak {
            do {
                _ = try await client(server, .ollama).listModels()
                return nil as ProviderError?
            } catch { return error as? ProviderError }
        }
        #expect(error?.code == .responseTooLarge)
        expectBounded(baseline, peak, "endless model list")
    }

    @Test func endlessNDJSONStreamStopsAtTheAnswerLimit() async throws {
        let line = #"{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"hello "},"done":false}"# + "\n"
        let server = try Self.flooding(
            head: "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n",
            block: Self.chunk(Array(String(repeating: line, count: 300).utf8)))
        defer { server.stop() }
        let ((events, error), baseline, peak) = await ResidentMemory.sampledPeak {
            await collect(client(server, .ollama, maximumResponseBytes: 256 * 1024).streamChat(chatRequest))
        }
        #expect(error?.code == .responseTooLarge)
        #expect(events.text.utf8.count <= 256 * 1024 && events.text.utf8.count > 200 * 1024, "deltas up to the limit were delivered")
        expectBounded(baseline, peak, "endless NDJSON")
    }

    @Test func endlessSSEStreamStopsAtTheAnswerLimit() async throws {
        let event = #"data: {"id":"c","choices":[{"index":0,"delta":{"content":"hello "},"finish_reason":null}]}"# + "\n\n"
        let server = try Self.flooding(
            head: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
            block: Self.chunk(Array(String(repeating: event, count: 300).utf8)))
        defer { server.stop() }
        let ((_, error), baseline, peak) = await ResidentMemory.sampledPeak {
            await collect(client(server, .openaiCompatible, maximumResponseBytes: 256 * 1024).streamChat(chatRequest))
        }
        #expect(error?.code == .responseTooLarge)
        expectBounded(baseline, peak, "endless SSE")
    }

    /// Every byte resets the idle timer; only the total deadline ends a trickle.
    @Test func trickledBodyEndsAtTheTotalDeadline() async throws {
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n".utf8))
            for _ in 0..<1000 {
                try socket.writeAll([0x20], timeout: .seconds(5))
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        defer { server.stop() }
        let timeouts = RequestTimeouts(connect: .seconds(5), headers: .seconds(5), idle: .seconds(5), total: .milliseconds(800))
        let started = MonotonicInstant.now()
        var failure: ProviderError?
        do {
            _ = try await client(server, .ollama, timeouts: timeouts).chat(chatRequest)
        } catch {
            failure = error
        }
        #expect(failure?.code == .totalTimeout)
        #expect(started.elapsed < .seconds(20), "ended by the 0.8 s total deadline, not the 100 s trickle")
    }

    @Test func garbageInsteadOfHTTPIsMalformed() async throws {
        var rng = SeededGenerator(seed: 7)
        let noise = (0..<65536).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let server = try Self.flooding(head: "", first: noise, block: noise, limit: 1 << 20)
        defer { server.stop() }
        do {
            _ = try await client(server, .ollama).listModels()
            Issue.record("garbage was accepted as a model list")
        } catch {
            #expect(error.code == .malformedResponse)
        }
    }

    /// Backpressure: a consumer that stops reading stops the socket reader, so the server can
    /// only fill the kernel buffers and the client's 1 MiB, never gigabytes.
    @Test func stalledConsumerStopsTheReader() async throws {
        let sent = LockedValue(0)
        let block = [UInt8](repeating: 0x61, count: 64 * 1024)
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Length: 4000000000\r\n\r\n".utf8))
            while sent.current < 4_000_000_000 {
                try socket.writeAll(block, timeout: .seconds(10))
                sent.withLock { $0 += block.count }
            }
        }
        defer { server.stop() }
        let request = try #require(HTTPClientRequest(url: "\(server.baseURL)/"))
        do {
            var iterator = RawHTTPClient().stream(request).makeAsyncIterator()
            var sawBody = false
            while !sawBody, let event = try await iterator.next() {
                if case .body = event { sawBody = true }
            }
            #expect(sawBody)
            try await Task.sleep(for: .seconds(1))  // the consumer stalls
            #expect(sent.current < 64 << 20, "read ahead of a stalled consumer: \(sent.current) bytes")
        }
        // The stream is gone: the reader, blocked on the full buffer, must wake and close its socket
        // (only the server's listening socket remains on this port).
        let port = server.port
        #expect(await eventually { ProcessResources.openSocketCount(port: port) <= 1 }, "a dropped stream closes its connection")
    }
    /// End to end: a `streamChat` consumer that stops reading stops decoding and so the socket
    /// reader; the server cannot push the stream ahead of it.
    @Test func stalledChatConsumerStopsTheStream() async throws {
        let sent = LockedValue(0)
        let line = #"{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"hello "},"done":false}"# + "\n"
        let block = Self.chunk(Array(String(repeating: line, count: 300).utf8))
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            while sent.current < 4_000_000_000 {
                try socket.writeAll(block, timeout: .seconds(10))
                sent.withLock { $0 += block.count }
            }
        }
        defer { server.stop() }
        var iterator = client(server, .ollama).streamChat(chatRequest).makeAsyncIterator()
        var deltas = 0
        while deltas < 1, let event = try await iterator.next() {
            if case .delta = event { deltas += 1 }
        }
        try await Task.sleep(for: .seconds(1))  // the consumer stalls
        #expect(sent.current < 64 << 20, "the stream ran ahead of a stalled consumer: \(sent.current) bytes")
        _ = iterator
    }
}
