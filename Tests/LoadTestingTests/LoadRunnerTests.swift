import Foundation
import HTTPWire
@testable import LoadTesting
import MockProviders
import ProviderClient
import Reporting
import TestSupport
import Testing

/// Runs against the mocks with known physics and faults: asserts metric definitions and error classes,
/// never speed (delays the mock guarantees are lower bounds, so they cannot flake under load).
@Suite("Load runner against the mocks", .timeLimit(.minutes(1))) struct LoadRunnerTests {
    @Test(arguments: [MockProviderKind.openai, .ollama, .lmstudio])
    func closedLoopMeasuresTheMocksPhysics(kind: MockProviderKind) async throws {
        let physics = StreamingPhysics(timeToFirstToken: .milliseconds(40), tokensPerSecond: 100)
        let (result, journal) = try await runAgainstMock(kind, physics: physics) {
            $0.mode = .closedLoop(concurrency: 3)
            $0.requestCount = 6
        }
        #expect(result.samples.count == 6)
        #expect(result.stopReason == "requests")
        #expect(journal.filter { $0.status == 200 }.count == 6)
        for sample in result.samples {
            let t = sample.trace
            #expect(sample.isCompleted, "\(String(describing: t.error))")
            #expect(t.outputTokens == 5)
            #expect(t.tokenSource == .serverUsage, "usage / eval_count from the server")
            let ttft = try #require(t.effectiveTTFTMs)
            #expect(ttft >= 40, "the mock waits 40 ms before the first token")
            #expect(t.chunkGapsMs.count == 4, "5 content chunks → 4 gaps")
            let e2e = try #require(t.effectiveE2ELMs)
            // The mock paces against absolute deadlines: token k is due 40 ms + k·10 ms after the head.
            #expect(e2e >= 80, "40 ms to the first token, then 4 gaps of 10 ms")
            let tpot = try #require(t.effectiveTPOTMs)
            #expect(abs(tpot - (e2e - ttft) / 4) < 1e-6, "TPOT = (E2E − TTFT) / (tokens − 1)")
            #expect(abs(t.chunkGapsMs.reduce(0, +) - (e2e - ttft)) < 0.01, "the gaps add up to E2E − TTFT")
            #expect((sample.ttfbMs ?? .infinity) <= ttft)
        }
        let summary = LoadSummary(result: result, objectives: nil)
        #expect(summary.metrics["itl_ms"]?.count == 24, "ITL pools every gap of every request")
        #expect(summary.metrics["tpot_ms"]?.count == 6, "TPOT is one value per request")
        #expect(summary.tokenSource == "server_usage")
        #expect(summary.requests.completed == 6 && summary.requests.failed == 0)
    }

    @Test func nonStreamingCountsWholeAnswers() async throws {
        let (result, journal) = try await runAgainstMock(.openai) {
            $0.requestCount = 3
            $0.isStreaming = false
        }
        #expect(result.samples.allSatisfy { $0.isCompleted })
        #expect(journal.allSatisfy { $0.stream == false })
        #expect(result.samples.allSatisfy { $0.trace.effectiveTTFTMs == $0.trace.effectiveE2ELMs && $0.trace.chunkGapsMs.isEmpty })
    }

    @Test(arguments: [
        ("malformed=chunk:2", LoadErrorClass.malformedChunk),
        ("close=after:2", LoadErrorClass.noTerminator),
        ("rst=after:2", LoadErrorClass.reset),
        ("stream_error=after:2", LoadErrorClass.midStreamError),
        ("content_type=text/html", LoadErrorClass.wrongContentType),
        ("status=429", "http_429"),
        ("status=503", "http_503"),
    ])
    func brokenStreamsAreCountedByClass(fault: String, expected: String) async throws {
        let (result, _) = try await runAgainstMock(.openai, faults: [fault]) {
            $0.mode = .closedLoop(concurrency: 2)
            $0.requestCount = 4
        }
        let summary = LoadSummary(result: result, objectives: nil)
        #expect(summary.requests.completed == 0)
        #expect(summary.errors == [expected: 4], "\(summary.errors) \(summary.errorExamples)")
        #expect(summary.metrics["ttft_ms"] == nil, "failed requests never enter latency statistics")
    }

    @Test func aStreamWithoutFinishReasonIsAnError() async throws {
        let server = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"}}]}\n\ndata: [DONE]\n\n"
            try socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8))
        }
        defer { server.stop() }
        let runner = LoadRunner(client: try loadClient(port: server.port, kind: .openaiCompatible), configuration: LoadConfiguration(requestCount: 2))
        let result = await runner.run()
        let summary = LoadSummary(result: result, objectives: nil)
        #expect(summary.errors == [LoadErrorClass.noFinishReason: 2])
        #expect(result.samples.allSatisfy { $0.trace.tokenSource == .chunks && $0.trace.outputTokens == 2 }, "no usage → counted chunks")
    }

    @Test func openLoopSchedulesOnTheArrivalProcess() async throws {
        let (result, _) = try await runAgainstMock(.openai) {
            $0.mode = .openLoop(rate: 100, arrival: .constant)
            $0.requestCount = 8
        }
        let scheduled = result.samples.compactMap(\.scheduledNs).sorted()
        #expect(scheduled.count == 8)
        let gaps = zip(scheduled.dropFirst(), scheduled).map { $0 - $1 }
        #expect(gaps.allSatisfy { abs($0 - 10_000_000) <= 1 }, "constant arrivals: due every 10 ms (\(gaps))")
        #expect(result.samples.allSatisfy { ($0.scheduleLagMs ?? -1) >= 0 })
        let summary = LoadSummary(result: result, objectives: nil)
        #expect(summary.generator.offeredRate == 100)
        #expect(summary.generator.scheduleLagMs?.count == 8)
    }

    @Test func maxErrorRateEndsTheLevelEarly() async throws {
        let (result, _) = try await runAgainstMock(.openai, faults: ["status=500"]) {
            $0.mode = .closedLoop(concurrency: 2)
            $0.requestCount = 10_000
            $0.maximumErrorRate = 0.5
            $0.minimumRequestsForErrorRate = 5
        }
        #expect(result.stopReason == "max_error_rate")
        #expect(result.samples.count < 100)
        #expect(LoadSummary(result: result, objectives: nil).errors["http_500"] == result.samples.count)
    }

    @Test func warmupRequestsAreLeftOut() async throws {
        let (result, journal) = try await runAgainstMock(.openai) {
            $0.requestCount = 3
            $0.warmup = 2
        }
        #expect(journal.filter { $0.path == "/v1/chat/completions" }.count == 5)
        #expect(result.samples.count == 3 && result.samples.allSatisfy { !$0.trace.isWarmup })
        #expect(LoadSummary(result: result, objectives: nil).requests.warmup == 2)
    }

    @Test func cancellingTheRunKeepsWhatWasMeasured() async throws {
        let physics = StreamingPhysics(timeToFirstToken: .seconds(30))
        try await withMockProviderServer(MockConfiguration(provider: .openai, physics: physics)) { server in
            let configuration = LoadConfiguration(mode: .closedLoop(concurrency: 2), requestCount: 100, model: "gpt-4o-mini")
            let runner = LoadRunner(client: try loadClient(port: server.port, kind: .openaiCompatible), configuration: configuration)
            let task = Task { await runner.run() }
            for _ in 0..<200 where runner.progress.snapshot().started < 2 { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            let result = await task.value
            #expect(result.stopReason == "interrupted")
            let summary = LoadSummary(result: result, objectives: nil)
            #expect(summary.requests.cancelled == 2 && summary.requests.failed == 0, "\(summary.requests) \(summary.errors)")
            #expect(summary.warnings.contains { $0.contains("interrupted") })
        }
    }

    @Test func theJournalSplitsServerAndClientSide() async throws {
        let physics = StreamingPhysics(timeToFirstToken: .milliseconds(30), tokensPerSecond: 200)
        try await withMockProviderServer(MockConfiguration(provider: .openai, physics: physics)) { server in
            let check = try #require(await JournalCrossCheck.begin(host: "127.0.0.1", port: server.port))
            let configuration = LoadConfiguration(mode: .closedLoop(concurrency: 2), requestCount: 4, model: "gpt-4o-mini", maxTokens: 5)
            let result = await LoadRunner(client: try loadClient(port: server.port, kind: .openaiCompatible), configuration: configuration).run()
            let split = try #require(await check.split(client: result.samples))
            #expect(split.entries == 4)
            #expect(split.serverTTFTMs?.count == 4 && split.serverGapMs?.count == 16, "role chunk, finish, usage and [DONE] left out")
            #expect((split.serverTTFTMs?.min ?? 0) >= 30)
            #expect((split.ttftClientSideP50Ms ?? -1) >= 0, "the client sees the first token after the server sent it")
        }
        let notMock = try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            try socket.writeAll(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        }
        defer { notMock.stop() }
        #expect(await JournalCrossCheck.begin(host: "127.0.0.1", port: notMock.port) == nil)
    }

    @Test func shardsSplitTheLoadExactly() {
        for total in [1, 7, 10, 64] {
            for shards in 1...5 {
                let parts = (1...shards).map { LoadRunner.share(of: total, shard: ShardInfo(index: $0, total: shards)) }
                #expect(parts.reduce(0, +) == total)
                #expect((parts.max() ?? 0) - (parts.min() ?? 0) <= 1)
            }
        }
    }
}
