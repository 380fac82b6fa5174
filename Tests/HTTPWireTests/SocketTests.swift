import HTTPWire
import Testing
import TestSupport

@Suite("Socket, SocketAddress, NameResolver", .timeLimit(.minutes(1)))
struct SocketTests {
    @Test func addressTextForms() throws {
        let v4 = try #require(SocketAddress(ipAddress: "127.0.0.1", port: 80))
        #expect(v4.description == "127.0.0.1:80")
        #expect(v4.family == .ipv4)
        #expect(v4.isLoopback)
        let v6 = try #require(SocketAddress(ipAddress: "[::1]", port: 11434))
        #expect(v6.description == "[::1]:11434")
        #expect(v6.ipAddress == "::1")
        #expect(v6.isLoopback)
        #expect(SocketAddress(ipAddress: "::", port: 1)?.isWildcard == true)
        #expect(SocketAddress(ipAddress: "::ffff:127.0.0.1", port: 1)?.isIPv4Mapped == true)
        #expect(SocketAddress(ipAddress: "localhost", port: 1) == nil)
        #expect(SocketAddress(ipAddress: "999.1.1.1", port: 1) == nil)
        #expect(SocketAddress(addressBytes: [1, 2, 3], port: 1) == nil)
        #expect(SocketAddress.loopbackIPv6(port: 5).with(port: 6).port == 6)
    }

    @Test func resolvesLocalhostAndLiterals() async throws {
        let addresses = try await runOnDedicatedThread { try NameResolver.resolve(host: "localhost", port: 8080) }
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { $0.isLoopback && $0.port == 8080 })
        #expect(Set(addresses).count == addresses.count)
        let literal = try await NameResolver.resolve(host: "::1", port: 1)
        #expect(literal == [.loopbackIPv6(port: 1)])
        let viaAsync = try await NameResolver.resolve(host: "localhost", port: 8080)
        #expect(viaAsync == addresses)
    }

    @Test func unknownNameIsTypedError() async throws {
        let error = try await #require(throws: SocketError.self) {
            try await runOnDedicatedThread { try NameResolver.resolve(host: "no-such-host.invalid", port: 1) }
        }
        #expect(error.code == .nameResolutionFailed)
        #expect(error.syscall == "getaddrinfo")
        #expect(error.address == "no-such-host.invalid")
        #expect(!error.message.isEmpty)
    }

    @Test func connectReadWriteAndEOF() async throws {
        let listener = try Socket(family: .ipv4)
        defer { listener.close() }
        try Syscalls.setReuseAddress(listener.fd)
        try Syscalls.bindSocket(listener.fd, to: .loopbackIPv4(port: 0))
        try Syscalls.listenSocket(listener.fd, backlog: 4)
        let address = try #require(listener.localAddress)
        #expect(address.port != 0)
        // Blocking calls run on a thread; assertions stay on the test's task.
        struct Observed: Sendable {
            var readable: Bool
            var acceptedPeer: SocketAddress?
            var clientLocal: SocketAddress?
            var clientPeer: SocketAddress?
            var readAfterClose: [UInt8]
            var writeError: SocketError?
        }
        let observed = try await runOnDedicatedThread { () throws -> Observed in
            let client = try Socket.connect(to: address, timeout: .seconds(2))
            defer { client.close() }
            let clientPeer = client.peerAddress
            let clientLocal = client.localAddress
            let readable = try listener.waitReadable(timeout: .seconds(2))
            let accepted = try Syscalls.acceptConnection(listener.fd)
            if let accepted { Syscalls.closeDescriptor(accepted.fd) }
            // The peer closed: reads report end of file (0), not an error.
            let bytes = try client.readSome(max: 100, timeout: .seconds(2))
            var writeError: SocketError?
            do {
                for _ in 0..<50 { try client.writeAll(Array(repeating: 1, count: 65536), timeout: .seconds(1)) }
            } catch let error as SocketError {
                writeError = error
            }
            return Observed(
                readable: readable, acceptedPeer: accepted?.peer, clientLocal: clientLocal,
                clientPeer: clientPeer, readAfterClose: bytes, writeError: writeError)
        }
        #expect(observed.readable)
        #expect(observed.acceptedPeer != nil && observed.acceptedPeer == observed.clientLocal)
        #expect(observed.clientPeer == address)
        #expect(observed.readAfterClose.isEmpty)
        #expect(observed.writeError.map { [.brokenPipe, .connectionReset].contains($0.code) } == true)
    }

    @Test func readTimeoutIsTypedAndShutdownUnblocksAnotherThread() async throws {
        let listener = try Socket(family: .ipv4)
        defer { listener.close() }
        try Syscalls.bindSocket(listener.fd, to: .loopbackIPv4(port: 0))
        try Syscalls.listenSocket(listener.fd, backlog: 4)
        let address = try #require(listener.localAddress)
        let client = try await runOnDedicatedThread { try Socket.connect(to: address, timeout: .seconds(2)) }
        defer { client.close() }
        let timeout = try await #require(throws: SocketError.self) {
            try await runOnDedicatedThread { _ = try client.readSome(max: 10, timeout: .milliseconds(50)) }
        }
        #expect(timeout.code == .timedOut)
        async let blocked = runOnDedicatedThread { try client.readSome(max: 10, timeout: .seconds(20)) }
        try await Task.sleep(for: .milliseconds(50))
        client.shutdown()
        #expect(try await blocked.isEmpty)
        client.close()
        client.close()  // idempotent
        #expect(client.isClosed)
    }

    @Test func refusedConnectIsClassified() async throws {
        let reserved = try ReservedPort()  // bound, never listening: connects are refused
        defer { reserved.release() }
        let address = reserved.address
        let error = try await #require(throws: SocketError.self) {
            try await runOnDedicatedThread { _ = try Socket.connect(to: address, timeout: .seconds(2)) }
        }
        #expect(error.code == .connectionRefused)
        #expect(error.syscall == "connect")
        #expect(error.address == address.description)
    }

    @Test func serverParsesARequestSentByteByByte() async throws {
        try await withHTTPServer(handler: { request, writer in
            try writer.respond(status: .ok, text: "\(request.path) \(String(decoding: request.body, as: UTF8.self))")
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            let bytes = Array("POST /bytes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8)
            try await connection.send(pieces: bytes.map { [$0] }, pause: .microseconds(200))
            let response = try RawHTTPResponse.parse(await connection.readResponse().bytes)
            #expect(response.text == "/bytes abc")
        }
    }
}
