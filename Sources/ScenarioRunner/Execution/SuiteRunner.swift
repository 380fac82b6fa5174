import Foundation
import HTTPWire
import Reporting

// MARK: - SuiteRunner

/// Runs many scenarios in parallel, each with its own mocks and its own deadline.
///
/// A scenario that overruns its deadline is stopped (its task cancelled, its servers stopped so that
/// blocked sockets wake up) and reported as an error of kind `timeout`; the rest of the suite carries on.
public struct SuiteRunner: Sendable {
    public struct Options: Sendable {
        /// Scenarios run at the same time. Default: active processor count.
        public var jobs: Int
        /// Run seed; each scenario's seed is derived from it and the scenario id.
        public var seed: UInt64
        /// Caps every scenario's deadline, in ms (`--timeout`); nil keeps each scenario's own.
        public var timeoutMilliseconds: Int?
        /// Extra time a timed-out scenario gets to wind down after its servers stopped. Default 1000 ms.
        public var graceMilliseconds: Int

        public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, seed: UInt64 = 0, timeoutMilliseconds: Int? = nil, graceMilliseconds: Int = 1000) {
            self.jobs = max(1, jobs)
            self.seed = seed
            self.timeoutMilliseconds = timeoutMilliseconds
            self.graceMilliseconds = graceMilliseconds
        }
    }

    /// Progress after each finished scenario.
    public struct Progress: Sendable {
        public var finished: Int
        public var total: Int
        public var failed: Int
        public var last: ScenarioResult
    }

    public var executor: ScenarioExecutor
    public var makeEnvironment: @Sendable () -> any MockEnvironment

    public init(executor: ScenarioExecutor, makeEnvironment: @escaping @Sendable () -> any MockEnvironment) {
        self.executor = executor
        self.makeEnvironment = makeEnvironment
    }

    /// Runs `scenarios`; results come back sorted by id.
    public func run(_ scenarios: [Scenario], options: Options, progress: (@Sendable (Progress) -> Void)? = nil) async -> [ScenarioResult] {
        var results: [ScenarioResult] = []
        var failed = 0
        await withTaskGroup(of: ScenarioResult.self) { group in
            var iterator = scenarios.makeIterator()
            var running = 0
            func next() -> Scenario? { iterator.next() }
            while running < options.jobs, let scenario = next() {
                group.addTask { await runOne(scenario, options: options) }
                running += 1
            }
            while let result = await group.next() {
                results.append(result)
                if result.outcome.status == .failed || result.outcome.status == .error { failed += 1 }
                progress?(Progress(finished: results.count, total: scenarios.count, failed: failed, last: result))
                if let scenario = next() {
                    group.addTask { await runOne(scenario, options: options) }
                }
            }
        }
        return results.sorted { $0.id < $1.id }
    }

    /// Runs one scenario under its deadline.
    public func runOne(_ scenario: Scenario, options: Options) async -> ScenarioResult {
        let seed = StableHash.scenarioSeed(runSeed: options.seed, scenarioID: scenario.id)
        let deadline = min(scenario.timeoutMilliseconds, options.timeoutMilliseconds ?? Int.max)
        let environment = makeEnvironment()
        let executor = self.executor
        let started = MonotonicClock.now()
        let work = Task { await executor.run(scenario, seed: seed, environment: environment) }
        if let result = await Self.race(work, milliseconds: deadline) {
            return result
        }
        // Deadline: cancel the work and stop its servers, which wakes clients blocked on their sockets.
        work.cancel()
        await environment.stop()
        _ = await Self.race(work, milliseconds: options.graceMilliseconds)
        let elapsed = Double(MonotonicClock.now() - started) / 1e9
        return ScenarioResult(
            id: scenario.id, title: scenario.description, provider: scenario.provider, capability: scenario.capability,
            tags: scenario.tags, filePath: scenario.filePath,
            outcome: .error("scenario exceeded its deadline of \(deadline) ms and was stopped", kind: "timeout"),
            durationSeconds: elapsed
        )
    }

    /// The task's value if it finishes within `milliseconds`, else nil (the task keeps running).
    static func race<T: Sendable>(_ task: Task<T, Never>, milliseconds: Int) async -> T? {
        let once = OnceResume<T?>()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            once.install(continuation)
            let timer = Task {
                // Only a sleep that ran its course is a timeout; a cancelled timer (the work finished) says nothing.
                do {
                    try await Task.sleep(for: .milliseconds(milliseconds))
                    once.resume(nil)
                } catch {}
            }
            Task {
                let value = await task.value
                timer.cancel()
                once.resume(value)
            }
        }
    }
}

// MARK: - OnceResume

/// Resumes a continuation exactly once, whoever comes first.
final class OnceResume<T: Sendable>: @unchecked Sendable {
    // @unchecked: `continuation` and `pending` are guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    private var pending: T?
    private var done = false

    func install(_ c: CheckedContinuation<T, Never>) {
        let value: T? = lock.withLock {
            if done, let p = pending {
                pending = nil
                return p
            }
            continuation = c
            return nil
        }
        if let value { c.resume(returning: value) }
    }

    func resume(_ value: T) {
        let c: CheckedContinuation<T, Never>? = lock.withLock {
            guard !done else { return nil }
            done = true
            if let c = continuation {
                continuation = nil
                return c
            }
            pending = value
            return nil
        }
        c?.resume(returning: value)
    }
}
