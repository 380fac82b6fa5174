import HTTPWire
import Testing
import TestSupport

/// Whether this host can bind `::1` (some containers have no IPv6).
let isIPv6LoopbackAvailable: Bool = {
    guard let socket = try? Socket(family: .ipv6) else { return false }
    defer { socket.close() }
    return (try? Syscalls.bindSocket(socket.fd, to: .loopbackIPv6(port: 0))) != nil
}()

@Suite("HTTPServer lifecycle and faults", .timeLimit(.minutes(1)))
struct HTTPServerLifecycleTests {
    // MARK: - Addresses

    @Test func portZeroPicksDistinctPorts() async throws {
        let a = HTTPServer(handler: { _, w in try w.respond(status: .ok) })
        let b = HTTPServer(handler: { _, w in try w.respond(status: .ok) })
        #expect(a.port == 0)
        let portA = try a.start()
        let portB = try b.start()
        #expect(portA != 0 && portB != 0 && portA != portB)
        #expect(a.port == portA)
        #expect(a.boundAddresses.map(\.port) == [portA])
        await a.shutdown()
        await b.shutdown()
        #expect(throws: HTTPServerError.self) { try a.start() }
    }

    @Test func bindingATakenPortFailsWithTheSocketError() async throws {
        try await withHTTPServer(handler: { _, w in try w.respond(status: .ok) }) { server in
            let second = HTTPServer(configuration: .init(port: server.port), handler: { _, w in try w.respond(status: .ok) })
            let error = try #require(throws: HTTPServerError.self) { try second.start() }
            #expect(error.code == .bindFailed)
            #expect(error.underlying?.code == .addressInUse)
            #expect(error.underlying?.syscall == "bind")
            await second.shutdown()
        }
    }

    @Test func unknownHostFailsToStart() {
        let server = HTTPServer(configuration: .init(host: "no-such-host.invalid"), handler: { _, w in try w.respond(status: .ok) })
        let error = #expect(throws: HTTPServerError.self) { try server.start() }
        #expect(error?.underlying?.code == .nameResolutionFailed)
    }

    @Test(.enabled(if: isIPv6LoopbackAvailable))
    func ipv6OnlyListener() async throws {
        // The IPv4 side of the port is held (bound, not listening), so no parallel test's server can
        // take 127.0.0.1 with the same number while the refusal below is checked.
        let ipv4Side = try ReservedPort(family: .ipv4)
        defer { ipv4Side.release() }
        let configuration = HTTPServerConfiguration(host: "::1", port: ipv4Side.port, isIPv6Only: true)
        try await withHTTPServer(configuration: configuration, handler: { _, w in try w.respond(status: .ok, text: "v6") }) {
            server in
            #expect(server.baseURL == "http://[::1]:\(server.port)")
            let connection = try await RawTestConnection.connect(host: "::1", port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
            #expect(try RawHTTPResponse.parse(await connection.readUntilClose().bytes).text == "v6")
            await #expect(throws: SocketError.self) { _ = try await RawTestConnection.connect(port: server.port) }
        }
    }

    @Test(.enabled(if: isIPv6LoopbackAvailable))
    func dualStackWildcardAcceptsBothFamilies() async throws {
        let configuration = HTTPServerConfiguration(host: "::", isIPv6Only: false)
        try await withHTTPServer(configuration: configuration, handler: { request, w in
            try w.respond(status: .ok, text: request.remoteAddress ?? "?")
        }) { server in
            #expect(server.baseURL == "http://[::1]:\(server.port)")
            for host in ["127.0.0.1", "::1"] {
                let connection = try await RawTestConnection.connect(host: host, port: server.port)
                try await connection.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let response = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
                #expect(response.status == 200)
                #expect(response.text.contains(host == "::1" ? "[::1]" : "127.0.0.1"))
            }
        }
    }

    @Test func localhostBindsEveryResolvedAddress() async throws {
        let configuration = HTTPServerConfiguration(host: "localhost")
        try await withHTTPServer(configuration: configuration, handler: { _, w in try w.respond(status: .ok) }) { server in
            let resolved = try await runOnDedicatedThread { try NameResolver.resolve(host: "localhost", port: 0) }
            #expect(server.boundAddresses.count == resolved.count)
            #expect(Set(server.boundAddresses.map(\.port)) == [server.port])
            for address in server.boundAddresses {
                let connection = try await RawTestConnection.connect(to: address)
                try await connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                #expect(try RawHTTPResponse.parse(await connection.readUntilClose().bytes).status == 200)
            }
        }
    }

    // MARK: - Faults the writer injects

    @Test func resetIsSeenAsConnectionReset() async throws {
        let afterReset = LockedValue<HTTPServerError.Code?>(nil)
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("partial".utf8))
            try writer.pause(for: .milliseconds(50))
            writer.reset()
            do {
                try writer.writeBody(Array("more".utf8))
            } catch let error as HTTPServerError {
                afterReset.withLock { $0 = error.code }
            }
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .reset)
            #expect(await eventually { afterReset.current != nil })
            #expect(afterReset.current == .peerClosed)
        }
    }

    @Test func closeIsSeenAsEOFMidBody() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": "100"]))
            try writer.writeBody(Array("0123456789".utf8))
            writer.close()
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            #expect(transcript.text.hasSuffix("\r\n\r\n0123456789"))
            #expect(throws: RawHTTPResponse.ParseError.self) { try RawHTTPResponse.parse(transcript.bytes) }
        }
    }

    @Test func writeRawBypassesFraming() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeRaw(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n".utf8))
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let transcript = await connection.readUntilClose()
            #expect(transcript.ending == .eof)
            #expect(transcript.text == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")
        }
    }

    @Test func pauseIsAtLeastAsLongAsAskedAndRoughlyPrecise() async throws {
        let samples = LockedValue<[Double]>([])
        try await withHTTPServer(handler: { _, writer in
            for _ in 0..<10 {
                let start = MonotonicClock.now()
                try writer.pause(for: .milliseconds(20))
                let elapsed = Double(MonotonicClock.now() - start) / 1e6
                samples.withLock { $0.append(elapsed) }
            }
            try writer.respond(status: .ok)
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = await connection.readResponse()
        }
        let measured = samples.current
        #expect(measured.count == 10)
        #expect(measured.allSatisfy { $0 >= 20 }, "\(measured)")
        #expect(measured.allSatisfy { $0 < 500 }, "\(measured)")  // sanity only: the machine may be loaded
    }

    @Test func writerThrowsPeerClosedWhenTheClientLeaves() async throws {
        let outcome = LockedValue<HTTPServerError.Code?>(nil)
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            do {
                for _ in 0..<2000 {
                    try writer.writeBody(Array(repeating: 0x61, count: 1024))
                    try writer.pause(for: .milliseconds(2))
                }
            } catch let error as HTTPServerError {
                outcome.withLock { $0 = error.code }
                throw error
            }
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = await connection.read(atLeast: 2000)
            connection.reset()
            #expect(await eventually { outcome.current != nil })
            #expect(outcome.current == .peerClosed)
        }
    }

    @Test func waitForPeerCloseSeesTheClientGo() async throws {
        let result = LockedValue<Bool?>(nil)
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            try writer.writeBody(Array("waiting".utf8))
            let closed = writer.waitForPeerClose(timeout: .seconds(10))
            result.withLock { $0 = closed }
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = await connection.read(atLeast: 10)
            connection.close()
            #expect(await eventually { result.current != nil })
            #expect(result.current == true)
        }
    }

    // MARK: - Shutdown

    @Test func gracefulStopLetsAnInFlightStreamFinish() async throws {
        let server = HTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            for index in 0..<5 {
                try writer.writeBody(Array("chunk\(index)".utf8))
                try writer.pause(for: .milliseconds(40))
            }
            try writer.finish()
        })
        let port = try server.start()
        let connection = try await RawTestConnection.connect(port: port)
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let start = await connection.read(atLeast: 20)
        async let stopped: Void = server.shutdown(grace: .seconds(10))
        let transcript = await connection.readUntilClose()
        await stopped
        #expect(transcript.ending == .eof)
        let response = try RawHTTPResponse.parse(start.bytes + transcript.bytes)
        #expect(response.chunkSizes.count == 5)
        #expect(response.headers["Connection"] == nil)  // the head went out before the stop
        await #expect(throws: SocketError.self) { _ = try await RawTestConnection.connect(port: port) }
    }

    @Test func stopAfterGraceCutsAnEndlessStream() async throws {
        let thrown = LockedValue<HTTPServerError.Code?>(nil)
        let server = HTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok))
            do {
                while true {
                    try writer.writeBody(Array("tick".utf8))
                    try writer.pause(for: .milliseconds(20))
                }
            } catch let error as HTTPServerError {
                thrown.withLock { $0 = error.code }
                throw error
            }
        })
        let port = try server.start()
        let connection = try await RawTestConnection.connect(port: port)
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = await connection.read(atLeast: 30)
        await server.shutdown(grace: .milliseconds(100))
        #expect(thrown.current == .serverStopping)
        let rest = await connection.readUntilClose()
        #expect(rest.ending == .eof)
        #expect(server.connectionCount == 0)
    }

    @Test(.enabled(if: ProcessResources.isAvailable))
    func workerThreadsAreReusedAcrossConnections() async throws {
        let servingThreads = LockedValue<[String]>([])
        try await withHTTPServer(handler: { _, w in
            servingThreads.withLock { $0.append(ProcessResources.currentThreadName() ?? "?") }
            try w.respond(status: .ok, text: "ok")
        }) { server in
            for _ in 0..<20 {
                let connection = try await RawTestConnection.connect(port: server.port)
                try await connection.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                #expect(await connection.readUntilClose().ending == .eof)
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let names = servingThreads.current
        #expect(names.count == 20)
        // A new thread per connection would give 20 distinct names (`http<server>-w<thread number>`).
        #expect(Set(names).count < 10, "\(names)")
    }

    @Test(.enabled(if: ProcessResources.isAvailable))
    func stopLeaksNoSocketOrThread() async throws {
        let server = HTTPServer(handler: { request, writer in
            if request.path == "/hang" {
                _ = writer.waitForPeerClose(timeout: nil)
                return
            }
            try writer.respond(status: .ok, text: "ok")
        })
        let port = try server.start()
        let prefix = "http\(server.identifier)-"
        var connections: [RawTestConnection] = []
        for index in 0..<12 {
            let connection = try await RawTestConnection.connect(port: port)
            let path = index % 3 == 0 ? "/hang" : "/"
            try await connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            if path == "/" { _ = await connection.readResponse() }
            if index % 4 == 1 { connection.reset() }
            connections.append(connection)
        }
        #expect(ProcessResources.threadNames().contains { $0.hasPrefix(prefix) })
        await server.shutdown(grace: .milliseconds(200))
        for connection in connections { connection.close() }
        #expect(server.connectionCount == 0)
        #expect(await eventually { !ProcessResources.threadNames().contains { $0.hasPrefix(prefix) } })
        #expect(await eventually { ProcessResources.openSocketCount(port: port) == 0 })
        // Stopping twice is harmless.
        await server.shutdown()
    }
}
