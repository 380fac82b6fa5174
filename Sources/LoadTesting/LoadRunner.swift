import Foundation
import HTTPWire
import ProviderClient
import Reporting

/// Runs one load level against one endpoint: optional warmup, then the closed or open loop until the
/// request count, the duration, `--max-error-rate` or cancellation ends it.
///
/// Cancelling the task that awaits ``run()`` is how an interrupt ends a run: no new request starts,
/// in-flight ones are cancelled (their sockets closed) and recorded as `cancelled`, and the samples
/// measured so far are returned as usual.
public struct LoadRunner: Sendable {
    public let client: ProviderClient
    public let configuration: LoadConfiguration
    public let progress: LoadProgress

    /// Most requests in flight in the open loop; beyond it the schedule waits (and the lag shows it).
    public static let maximumInFlight = 10_000
    /// Most measured requests in one level, whatever the bounds (every sample is kept: ~0.3 KB plus 8 bytes
    /// per chunk gap each).
    public static let maximumRequestsPerLevel = 10_000_000

    public init(client: ProviderClient, configuration: LoadConfiguration, progress: LoadProgress = LoadProgress()) {
        self.client = client
        self.configuration = configuration
        self.progress = progress
    }

    // MARK: - Shares of a sharded run

    /// This shard's part of `total` (1-based shard `i` of `n` gets ⌊total/n⌋, plus one for the first `total mod n`).
    static func share(of total: Int, shard: ShardInfo?) -> Int {
        guard let shard, shard.total > 1 else { return total }
        return total / shard.total + (shard.index <= total % shard.total ? 1 : 0)
    }

    /// Global request number of this shard's `local`-th request (shards interleave, so prompts differ).
    static func globalIndex(_ local: Int, shard: ShardInfo?) -> Int {
        guard let shard, shard.total > 1 else { return local }
        return local * shard.total + shard.index - 1
    }

    /// The mode this process runs: the shard's share of the concurrency or rate.
    var localMode: LoadMode {
        switch configuration.mode {
        case .closedLoop(let concurrency):
            return .closedLoop(concurrency: max(1, Self.share(of: concurrency, shard: configuration.shard)))
        case .openLoop(let rate, let arrival):
            return .openLoop(rate: rate / Double(max(1, configuration.shard?.total ?? 1)), arrival: arrival)
        }
    }

    // MARK: - Running

    public func run() async -> LoadLevelResult {
        let mode = localMode
        if configuration.warmup > 0 && !Task.isCancelled {
            progress.begin(planned: configuration.warmup, warmup: true)
            let warmConcurrency: Int = switch mode {
            case .closedLoop(let c): c
            case .openLoop(let rate, _): max(1, min(64, Int(rate.rounded(.up))))
            }
            let executor = LoadRequestExecutor(client: client, configuration: configuration, origin: MonotonicClock.now())
            _ = await closedLoop(concurrency: warmConcurrency, limit: configuration.warmup, deadline: nil, executor: executor, warmup: true)
        }
        let requestLimit = min(
            configuration.requestCount.map { Self.share(of: $0, shard: configuration.shard) } ?? Self.maximumRequestsPerLevel,
            Self.maximumRequestsPerLevel)
        progress.begin(planned: configuration.requestCount == nil ? nil : requestLimit, warmup: false)
        let origin = MonotonicClock.now()
        let startedAt = Date()
        let cpuBefore = Syscalls.processCPUSeconds()
        let deadline = configuration.duration.map { origin &+ UInt64($0 * 1e9) }
        let executor = LoadRequestExecutor(client: client, configuration: configuration, origin: origin)
        let outcome: (samples: [LoadSample], reason: String)
        switch mode {
        case .closedLoop(let concurrency):
            outcome = await closedLoop(concurrency: concurrency, limit: requestLimit, deadline: deadline, executor: executor, warmup: false)
        case .openLoop(let rate, let arrival):
            outcome = await openLoop(rate: rate, arrival: arrival, limit: requestLimit, deadline: deadline, executor: executor)
        }
        let end = MonotonicClock.now()
        let cpuAfter = Syscalls.processCPUSeconds()
        var offered: Double?
        var concurrency: Int?
        switch mode {
        case .closedLoop(let c): concurrency = c
        case .openLoop(let rate, _): offered = rate
        }
        return LoadLevelResult(
            mode: configuration.mode, samples: outcome.samples, warmupCount: configuration.warmup, startedAt: startedAt,
            finishedAt: Date(), wallSeconds: Double(end &- origin) / 1e9,
            generatorCPUSeconds: cpuBefore.flatMap { before in cpuAfter.map { max(0, $0 - before) } },
            stopReason: outcome.reason, offeredRate: offered, concurrency: concurrency)
    }

    /// Shared between the workers of one loop.
    private struct LoopState {
        var next = 0
        var samples: [LoadSample] = []
        var stopReason: String?
    }

    private func shouldStop(_ state: inout LoopState, limit: Int?, deadline: UInt64?, warmup: Bool) -> Bool {
        if state.stopReason != nil { return true }
        if Task.isCancelled {
            state.stopReason = "interrupted"
        } else if let limit, state.next >= limit {
            state.stopReason = "requests"
        } else if let deadline, MonotonicClock.now() >= deadline {
            state.stopReason = "duration"
        } else if !warmup, let maximum = configuration.maximumErrorRate {
            let (finished, failed) = progress.outcomeCounts
            if finished >= configuration.minimumRequestsForErrorRate, Double(failed) / Double(finished) > maximum {
                state.stopReason = "max_error_rate"
            }
        }
        return state.stopReason != nil
    }

    private func record(_ sample: LoadSample, into state: LockedValue<LoopState>, warmup: Bool) {
        if !warmup { progress.noteFinished(sample) }
        state.withLock { $0.samples.append(sample) }
    }

    private func closedLoop(
        concurrency: Int, limit: Int?, deadline: UInt64?, executor: LoadRequestExecutor, warmup: Bool
    ) async -> (samples: [LoadSample], reason: String) {
        let state = LockedValue(LoopState())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, concurrency) {
                group.addTask {
                    while true {
                        let claimed: Int? = state.withLock { s in
                            if shouldStop(&s, limit: limit, deadline: deadline, warmup: warmup) { return nil }
                            defer { s.next += 1 }
                            return s.next
                        }
                        guard let local = claimed else { return }
                        progress.noteStarted()
                        let index = Self.globalIndex(local, shard: configuration.shard)
                        let sample = await executor.execute(index: index, requestID: (warmup ? "w" : "r") + String(index + 1), isWarmup: warmup)
                        record(sample, into: state, warmup: warmup)
                    }
                }
            }
        }
        let final = state.current
        return (final.samples, Task.isCancelled ? "interrupted" : final.stopReason ?? "requests")
    }

    private func openLoop(
        rate: Double, arrival: ArrivalProcess, limit: Int?, deadline: UInt64?, executor: LoadRequestExecutor
    ) async -> (samples: [LoadSample], reason: String) {
        let state = LockedValue(LoopState())
        let inFlight = LockedValue(0)
        let shardSalt = UInt64(configuration.shard?.index ?? 0) &* 0x9E37_79B9
        var schedule = ArrivalSchedule(rate: rate, process: arrival, seed: configuration.seed &+ shardSalt)
        let origin = executor.origin
        await withTaskGroup(of: Void.self) { group in
            while true {
                let due = origin &+ UInt64(schedule.nextSendTime() * 1e9)
                if let deadline, due >= deadline {
                    state.withLock { $0.stopReason = $0.stopReason ?? "duration" }
                    break
                }
                // Sleep until the request is due (or until a stop condition could have changed).
                while true {
                    let now = MonotonicClock.now()
                    if now + 20_000 >= due && inFlight.current < Self.maximumInFlight { break }
                    if Task.isCancelled { break }
                    let wait = due > now ? min(due - now, 50_000_000) : 1_000_000
                    try? await Task.sleep(nanoseconds: wait)
                }
                let claimed: Int? = state.withLock { s in
                    if shouldStop(&s, limit: limit, deadline: nil, warmup: false) { return nil }
                    defer { s.next += 1 }
                    return s.next
                }
                guard let local = claimed else { break }
                progress.noteStarted()
                inFlight.withLock { $0 += 1 }
                group.addTask {
                    let index = Self.globalIndex(local, shard: configuration.shard)
                    let sample = await executor.execute(index: index, requestID: "r" + String(index + 1), scheduled: due)
                    inFlight.withLock { $0 -= 1 }
                    record(sample, into: state, warmup: false)
                }
            }
            await group.waitForAll()
        }
        let final = state.current
        return (final.samples, Task.isCancelled ? "interrupted" : final.stopReason ?? "requests")
    }
}
