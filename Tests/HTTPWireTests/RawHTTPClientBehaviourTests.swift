import HTTPWire
import Testing
import TestSupport

@Suite("RawHTTPClient behaviour", .timeLimit(.minutes(1)))
struct RawHTTPClientBehaviourTests {
    /// A server that answers every request with exactly `bytes`, then closes.
    static func rawServer(_ bytes: String, close: Bool = true) -> HTTPHandler {
        { _, writer in
            try writer.writeRaw(Array(bytes.utf8))
            if close { writer.close() }
        }
    }

    static func request(_ server: HTTPServer, _ path: String = "/", method: HTTPMethod = .get) throws -> HTTPClientRequest {
        try #require(HTTPClientRequest(url: server.baseURL + path, method: method))
    }

    static func client(
        connect: Duration? = .seconds(5), headers: Duration? = .seconds(5), idle: Duration? = .seconds(5),
        total: Duration? = .seconds(20)
    ) -> RawHTTPClient {
        RawHTTPClient(options: .init(timeouts: .init(connect: connect, headers: headers, idle: idle, total: total)))
    }

    // MARK: - Framing

    struct FramingCase: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        var method: HTTPMethod = .get
        var status: Int
        var body: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        FramingCase(name: "Content-Length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", status: 200, body: "abc"),
        FramingCase(
            name: "chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1;e=1\r\nc\r\n0\r\n\r\n",
            status: 200, body: "abc"),
        FramingCase(name: "until close", raw: "HTTP/1.1 200 OK\r\n\r\nuntil the end", status: 200, body: "until the end"),
        FramingCase(
            name: "HEAD", raw: "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", method: .head, status: 200, body: ""),
        FramingCase(name: "204", raw: "HTTP/1.1 204 No Content\r\n\r\n", status: 204, body: ""),
        FramingCase(name: "304", raw: "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", status: 304, body: ""),
        FramingCase(
            name: "100 then 200", raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            status: 200, body: "ok"),
        FramingCase(
            name: "error body kept", raw: "HTTP/1.1 404 Not Found\r\nContent-Length: 26\r\n\r\n{\"error\":\"model not found\"}",
            status: 404, body: "{\"error\":\"model not found\""),
    ])
    func everyBodyFraming(_ testCase: FramingCase) async throws {
        try await withHTTPServer(handler: Self.rawServer(testCase.raw)) { server in
            let response = try await Self.client().send(try Self.request(server, method: testCase.method))
            #expect(response.status.code == testCase.status)
            #expect(response.text == testCase.body)
            #expect(response.timeline.end != nil)
        }
    }

    @Test func malformedResponseQuotesTheBytes() async throws {
        try await withHTTPServer(handler: Self.rawServer("SSH-2.0-OpenSSH_9.6\r\n")) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client().send(try Self.request(server))
            }
            #expect(error.code == .malformedResponse)
            #expect(error.parseError?.location == "status line")
            #expect(error.parseError?.snippet.contains("SSH-2.0") == true)
        }
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    ])
    func truncatedBodyIsExplicit(_ raw: String) async throws {
        try await withHTTPServer(handler: Self.rawServer(raw)) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client().send(try Self.request(server))
            }
            #expect(error.code == .truncatedBody)
            #expect(error.responseHead?.status.code == 200)
            #expect(error.timeline.bodyByteCount > 0)
        }
    }

    @Test func closedWithoutResponse() async throws {
        try await withHTTPServer(handler: { _, writer in writer.close() }) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client().send(try Self.request(server))
            }
            #expect(error.code == .connectionClosed)
            #expect(error.isBeforeResponse)
        }
    }

    @Test func resetIsConnectionReset() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("x".utf8))
            try writer.pause(for: .milliseconds(30))
            writer.reset()
        }) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client().send(try Self.request(server))
            }
            #expect(error.code == .connectionReset)
            #expect(error.responseHead?.status.code == 200)
        }
    }

    @Test func errorBodyIsCappedNotLost() async throws {
        let big = [UInt8](repeating: 0x7A, count: 300_000)
        try await withHTTPServer(handler: { _, writer in
            try writer.respond(status: .internalServerError, body: big)
        }) { server in
            var options = HTTPClientOptions()
            options.maximumErrorBodyBytes = 100_000
            let response = try await RawHTTPClient(options: options).send(try Self.request(server))
            #expect(response.status.code == 500)
            #expect(response.body.count == 100_000)
            #expect(response.isBodyTruncated)
        }
    }

    @Test func bodyOverTheLimitIsTooLarge() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.respond(status: .ok, body: [UInt8](repeating: 1, count: 5000))
        }) { server in
            var options = HTTPClientOptions()
            options.maximumBodyBytes = 1000
            let error = try await #require(throws: HTTPClientError.self) {
                try await RawHTTPClient(options: options).send(try Self.request(server))
            }
            #expect(error.code == .tooLarge)
        }
    }

    // MARK: - Timeouts

    @Test func headersTimeoutNamesItself() async throws {
        try await withHTTPServer(handler: { _, writer in
            _ = writer.waitForPeerClose(timeout: .seconds(10))
        }) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client(headers: .milliseconds(150)).send(try Self.request(server))
            }
            #expect(error.code == .headersTimeout)
            #expect(error.timeout == .milliseconds(150))
            #expect((error.waited ?? .zero) >= .milliseconds(150))
            #expect(error.message.contains("150 ms"))
        }
    }

    @Test func idleTimeoutAfterSomeBody() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("first".utf8))
            _ = writer.waitForPeerClose(timeout: .seconds(10))
        }) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client(idle: .milliseconds(150)).send(try Self.request(server))
            }
            #expect(error.code == .idleTimeout)
            #expect(error.timeline.bodyByteCount == 5)
            #expect(error.timeout == .milliseconds(150))
        }
    }

    @Test func totalTimeoutWhileBytesKeepComing() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            for _ in 0..<500 {
                try writer.writeBody(Array("tick".utf8))
                try writer.pause(for: .milliseconds(10))
            }
            try writer.finish()
        }) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await Self.client(idle: .seconds(1), total: .milliseconds(300)).send(try Self.request(server))
            }
            #expect(error.code == .totalTimeout)
            #expect(error.timeline.bodyPieces.count > 2)
        }
    }

    /// Whether this kernel drops SYNs to a full accept queue (Linux does).
    static let canProvokeConnectTimeout: Bool = {
        guard let probe = try? BlackHoleListener() else { return false }
        defer { probe.close() }
        return probe.isSaturated
    }()

    @Test(.enabled(if: canProvokeConnectTimeout))
    func connectTimeoutAgainstAFullBacklog() async throws {
        let blackHole = try BlackHoleListener()
        defer { blackHole.close() }
        let request = HTTPClientRequest(host: "127.0.0.1", port: blackHole.port)
        let error = try await #require(throws: HTTPClientError.self) {
            try await Self.client(connect: .milliseconds(200)).send(request)
        }
        #expect(error.code == .connectTimeout)
        #expect(error.timeout == .milliseconds(200))
        #expect(error.timeline.connectAttempts.first?.outcome == .failure(.timedOut, errno: Syscalls.timedOutErrno))
    }

    // MARK: - Wrong services

    @Test func bannerFromAnotherServiceIsMalformed() async throws {
        let server = try RawTestServer { socket in
            try socket.writeAll(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))
            _ = RawTestServer.readRequestHead(from: socket, timeout: .seconds(2))
        }
        defer { server.stop() }
        let request = try #require(HTTPClientRequest(url: server.baseURL + "/api/tags"))
        let error = try await #require(throws: HTTPClientError.self) { try await Self.client().send(request) }
        #expect(error.code == .malformedResponse)
        #expect(error.parseError?.snippet.contains("SSH-2.0-OpenSSH_9.6") == true)
    }

    @Test func acceptThenResetBeforeAnyByte() async throws {
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            socket.setLingerZeroAndClose()
        }
        defer { server.stop() }
        let request = try #require(HTTPClientRequest(url: server.baseURL))
        let error = try await #require(throws: HTTPClientError.self) { try await Self.client().send(request) }
        #expect(error.code == .connectionReset)
        #expect(error.isBeforeResponse)
    }

    @Test func requestBytesAreExactlyWhatWasSerialized() async throws {
        let received = LockedValue<[UInt8]>([])
        let server = try RawTestServer { socket in
            let head = RawTestServer.readRequestHead(from: socket)
            received.withLock { $0 = head }
            try socket.writeAll(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
        }
        defer { server.stop() }
        let request = HTTPClientRequest(
            method: .get, host: "127.0.0.1", port: server.port, target: "/v1/models", headers: ["Authorization": "Bearer x"])
        let response = try await Self.client().send(request)
        #expect(response.status.code == 204)
        #expect(received.current == request.serialized())
        #expect(server.acceptedCount == 1)
    }

    // MARK: - Addresses

    @Test func triesEveryGivenAddressInOrder() async throws {
        let closed = try ReservedPort()  // nothing listens, and no parallel test can take it
        defer { closed.release() }
        let closedPort = closed.port
        try await withHTTPServer(handler: { request, w in try w.respond(status: .ok, text: request.headers["Host"] ?? "") }) {
            server in
            let request = HTTPClientRequest(
                host: "model.example", port: server.port,
                addresses: [.loopbackIPv4(port: closedPort), .loopbackIPv4(port: server.port)])
            let response = try await Self.client().send(request)
            #expect(response.text == "model.example:\(server.port)")
            let attempts = response.timeline.connectAttempts
            #expect(attempts.count == 2)
            #expect(attempts.first?.outcome == .failure(.connectionRefused, errno: Syscalls.connectionRefusedErrno))
            #expect(attempts.last?.outcome == .success)
            #expect(response.timeline.nameResolutionStart == nil)
        }
    }

    @Test func unknownHostIsNameResolution() async throws {
        let request = HTTPClientRequest(host: "no-such-host.invalid", port: 80)
        let error = try await #require(throws: HTTPClientError.self) { try await Self.client().send(request) }
        #expect(error.code == .nameResolution)
        #expect(error.timeline.nameResolutionEnd != nil)
        #expect(error.socketError?.code == .nameResolutionFailed)
    }

    @Test(.enabled(if: isIPv6LoopbackAvailable))
    func ipv6HostHeaderHasBrackets() async throws {
        let configuration = HTTPServerConfiguration(host: "::1")
        try await withHTTPServer(configuration: configuration, handler: { request, w in
            try w.respond(status: .ok, text: request.headers["Host"] ?? "")
        }) { server in
            let response = try await Self.client().send(try Self.request(server))
            #expect(response.text == "[::1]:\(server.port)")
        }
    }

    @Test func urlParsing() throws {
        let a = try #require(HTTPClientRequest(url: "http://[::1]:8080/v1/models?x=1#frag"))
        #expect(a.host == "::1")
        #expect(a.port == 8080)
        #expect(a.target == "/v1/models?x=1")
        #expect(a.hostHeader == "[::1]:8080")
        let b = try #require(HTTPClientRequest(url: "HTTP://localhost"))
        #expect(b.port == 80)
        #expect(b.target == "/")
        #expect(b.hostHeader == "localhost")
        #expect(HTTPClientRequest(url: "https://api.openai.com/v1") == nil)
        #expect(HTTPClientRequest(url: "http://host:99999/") == nil)
        #expect(HTTPClientRequest(url: "http:///path") == nil)
        let post = HTTPClientRequest(method: .post, host: "h", port: 1234, target: "/p", body: Array("{}".utf8))
        #expect(String(decoding: post.serialized(), as: UTF8.self) == "POST /p HTTP/1.1\r\nHost: h:1234\r\nContent-Length: 2\r\n\r\n{}")
    }

    // MARK: - Cancellation

    @Test func droppingTheStreamClosesTheSocket() async throws {
        let peerClosed = LockedValue<Bool?>(nil)
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("token".utf8))
            let closed = writer.waitForPeerClose(timeout: .seconds(20))
            peerClosed.withLock { $0 = closed }
        }) { server in
            // No timeout could close the socket within the test: only the dropped stream can.
            let client = Self.client(headers: .seconds(30), idle: .seconds(30), total: nil)
            for try await event in client.stream(try Self.request(server)) {
                if case .body = event { break }
            }
            #expect(await eventually { peerClosed.current != nil })
            #expect(peerClosed.current == true)
        }
    }

    @Test func cancellingTheTaskEndsTheExchange() async throws {
        let peerClosed = LockedValue<Bool?>(nil)
        try await withHTTPServer(handler: { _, writer in
            let closed = writer.waitForPeerClose(timeout: .seconds(20))
            peerClosed.withLock { $0 = closed }
        }) { server in
            let request = try Self.request(server)
            let task = Task { try await Self.client(headers: .seconds(30), idle: .seconds(30), total: nil).send(request) }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            let result = await task.result
            #expect(throws: HTTPClientError.self) { try result.get() }
            #expect(await eventually { peerClosed.current != nil })
            #expect(peerClosed.current == true)
        }
    }

    @Test func blockingConnectionCancelledFromAnotherThread() async throws {
        try await withHTTPServer(handler: { _, writer in
            _ = writer.waitForPeerClose(timeout: .seconds(20))
        }) { server in
            let connection = HTTPClientConnection(request: try Self.request(server))
            async let outcome = runOnDedicatedThread { () -> HTTPClientError.Code? in
                do {
                    try connection.run { _ in }
                    return nil
                } catch let error as HTTPClientError {
                    return error.code
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            connection.cancel()
            #expect(try await outcome == .cancelled)
            #expect(connection.isCancelled)
        }
    }

    @Test func timelineIsOrdered() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            for _ in 0..<3 {
                try writer.pause(for: .milliseconds(15))
                try writer.writeBody(Array("piece".utf8))
            }
            try writer.finish()
        }) { server in
            var events: [String] = []
            var last: HTTPTimeline?
            for try await event in Self.client().stream(try Self.request(server)) {
                switch event {
                case .connected: events.append("connected")
                case .informational: events.append("informational")
                case .head: events.append("head")
                case .body: events.append("body")
                case .end(let timeline):
                    events.append("end")
                    last = timeline
                }
            }
            #expect(events == ["connected", "head", "body", "body", "body", "end"])
            let timeline = try #require(last)
            let attempt = try #require(timeline.connectAttempts.first)
            let written = try #require(timeline.requestWritten)
            let head = try #require(timeline.headersReceived)
            let first = try #require(timeline.firstBodyByte)
            let end = try #require(timeline.end)
            #expect(timeline.start <= attempt.start && attempt.end <= written && written <= head && head <= first && first <= end)
            #expect(timeline.bodyPieces.map(\.byteCount) == [5, 5, 5])
            #expect(timeline.description.contains("body         3 pieces, 15 bytes"))
            #expect(timeline.description.contains("connect      127.0.0.1:\(server.port) connected"))
            #expect(zip(timeline.bodyPieces, timeline.bodyPieces.dropFirst()).allSatisfy { $0.at <= $1.at })
        }
    }
}
