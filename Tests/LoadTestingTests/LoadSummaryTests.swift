import Foundation
import LoadTesting
import Reporting
import Testing

/// Metric definitions on hand-made samples (docs/load.md).
@Suite("Load statistics") struct LoadSummaryTests {
    func summary(_ samples: [LoadSample], slo: ServiceLevelObjectives? = nil) -> LoadSummary {
        LoadSummary(
            mode: .closedLoop(concurrency: 2), samples: samples, warmup: 1, objectives: slo, offeredRate: nil, concurrency: 2,
            wallSeconds: 2, cpuSeconds: 0.2, machineCores: 4, stopReason: "requests", startedAt: Date(), finishedAt: Date())
    }

    let samples = [
        makeSample(id: "r1", sendMs: 0, headersMs: 5, firstTokenMs: 100, lastTokenMs: 400, gapsMs: [100, 100, 100], tokens: 4),
        makeSample(id: "r2", sendMs: 100, headersMs: 110, firstTokenMs: 300, lastTokenMs: 1100, gapsMs: [400, 400], tokens: 3),
        makeSample(id: "r3", sendMs: 200, status: 429, error: "http_429"),
        makeSample(id: "r4", sendMs: 300, status: 200, error: LoadErrorClass.malformedChunk),
        makeSample(id: "r5", sendMs: 400, status: nil, error: LoadErrorClass.cancelled),
    ]

    @Test func definitions() throws {
        let s = summary(samples)
        #expect(s.requests.total == 5 && s.requests.completed == 2 && s.requests.failed == 2 && s.requests.cancelled == 1)
        #expect(s.requests.warmup == 1)
        #expect(s.errors == ["http_429": 1, LoadErrorClass.malformedChunk: 1], "cancelled requests are not errors")
        #expect(s.errorRate == 0.5)
        #expect(s.metrics["ttfb_ms"]?.mean == 7.5, "TTFB = t_headers − t_send")
        #expect(s.metrics["ttft_ms"]?.min == 100 && s.metrics["ttft_ms"]?.max == 200, "TTFT = t_first_token − t_send")
        #expect(s.metrics["itl_ms"]?.count == 5, "ITL pools every gap")
        #expect(s.metrics["itl_ms"]?.p50 == 100)
        let tpot = try #require(s.metrics["tpot_ms"])
        #expect(tpot.count == 2 && tpot.min == 100 && tpot.max == 400, "TPOT per request: (E2E − TTFT)/(tokens − 1)")
        #expect(s.metrics["e2e_ms"]?.max == 1000, "E2E = t_last_token − t_send")
        #expect(s.durationSeconds == 1.1, "first send → last end")
        #expect(abs(s.throughput.requestsPerSecond - 2 / 1.1) < 1e-9)
        #expect(abs(s.throughput.outputTokensPerSecond - 7 / 1.1) < 1e-9)
        #expect(s.metrics["output_tokens_per_s_per_request"]?.max == 10, "4 tokens in 400 ms")
        #expect(s.tokenSource == "server_usage")
        #expect(s.generator.cpuCores == 0.1)
    }

    @Test func goodputNeedsEveryObjective() {
        let s = summary(samples, slo: ServiceLevelObjectives(ttftMs: 150, tpotMs: 500))
        #expect(s.goodput?.goodRequests == 1, "r2's TTFT of 200 ms misses the 150 ms objective")
        #expect(s.goodput?.percent == 25, "of the 4 finished requests")
        let loose = summary(samples, slo: ServiceLevelObjectives(e2elMs: 2000))
        #expect(loose.goodput?.goodRequests == 2)
    }

    @Test func percentilesAreNumpyLinear() throws {
        let many: [LoadSample] = (0..<1000).map { (i: Int) -> LoadSample in
            let send = Double(i)
            let ttft = Double(i % 100) + 1
            return makeSample(id: "r\(i)", sendMs: send, firstTokenMs: send + ttft, lastTokenMs: send + 200, tokens: 1)
        }
        let ttft = try #require(summary(many).metrics["ttft_ms"])
        #expect(ttft.count == 1000 && ttft.p999 != nil, "p99.9 from 1000 samples on")
        #expect(ttft.p50 == 50.5 && ttft.min == 1 && ttft.max == 100)
    }

    @Test func lateOpenLoopSendsFlagTheGenerator() {
        var late = samples
        for i in late.indices { late[i].scheduleLagMs = 25 }
        let s = LoadSummary(
            mode: .openLoop(rate: 100, arrival: .poisson), samples: late, warmup: 0, objectives: nil, offeredRate: 100, concurrency: nil,
            wallSeconds: 1, cpuSeconds: nil, machineCores: 2, stopReason: "requests", startedAt: Date(), finishedAt: Date())
        #expect(s.generator.isBottleneck)
        #expect(s.warnings.contains { $0.contains("schedule lag") })
    }

    @Test func aClientSideTailFlagsTheGenerator() {
        var s = summary(samples)
        #expect(!s.generator.isBottleneck)
        let quick = ServerSplit(entries: 2, serverTTFTMs: nil, clientTTFTMs: nil, serverGapMs: nil, clientITLMs: nil,
                                serverDurationMs: Statistics(samples: [100, 120]))
        s.attach(quick)
        #expect(s.generator.isBottleneck, "client E2E p50 700 ms vs server 110 ms")
        #expect(s.warnings.contains { $0.contains("client side") })
        var fair = summary(samples)
        fair.attach(ServerSplit(entries: 2, serverTTFTMs: nil, clientTTFTMs: nil, serverGapMs: nil, clientITLMs: nil,
                                serverDurationMs: Statistics(samples: [650, 690])))
        #expect(!fair.generator.isBottleneck)
    }
}
