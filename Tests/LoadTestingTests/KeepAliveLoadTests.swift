import Foundation
import HTTPWire
@testable import LoadTesting
import MockProviders
import ProviderClient
import Reporting
import TestSupport
import Testing

/// `llmcheck load` keeps connections alive by default: what it counts must not depend on that choice.
@Suite("Load through kept-alive connections", .timeLimit(.minutes(1))) struct KeepAliveLoadTests {
    @Test(arguments: [
        "malformed=chunk:2", "close=after:2", "rst=after:2", "stream_error=after:2", "content_type=text/html", "status=429",
        "status=503", "cut=after:2", "bad_chunked=after:2", "length_mismatch=+5", "length_mismatch=-5",
    ], [true, false])
    func brokenResponsesAreClassifiedAsOnFreshConnections(fault: String, streaming: Bool) async throws {
        func outcome(_ transport: (any HTTPTransport)?) async throws -> (errors: [String: Int], completed: Int) {
            let (result, _) = try await runAgainstMock(.openai, faults: [fault], transport: transport) {
                $0.mode = .closedLoop(concurrency: 2)
                $0.requestCount = 4
                $0.isStreaming = streaming
            }
            let summary = LoadSummary(result: result, objectives: nil)
            return (summary.errors, summary.requests.completed)
        }
        let fresh = try await outcome(nil)
        let kept = try await outcome(KeepAliveTransport())
        #expect(kept.errors == fresh.errors, "fault \(fault), streaming \(streaming)")
        #expect(kept.completed == fresh.completed)
        #expect(fresh.errors.values.reduce(0, +) + fresh.completed == 4)
    }

    @Test func wholeAnswersAreTimedAndCountedAsThroughTheClient() async throws {
        let (result, journal) = try await runAgainstMock(.openai, transport: KeepAliveTransport()) {
            $0.mode = .closedLoop(concurrency: 2)
            $0.requestCount = 6
            $0.isStreaming = false
        }
        #expect(result.samples.count == 6)
        for sample in result.samples {
            let t = sample.trace
            #expect(sample.isCompleted, "\(String(describing: t.error))")
            #expect(t.status == 200 && t.attempt == 1)
            #expect(t.outputTokens == 5 && t.tokenSource == .serverUsage)
            #expect(t.effectiveTTFTMs != nil && t.effectiveTTFTMs == t.effectiveE2ELMs, "a whole answer: TTFT is E2E")
            #expect(t.chunkGapsMs.isEmpty)
            let headers = try #require(t.tHeadersNs)
            #expect(t.tSendNs <= headers && headers <= (t.tEndNs ?? .min))
        }
        let chats = journal.filter { $0.path == "/v1/chat/completions" }
        #expect(chats.count == 6 && chats.allSatisfy { $0.stream == false })
        #expect(Set(chats.map(\.connectionID)).count <= 2, "two workers, two kept-alive connections")
    }

    @Test func aSilentServerFailsAsATimeoutNotAHang() async throws {
        // Sends the head of a stream, then nothing, for longer than the client's idle timeout.
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            _ = try? socket.readSome(max: 1024, timeout: .seconds(30))
        }
        defer { server.stop() }
        let client = try loadClient(
            port: server.port, kind: .openaiCompatible, transport: KeepAliveTransport(),
            timeouts: ProviderTimeouts(connect: .seconds(2), headers: .seconds(20), idle: .seconds(1)))
        let result = await LoadRunner(client: client, configuration: LoadConfiguration(requestCount: 1)).run()
        let sample = try #require(result.samples.first)
        #expect(sample.errorClass == LoadErrorClass.timeout, "\(String(describing: sample.trace.error))")
        #expect(sample.trace.error?.type == ProviderError.Code.idleTimeout.rawValue)
    }

    @Test func theServersOwnTimingsAreKeptVerbatim() async throws {
        // A llama.cpp-style answer: `timings` next to `usage`.
        let body = #"{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a b c"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7},"timings":{"prompt_n":4,"prompt_ms":2.5,"prompt_per_second":1600,"predicted_n":3,"predicted_ms":30.0,"predicted_per_second":100.0}}"#
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8))
        }
        defer { server.stop() }
        var configuration = LoadConfiguration(requestCount: 2)
        configuration.isStreaming = false
        let client = try loadClient(port: server.port, kind: .openaiCompatible, transport: KeepAliveTransport())
        let result = await LoadRunner(client: client, configuration: configuration).run()
        #expect(result.samples.count == 2)
        for sample in result.samples {
            #expect(sample.isCompleted, "\(String(describing: sample.trace.error))")
            #expect(sample.trace.providerTimings == [
                "prompt_n": 4, "prompt_ms": 2.5, "prompt_per_second": 1600, "predicted_n": 3, "predicted_ms": 30, "predicted_per_second": 100,
            ])
        }
        let (ollama, _) = try await runAgainstMock(.ollama) { $0.requestCount = 1 }
        let fields = try #require(ollama.samples.first?.trace.providerTimings)
        #expect(fields["eval_count"] == 5 && fields["eval_duration"] != nil, "Ollama's final-line metrics, in ns as sent: \(fields)")
    }
}
