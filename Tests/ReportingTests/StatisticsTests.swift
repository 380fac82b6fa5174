import Foundation
import Testing
@testable import Reporting

@Suite("Statistics")
struct StatisticsTests {
    private func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test("matches numpy (linear percentiles, population std) on an unsorted sample")
    func numpyParity() throws {
        // numpy 2.4: np.mean, np.std, np.percentile(a, [50, 90, 95, 99])
        let samples = [12.5, 3.25, 7.0, 100.0, 42.0, 0.5, 18.75, 9.0, 61.0, 27.5, 33.3]
        let s = try #require(Statistics(samples: samples))
        #expect(s.count == 11)
        #expect(close(s.mean, 28.61818181818182))
        #expect(close(s.std, 28.587602786135307))
        #expect(s.min == 0.5 && s.max == 100)
        #expect(close(s.p50, 18.75))
        #expect(close(s.p90, 61.0))
        #expect(close(s.p95, 80.5))
        #expect(close(s.p99, 96.1))
        #expect(s.p999 == nil)
        #expect(s.isP99Unreliable)
    }

    @Test("p99.9 appears from 1000 samples and matches numpy")
    func p999() throws {
        let samples = (1...1000).map { Double($0) * 1.5 }.reversed()
        let s = try #require(Statistics(samples: Array(samples)))
        #expect(close(s.p50, 750.75))
        #expect(close(s.p99, 1485.015))
        #expect(close(s.p999, 1498.5015))
        #expect(close(s.std, 433.0124853858143))
        #expect(!s.isP99Unreliable)
        #expect(Statistics(samples: Array(samples.prefix(999)))?.p999 == nil)
    }

    @Test("single sample, empty input and non-finite values")
    func edgeCases() throws {
        #expect(Statistics(samples: []) == nil)
        #expect(Statistics(samples: [.nan, .infinity]) == nil)
        let one = try #require(Statistics(samples: [4.2, .nan]))
        #expect(one.count == 1 && one.p50 == 4.2 && one.p99 == 4.2 && one.std == 0)
        let two = try #require(Statistics(samples: [10, 20]))
        #expect(close(two.p50, 15) && close(two.p90, 19))
    }

    @Test("metrics derive TTFT, E2EL and TPOT from timestamps with the R1 formulas and skip warmups")
    func derivedMetrics() throws {
        let trace = RequestTrace(scenarioID: "s", requestID: "r1", provider: "openai", endpoint: "/v1/chat/completions", status: 200,
                                 tSendNs: 1_000_000, tFirstChunkNs: 41_000_000, tFirstTokenNs: 51_000_000, tLastTokenNs: 251_000_000,
                                 tEndNs: 252_000_000, chunkGapsMs: [50, 50, 50, 50], outputTokens: 5)
        #expect(trace.effectiveTTFTMs == 50)
        #expect(trace.effectiveTTFCMs == 40)
        #expect(trace.effectiveE2ELMs == 250)
        #expect(trace.effectiveTPOTMs == 50)
        #expect(trace.decodeTokensPerSecond == 20)
        var warm = trace
        warm.isWarmup = true
        warm.tFirstTokenNs = 900_000_000
        let metrics = MetricCatalog.summaries(for: [trace, warm])
        let ttft = try #require(metrics.first { $0.name == "ttft_ms" }?.statistics)
        #expect(ttft.count == 1 && ttft.max == 50)
        let icl = try #require(metrics.first { $0.name == "icl_ms" }?.statistics)
        #expect(icl.count == 4)
        var single = trace
        single.outputTokens = 1
        #expect(single.effectiveTPOTMs == nil)
    }
}
