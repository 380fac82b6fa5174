import Foundation
import HTTPWire
@testable import LoadTesting
import MockProviders
import ProviderClient
import Reporting
import TestSupport
import Testing

/// Non-streamed load requests on kept-alive connections are driven by one readiness loop after their
/// connection's first exchange: what it measures and how it fails must be what the connection threads do.
@Suite("Whole exchanges on the readiness loop", .timeLimit(.minutes(1))) struct WholeExchangeLoopTests {
    static let answer = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#
    static let response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(answer.utf8.count)\r\n\r\n\(answer)".utf8)

    /// Reads one whole request (head and Content-Length body); nil when the client closed first.
    static func readRequest(from socket: Socket) -> [UInt8]? {
        var bytes: [UInt8] = []
        while true {
            if let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if bytes.count >= end + length { return bytes }
            }
            guard let more = try? socket.readSome(max: 256 * 1024, timeout: .seconds(20)), !more.isEmpty else { return nil }
            bytes += more
        }
    }

    static func configuration(requests: Int, concurrency: Int = 1, prompt: String? = nil) -> LoadConfiguration {
        var configuration = LoadConfiguration(requestCount: requests)
        configuration.mode = .closedLoop(concurrency: concurrency)
        configuration.isStreaming = false
        if let prompt { configuration.prompts = PromptSet(prompts: [[ChatMessage.user(prompt)]], origin: "test") }
        return configuration
    }

    @Test func manyRequestsOnFewConnectionsAreAllCountedAndTimed() async throws {
        let (result, journal) = try await runAgainstMock(.openai, transport: KeepAliveTransport()) {
            $0.mode = .closedLoop(concurrency: 4)
            $0.requestCount = 60
            $0.isStreaming = false
        }
        #expect(result.samples.count == 60)
        #expect(result.samples.allSatisfy { $0.isCompleted }, "\(result.samples.compactMap(\.trace.error))")
        for sample in result.samples {
            let t = sample.trace
            #expect(t.outputTokens == 5 && t.tokenSource == .serverUsage)
            let headers = try #require(t.tHeadersNs)
            #expect(t.tSendNs <= headers && headers <= (t.tEndNs ?? .min))
        }
        let chats = journal.filter { $0.path == "/v1/chat/completions" }
        #expect(chats.count == 60)
        #expect(Set(chats.map(\.connectionID)).count <= 4, "four workers, four kept-alive connections")
        #expect((chats.map(\.indexOnConnection).max() ?? 0) >= 10, "connections were reused through the loop")
    }

    @Test func aReusedConnectionThatGoesSilentEndsInTheHeadersTimeout() async throws {
        // Answers the first request on a connection; reads the second and never answers it.
        let server = try RawTestServer { socket in
            guard Self.readRequest(from: socket) != nil else { return }
            try socket.writeAll(Self.response)
            _ = Self.readRequest(from: socket)
            _ = try? socket.readSome(max: 1024, timeout: .seconds(30))
        }
        defer { server.stop() }
        let client = try loadClient(
            port: server.port, kind: .openaiCompatible, transport: KeepAliveTransport(),
            timeouts: ProviderTimeouts(connect: .seconds(2), headers: .seconds(1), idle: .seconds(20)))
        let result = await LoadRunner(client: client, configuration: Self.configuration(requests: 2)).run()
        #expect(result.samples.count == 2)
        #expect(result.samples.filter(\.isCompleted).count == 1)
        let failed = try #require(result.samples.first { !$0.isCompleted })
        #expect(failed.errorClass == LoadErrorClass.timeout, "\(String(describing: failed.trace.error))")
        #expect(failed.trace.error?.type == ProviderError.Code.headersTimeout.rawValue)
    }

    @Test func aReusedConnectionTheServerClosedIsReplacedOnce() async throws {
        let served = LockedValue(0)
        // One answer per connection, then a close without saying so (no Connection: close).
        let server = try RawTestServer { socket in
            guard Self.readRequest(from: socket) != nil else { return }
            served.withLock { $0 += 1 }
            try socket.writeAll(Self.response)
            socket.close()
        }
        defer { server.stop() }
        let client = try loadClient(port: server.port, kind: .openaiCompatible, transport: KeepAliveTransport())
        let result = await LoadRunner(client: client, configuration: Self.configuration(requests: 4)).run()
        #expect(result.samples.allSatisfy { $0.isCompleted }, "\(result.samples.compactMap(\.trace.error))")
        #expect(served.current == 4)
        #expect(server.acceptedCount == 4)
    }

    @Test func aRequestLargerThanTheSocketBufferIsWrittenWhole() async throws {
        // A prompt of 4 MB cannot go out in one non-blocking send: the rest is written off the loop.
        let prompt = String(repeating: "word ", count: 800_000)
        let sizes = LockedValue<[Int]>([])
        let server = try RawTestServer { socket in
            while let request = Self.readRequest(from: socket) {
                sizes.withLock { $0.append(request.count) }
                try socket.writeAll(Self.response)
            }
        }
        defer { server.stop() }
        let client = try loadClient(port: server.port, kind: .openaiCompatible, transport: KeepAliveTransport())
        let result = await LoadRunner(client: client, configuration: Self.configuration(requests: 3, prompt: prompt)).run()
        #expect(result.samples.allSatisfy { $0.isCompleted }, "\(result.samples.compactMap(\.trace.error))")
        #expect(sizes.current.count == 3 && sizes.current.allSatisfy { $0 > 4_000_000 })
        #expect(server.acceptedCount == 1, "all three on one kept-alive connection")
    }

    @Test func cancellingAWaitingExchangeClosesItsConnection() async throws {
        let sawClose = LockedValue(false)
        let server = try RawTestServer { socket in
            guard Self.readRequest(from: socket) != nil else { return }
            try socket.writeAll(Self.response)
            _ = Self.readRequest(from: socket)
            // Never answers the second request: waits for the client to leave.
            let rest = try? socket.readSome(max: 1024, timeout: .seconds(20))
            sawClose.withLock { $0 = rest?.isEmpty ?? true }
        }
        defer { server.stop() }
        let transport = KeepAliveTransport()
        let client = try loadClient(port: server.port, kind: .openaiCompatible, transport: transport)
        let request = client.wholeChatRequest(ChatRequest(model: "m", messages: [.user("hi")]))
        _ = try await transport.exchangeWhole(request)
        let task = Task { try await transport.exchangeWhole(request) }
        for _ in 0..<200 where server.acceptedCount < 1 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let outcome = await task.result
        guard case .failure(let failure as KeepAliveTransport.WholeExchangeError) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect((failure.error as? TransportError)?.code == .cancelled, "\(failure.error)")
        for _ in 0..<500 where !sawClose.current { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sawClose.current, "the server saw the connection close")
    }

    @Test func eachRequestCarriesItsOwnPromptWhenRequestsAreEncodedOnce() async throws {
        let bodies = LockedValue<[String]>([])
        let server = try RawTestServer { socket in
            while let request = Self.readRequest(from: socket) {
                bodies.withLock { $0.append(String(decoding: request, as: UTF8.self)) }
                try socket.writeAll(Self.response)
            }
        }
        defer { server.stop() }
        var configuration = Self.configuration(requests: 6)
        configuration.prompts = PromptSet(prompts: ["first prompt", "second prompt", "third prompt"].map { [ChatMessage.user($0)] }, origin: "test")
        let client = try loadClient(port: server.port, kind: .openaiCompatible, transport: KeepAliveTransport())
        let result = await LoadRunner(client: client, configuration: configuration).run()
        #expect(result.samples.allSatisfy { $0.isCompleted }, "\(result.samples.compactMap(\.trace.error))")
        let expected = ["first", "second", "third", "first", "second", "third"].map { "\"content\":\"\($0) prompt\"" }
        #expect(bodies.current.count == 6)
        for (body, fragment) in zip(bodies.current, expected) {
            #expect(body.contains(fragment), "\(fragment) in \(body.suffix(200))")
            #expect(body.contains("\"stream\":false") && body.contains("Host: 127.0.0.1:\(server.port)"))
        }
    }
}
