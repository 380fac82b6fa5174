import HTTPWire
import Testing
import TestSupport

@Suite("HTTPConnectionPool: keep-alive reuse, chunk boundaries, stale connections", .timeLimit(.minutes(1)))
struct HTTPConnectionPoolTests {
    /// A pool whose idle age no test reaches: a full suite on two loaded cores can hold a test
    /// between two requests for seconds, past the default 2 s (the age rule has its own test).
    static let patient = HTTPConnectionPool.Configuration(maximumIdleAge: .seconds(120))

    struct Outcome: Sendable {
        var status: Int?
        var body: String
        var isReused: Bool
        var error: HTTPClientError.Code?
    }

    static let options = HTTPClientOptions(timeouts: .init(connect: .seconds(5), headers: .seconds(10), idle: .seconds(10), total: .seconds(30)))

    /// Runs one exchange through `pool` on a dedicated thread; `onEvent` may cancel the connection.
    static func exchange(
        _ url: String, method: HTTPMethod = .get, headers: HTTPHeaders = [:], pool: HTTPConnectionPool,
        onEvent: @escaping @Sendable (HTTPClientEvent, HTTPClientConnection) -> Void = { _, _ in }
    ) async throws -> Outcome {
        let request = try #require(HTTPClientRequest(url: url, method: method, headers: headers, body: method == .post ? Array("{}".utf8) : []))
        return try await runOnDedicatedThread {
            let connection = HTTPClientConnection(request: request, options: options, pool: pool)
            var outcome = Outcome(status: nil, body: "", isReused: false, error: nil)
            do {
                let timeline = try connection.run { event in
                    switch event {
                    case .head(let head, _): outcome.status = head.status.code
                    case .body(let bytes, _): outcome.body += String(decoding: bytes, as: UTF8.self)
                    default: break
                    }
                    onEvent(event, connection)
                }
                outcome.isReused = timeline.isReusedConnection
            } catch let error as HTTPClientError {
                outcome.error = error.code
            }
            return outcome
        }
    }

    /// A server whose every response says which connection and which request on it answered.
    static func numbering(_ extraHeaders: HTTPHeaders = [:]) -> HTTPHandler {
        { request, writer in
            var headers = extraHeaders
            headers["Content-Type"] = "text/plain"
            try writer.respond(status: .ok, headers: headers, text: "\(request.connectionID)/\(request.indexOnConnection)")
        }
    }

    @Test func aCompleteKeepAliveResponseLeavesTheConnectionForTheNextExchange() async throws {
        let pool = HTTPConnectionPool(configuration: Self.patient)
        try await withHTTPServer(handler: Self.numbering()) { server in
            let first = try await Self.exchange(server.baseURL + "/a", pool: pool)
            let second = try await Self.exchange(server.baseURL + "/b", pool: pool)
            let third = try await Self.exchange(server.baseURL + "/c", method: .post, pool: pool)
            #expect(first.error == nil && second.error == nil && third.error == nil)
            #expect(!first.isReused && second.isReused && third.isReused)
            let connection = first.body.split(separator: "/").first
            #expect(second.body == "\(connection ?? "?")/2")
            #expect(third.body == "\(connection ?? "?")/3")
            #expect(pool.counts.reused == 2)
            #expect(pool.idleCount == 1)
        }
        pool.closeAll()
        #expect(pool.idleCount == 0)
    }

    @Test func connectionCloseFromTheServerIsNeverKept() async throws {
        let pool = HTTPConnectionPool(configuration: Self.patient)
        try await withHTTPServer(handler: Self.numbering(["Connection": "close"])) { server in
            let first = try await Self.exchange(server.baseURL, pool: pool)
            let second = try await Self.exchange(server.baseURL, pool: pool)
            #expect(first.status == 200 && second.status == 200)
            #expect(!second.isReused)
            #expect(first.body != second.body)
            #expect(pool.counts.returned == 0 && pool.idleCount == 0)
        }
    }

    /// Each response is written in two pieces cut at `cut` (a pause between them), so the client's
    /// reads end at every kind of place: in the head, in a chunk-size line, in data, in the last
    /// chunk. The connection is kept only once the whole response was read, and the next response
    /// on it arrives intact.
    @Test(arguments: [5, 30, 46, 48, 52, 56, 60, 63, 65, 66])
    func aResponseCutAtAnyBoundaryIsReadWholeBeforeTheConnectionIsReused(cut: Int) async throws {
        let first = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".utf8)
        let second = Array("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond".utf8)
        let server = try RawTestServer { socket in
            var index = 0
            while !RawTestServer.readRequestHead(from: socket).isEmpty {
                if index == 0 {
                    try socket.writeAll(Array(first[..<cut]))
                    Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ 10_000_000)
                    try socket.writeAll(Array(first[cut...]))
                } else {
                    try socket.writeAll(second)
                }
                index += 1
            }
        }
        defer { server.stop() }
        let pool = HTTPConnectionPool(configuration: Self.patient)
        defer { pool.closeAll() }
        let a = try await Self.exchange(server.baseURL, pool: pool)
        let b = try await Self.exchange(server.baseURL, pool: pool)
        #expect(a.error == nil && a.body == "abcde")
        #expect(b.error == nil && b.body == "second" && b.isReused)
        #expect(server.acceptedCount == 1)
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray", false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false),
        ("HTTP/1.1 200 OK\r\n\r\nok", true),
    ])
    func bytesBeyondTheResponseHTTP10OrABodyUntilCloseAreNeverKept(raw: String, closes: Bool) async throws {
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array(raw.utf8))
            // Otherwise stays open: only the client's own rule can refuse the connection.
            if !closes { _ = RawTestServer.readRequestHead(from: socket, timeout: .seconds(5)) }
        }
        defer { server.stop() }
        let pool = HTTPConnectionPool(configuration: Self.patient)
        defer { pool.closeAll() }
        let a = try await Self.exchange(server.baseURL, pool: pool)
        #expect(a.error == nil && a.body == "ok")
        #expect(pool.counts.returned == 0)
        #expect(pool.idleCount == 0)
    }

    @Test func aConsumerThatLeavesNeverReturnsItsConnection() async throws {
        // Cancelled on a body piece (mid-response) and on the end event (after the whole body):
        // the caller gave up on the exchange, so the connection is not trusted again.
        try await withHTTPServer(handler: Self.numbering()) { server in
            for leaveAtEnd in [false, true] {
                let pool = HTTPConnectionPool(configuration: Self.patient)
                defer { pool.closeAll() }
                let outcome = try await Self.exchange(server.baseURL, pool: pool) { event, connection in
                    switch event {
                    case .body where !leaveAtEnd: connection.cancel()
                    case .end where leaveAtEnd: connection.cancel()
                    default: break
                    }
                }
                // The small response arrives in one read, so the exchange may end before it sees the cancel.
                #expect(outcome.status == 200)
                #expect(pool.counts.returned == 0)
                #expect(pool.idleCount == 0)
                let next = try await Self.exchange(server.baseURL, pool: pool)
                #expect(next.status == 200 && !next.isReused)
            }
        }
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedByAFreshOne() async throws {
        // The server answers one request per connection with keep-alive, then closes it.
        let closed = LockedValue(0)
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
            socket.close()
            closed.withLock { $0 += 1 }
        }
        defer { server.stop() }
        let pool = HTTPConnectionPool(configuration: Self.patient)
        defer { pool.closeAll() }
        for round in 1...3 {
            let outcome = try await Self.exchange(server.baseURL, method: .post, pool: pool)
            #expect(outcome.error == nil && outcome.body == "ok")
            for _ in 0..<500 where closed.current < round { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(server.acceptedCount == 3)
        // Seen closed before reuse, so the POST never went out on a dead connection.
        #expect(pool.counts.stale == 2)
        #expect(pool.counts.retried == 0)
    }

    /// The server reads the second request on a kept connection and closes without answering: the
    /// race between an idle close and a new request. Only a request safe to send twice is retried.
    @Test(arguments: [("GET", false, true), ("POST", false, false), ("POST", true, true)])
    func aKeptConnectionClosedUnderARequestIsRetriedOnlyWhenReplayIsSafe(method: String, idempotencyKey: Bool, retries: Bool) async throws {
        let server = try RawTestServer { socket in
            guard !RawTestServer.readRequestHead(from: socket).isEmpty else { return }
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst".utf8))
            // Reads the next request (head and the 2-byte body, if any), then closes unanswered.
            _ = RawTestServer.readRequestHead(from: socket)
        }
        defer { server.stop() }
        let pool = HTTPConnectionPool(configuration: Self.patient)
        defer { pool.closeAll() }
        let headers: HTTPHeaders = idempotencyKey ? ["Idempotency-Key": "k-1"] : [:]
        let first = try await Self.exchange(server.baseURL, method: HTTPMethod(rawValue: method), headers: headers, pool: pool)
        #expect(first.body == "first")
        let second = try await Self.exchange(server.baseURL, method: HTTPMethod(rawValue: method), headers: headers, pool: pool)
        // The server holds the connection until the request arrives: it is never seen stale first.
        #expect(pool.counts.stale == 0)
        #expect(pool.counts.retried == (retries ? 1 : 0))
        if retries {
            #expect(second.body == "first")
            #expect(server.acceptedCount == 2)
        } else {
            #expect(second.error == .connectionClosed || second.error == .connectionReset)
            #expect(server.acceptedCount == 1)
        }
    }

    @Test func connectionsIdleTooLongOrBeyondTheLimitAreClosed() async throws {
        try await withHTTPServer(handler: Self.numbering()) { server in
            let aged = HTTPConnectionPool(configuration: .init(maximumIdleConnections: 8, maximumIdleAge: .zero))
            defer { aged.closeAll() }
            _ = try await Self.exchange(server.baseURL, pool: aged)
            try await Task.sleep(for: .milliseconds(2))
            let again = try await Self.exchange(server.baseURL, pool: aged)
            #expect(!again.isReused)
            #expect(aged.counts.evicted >= 1)

            let none = HTTPConnectionPool(configuration: .init(maximumIdleConnections: 0))
            defer { none.closeAll() }
            _ = try await Self.exchange(server.baseURL, pool: none)
            #expect(none.idleCount == 0)
            #expect(!(try await Self.exchange(server.baseURL, pool: none)).isReused)
        }
    }
}
