import HTTPWire
import Reporting

/// Live counters of a running level, shared between the runner and whoever prints progress.
public final class LoadProgress: Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Sendable {
        /// Seconds since the level (or its warmup) started.
        public var elapsedSeconds: Double
        public var isWarmingUp: Bool
        public var started: Int
        public var finished: Int
        public var failed: Int
        /// Planned measured requests, if bounded by count.
        public var planned: Int?
        /// Median TTFT of the finished requests so far, ms.
        public var ttftP50Ms: Double?
        /// Completed requests per second so far.
        public var requestsPerSecond: Double { elapsedSeconds > 0 ? Double(finished - failed) / elapsedSeconds : 0 }
    }

    private struct State {
        var start = MonotonicClock.now()
        var isWarmingUp = false
        var started = 0
        var finished = 0
        var failed = 0
        var planned: Int?
        var ttfts: [Double] = []
    }

    private let state = LockedValue(State())

    public init() {}

    func begin(planned: Int?, warmup: Bool) {
        state.withLock {
            $0 = State()
            $0.planned = planned
            $0.isWarmingUp = warmup
        }
    }

    func noteStarted() { state.withLock { $0.started += 1 } }

    func noteFinished(_ sample: LoadSample) {
        state.withLock {
            $0.finished += 1
            if sample.isFailed { $0.failed += 1 }
            if let ttft = sample.trace.effectiveTTFTMs, sample.isCompleted { $0.ttfts.append(ttft) }
        }
    }

    /// Finished and failed so far (for `--max-error-rate`).
    var outcomeCounts: (finished: Int, failed: Int) { state.withLock { ($0.finished, $0.failed) } }

    public func snapshot() -> Snapshot {
        let s = state.current
        let elapsed = Double(MonotonicClock.now() &- s.start) / 1e9
        // Progress at most every second: sorting even 100k samples is a few ms.
        let p50 = s.ttfts.isEmpty ? nil : Statistics.percentile(sorted: s.ttfts.sorted(), 50)
        return Snapshot(
            elapsedSeconds: elapsed, isWarmingUp: s.isWarmingUp, started: s.started, finished: s.finished, failed: s.failed,
            planned: s.planned, ttftP50Ms: p50)
    }
}
