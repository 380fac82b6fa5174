import Foundation
import LoadTesting
import Reporting
import Testing

@Suite("load.json, merge and baseline") struct LoadReportTests {
    let target = LoadReport.Target(url: "http://127.0.0.1:1", provider: "openai", model: "m", isStreaming: true, maxTokens: 5, prompts: "synthetic", seed: 1)

    func level(_ samples: [LoadSample], shard: Int? = nil, start: Date = Date(timeIntervalSince1970: 1000)) -> LoadReport.Level {
        var tagged = samples
        for i in tagged.indices { tagged[i].shard = shard }
        let summary = LoadSummary(
            mode: .closedLoop(concurrency: 2), samples: tagged, warmup: 0, objectives: nil, offeredRate: nil, concurrency: 2,
            wallSeconds: 1, cpuSeconds: 0.1, machineCores: 2, stopReason: "requests", startedAt: start, finishedAt: start)
        return LoadReport.Level(summary: summary, samples: tagged)
    }

    func samples(_ ttfts: [Double]) -> [LoadSample] {
        ttfts.enumerated().map { i, t in
            makeSample(id: "r\(i)", sendMs: Double(i), firstTokenMs: Double(i) + t, lastTokenMs: Double(i) + t + 10, gapsMs: [10], tokens: 2)
        }
    }

    @Test func theJSONDocumentHasTheDocumentedKeys() throws {
        let report = LoadReport(toolVersion: "t", target: target, isSweep: false, levels: [level(samples([10, 20, 30]))], shard: nil)
        let json = try #require(try JSONSerialization.jsonObject(with: report.withoutSamples.jsonData()) as? [String: Any])
        let requests = try #require(json["requests"] as? [String: Any])
        #expect(requests["completed"] as? Int == 3 && requests["failed"] as? Int == 0)
        #expect(json["errors"] is [String: Any])
        let throughput = try #require(json["throughput"] as? [String: Any])
        #expect(throughput["requests_per_s"] is Double && throughput["output_tokens_per_s"] is Double)
        let metrics = try #require(json["metrics"] as? [String: Any])
        for name in ["ttft_ms", "itl_ms", "tpot_ms", "e2e_ms"] {
            let m = try #require(metrics[name] as? [String: Any], "\(name)")
            for key in ["p50", "p90", "p99", "mean"] { #expect(m[key] is Double, "\(name).\(key)") }
        }
        #expect(json["samples"] == nil, "--json leaves the samples out")

        let sweep = LoadReport(toolVersion: "t", target: target, isSweep: true, levels: [level(samples([1])), level(samples([2]))], shard: nil)
        let sweepJSON = try #require(try JSONSerialization.jsonObject(with: sweep.jsonData()) as? [String: Any])
        #expect((sweepJSON["levels"] as? [Any])?.count == 2)
    }

    @Test func loadJSONRoundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = LoadReport(toolVersion: "t", target: target, isSweep: false, levels: [level(samples([10, 20]))], shard: ShardInfo(index: 1, total: 2))
        let written = try LoadOutputWriter.write(report, to: directory)
        #expect(written.count == 3)
        let back = try LoadReport.read(path: directory)
        #expect(back.levels.first?.samples == report.levels.first?.samples)
        #expect(back.shard == ShardInfo(index: 1, total: 2))
        let csv = try String(contentsOfFile: directory + "/requests.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3 && csv.hasPrefix("level,request_id"))
        let html = try String(contentsOfFile: directory + "/load.html", encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("<script src") && !html.contains("http-equiv"))
    }

    @Test func mergeRecomputesPercentilesFromEveryRequest() throws {
        let a = samples([10, 10, 10, 10])
        let b = samples([100, 200])
        let one = LoadReport(toolVersion: "t", target: target, isSweep: false, levels: [level(a, shard: 1)], shard: ShardInfo(index: 1, total: 2))
        let two = LoadReport(toolVersion: "t", target: target, isSweep: false, levels: [level(b, shard: 2, start: Date(timeIntervalSince1970: 1001))], shard: ShardInfo(index: 2, total: 2))
        let merged = try LoadMerger.merge([("a", one), ("b", two)])
        let ttft = try #require(merged.levels.first?.summary.metrics["ttft_ms"])
        #expect(ttft == Statistics(samples: [10, 10, 10, 10, 100, 200]), "not an average of the shards' percentiles")
        #expect(merged.levels.first?.summary.mode == .closedLoop(concurrency: 4))
        #expect(merged.levels.first?.summary.requests.completed == 6)
        #expect((merged.levels.first?.summary.durationSeconds ?? 0) > 1, "shards aligned on their start time")

        #expect(throws: LoadInputError.self) { try LoadMerger.merge([("a", one), ("a2", one)]) }
        let missing = #expect(throws: LoadInputError.self) { try LoadMerger.merge([("a", one)]) }
        #expect(missing?.message.contains("2/2") == true)
        #expect(throws: LoadInputError.self) { try LoadMerger.merge([("a", one.withoutSamples), ("b", two)]) }
    }

    @Test func baselineFlagsALatencyRegression() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("base-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = LoadReport(toolVersion: "t", target: target, isSweep: false, levels: [level(samples(Array(repeating: 100, count: 20)))], shard: nil)
        _ = try LoadOutputWriter.write(before, to: directory)
        let same = try LoadBaseline.compare(before, baselinePath: directory, thresholds: .default)
        #expect(!same.contains { $0.hasRegression })
        let slower = LoadReport(toolVersion: "t", target: target, isSweep: false, levels: [level(samples(Array(repeating: 300, count: 20)))], shard: nil)
        let worse = try LoadBaseline.compare(slower, baselinePath: directory, thresholds: .default)
        #expect(worse.contains { $0.hasRegression })
        #expect(worse.first?.metrics.contains { $0.metric == "ttft_ms" && $0.isRegression } == true)
        #expect(throws: LoadInputError.self) { try LoadBaseline.compare(slower, baselinePath: directory + "/nope", thresholds: .default) }
    }
}
