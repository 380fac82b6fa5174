import Foundation
import Reporting

/// Combines the `load.json` of shards (`--shard i/n`) into one report, recomputing every statistic from
/// the per-request samples — percentiles are never averaged.
///
/// Shards are aligned on their wall-clock start (`started_at`), so the merged duration spans the earliest
/// send to the latest end across machines; offered rates, concurrency and generator CPU are summed.
public enum LoadMerger {
    /// - Throws: ``LoadInputError`` `.badReport` when the shards do not belong together (different sweep
    ///   levels, a shard index twice, a missing shard, no samples).
    public static func merge(_ reports: [(path: String, report: LoadReport)]) throws(LoadInputError) -> LoadReport {
        guard let first = reports.first else { throw LoadInputError(.badReport, "no load.json to merge") }
        var seen: [Int: String] = [:]
        for (path, report) in reports {
            guard report.levels.count == first.report.levels.count,
                  zip(report.levels, first.report.levels).allSatisfy({ $0.summary.mode == $1.summary.mode || report.shard != nil })
            else {
                throw LoadInputError(.badReport, "\(path): its levels differ from \(first.path)'s (\(report.levels.map { "\($0.summary.mode)" }) vs \(first.report.levels.map { "\($0.summary.mode)" }))")
            }
            guard report.levels.allSatisfy({ $0.samples != nil }) else {
                throw LoadInputError(.badReport, "\(path): has no per-request samples (use the load.json from --out, not the --json output)")
            }
            if let shard = report.shard {
                if let other = seen[shard.index] {
                    throw LoadInputError(.badReport, "\(path): shard \(shard) was already given by \(other)")
                }
                guard shard.total == first.report.shard?.total else {
                    throw LoadInputError(.badReport, "\(path): shard \(shard) does not match \(first.path)'s shard count")
                }
                seen[shard.index] = path
            }
        }
        if let total = first.report.shard?.total {
            let missing = (1...total).filter { seen[$0] == nil }
            if !missing.isEmpty {
                throw LoadInputError(.badReport, "shard(s) \(missing.map { "\($0)/\(total)" }.joined(separator: ", ")) missing from the merge")
            }
        }
        var levels: [LoadReport.Level] = []
        for index in first.report.levels.indices {
            let parts = reports.map { $0.report.levels[index] }
            let start = parts.map(\.summary.startedAt).min() ?? Date()
            var samples: [LoadSample] = []
            for part in parts {
                let shift = Int64((part.summary.startedAt.timeIntervalSince(start) * 1e9).rounded())
                samples += (part.samples ?? []).map { shifted($0, by: shift) }
            }
            let summaries = parts.map(\.summary)
            let mode = mergedMode(summaries)
            let reasons = Set(summaries.map(\.stopReason))
            let cpu = summaries.allSatisfy { $0.generator.cpuSeconds != nil } ? summaries.compactMap(\.generator.cpuSeconds).reduce(0, +) : nil
            let offered = summaries.allSatisfy { $0.generator.offeredRate != nil } ? summaries.compactMap(\.generator.offeredRate).reduce(0, +) : nil
            let concurrency = summaries.allSatisfy { $0.generator.concurrency != nil } ? summaries.compactMap(\.generator.concurrency).reduce(0, +) : nil
            let summary = LoadSummary(
                mode: mode, samples: samples, warmup: summaries.map(\.requests.warmup).reduce(0, +),
                objectives: summaries.first?.goodput?.objectives, offeredRate: offered, concurrency: concurrency,
                wallSeconds: summaries.map(\.generator.wallSeconds).max() ?? 0, cpuSeconds: cpu,
                machineCores: summaries.map(\.generator.machineCores).reduce(0, +),
                stopReason: reasons.count == 1 ? reasons.first ?? "requests" : reasons.sorted().joined(separator: ","),
                startedAt: start, finishedAt: summaries.map(\.finishedAt).max() ?? start)
            levels.append(LoadReport.Level(summary: summary, samples: samples))
        }
        return LoadReport(
            toolVersion: first.report.toolVersion, target: first.report.target, isSweep: first.report.isSweep, levels: levels, shard: nil,
            mergedShards: reports.map { $0.report.shard?.description ?? $0.path })
    }

    /// The whole run's mode: shard concurrencies and rates add up.
    static func mergedMode(_ summaries: [LoadSummary]) -> LoadMode {
        guard let first = summaries.first else { return .closedLoop(concurrency: 1) }
        switch first.mode {
        case .closedLoop:
            return .closedLoop(concurrency: summaries.compactMap(\.generator.concurrency).reduce(0, +))
        case .openLoop(_, let arrival):
            return .openLoop(rate: summaries.compactMap(\.generator.offeredRate).reduce(0, +), arrival: arrival)
        }
    }

    private static func shifted(_ sample: LoadSample, by ns: Int64) -> LoadSample {
        guard ns != 0 else { return sample }
        var s = sample
        s.trace.tSendNs += ns
        s.trace.tHeadersNs = s.trace.tHeadersNs.map { $0 + ns }
        s.trace.tFirstChunkNs = s.trace.tFirstChunkNs.map { $0 + ns }
        s.trace.tFirstTokenNs = s.trace.tFirstTokenNs.map { $0 + ns }
        s.trace.tFirstOutputNs = s.trace.tFirstOutputNs.map { $0 + ns }
        s.trace.tLastTokenNs = s.trace.tLastTokenNs.map { $0 + ns }
        s.trace.tEndNs = s.trace.tEndNs.map { $0 + ns }
        s.scheduledNs = s.scheduledNs.map { $0 + ns }
        return s
    }
}
