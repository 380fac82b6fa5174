import Foundation
import HTTPWire
import Reporting

// MARK: - SuiteRunner

/// Runs many scenarios in parallel, each with its own mocks and its own deadline.
///
/// A scenario that overruns its deadline is stopped (its task cancelled, its servers stopped so that
/// blocked sockets wake up) and reported as an error of kind `timeout`; the rest of the suite carries on.
///
/// Cancelling the task that calls ``run(_:options:progress:)`` (Ctrl-C, see `Interrupt` in the CLI) stops
/// scheduling, stops the running scenarios the same way (cancellation reaches their clients, stopped
/// servers wake their sockets) and still returns a result for every scenario: the ones that finished,
/// plus the others as skipped of kind ``StopReason/interrupted``. Reaching ``Options/maxFailures`` stops
/// scheduling too; running scenarios finish and the rest are skipped of kind ``StopReason/maxFailures``.
public struct SuiteRunner: Sendable {
    public struct Options: Sendable {
        /// Scenarios run at the same time. Default: active processor count.
        public var jobs: Int
        /// Run seed; each scenario's seed is derived from it and the scenario id. Default ``defaultSeed``.
        public var seed: UInt64
        /// Caps every scenario's deadline, in ms (`--timeout`); nil keeps each scenario's own.
        public var timeoutMilliseconds: Int?
        /// Extra time a timed-out scenario gets to wind down after its servers stopped. Default 1000 ms.
        public var graceMilliseconds: Int
        /// Stop scheduling after this many failed or errored scenarios (`--max-failures`); nil never stops.
        public var maxFailures: Int?

        public init(
            jobs: Int = ProcessInfo.processInfo.activeProcessorCount, seed: UInt64 = SuiteRunner.defaultSeed,
            timeoutMilliseconds: Int? = nil, graceMilliseconds: Int = 1000, maxFailures: Int? = nil
        ) {
            self.jobs = max(1, jobs)
            self.seed = seed
            self.timeoutMilliseconds = timeoutMilliseconds
            self.graceMilliseconds = graceMilliseconds
            self.maxFailures = maxFailures.map { max(1, $0) }
        }
    }

    /// The run seed when none is given (`llmcheck run --seed`): ``ToolIdentity/defaultSeed``.
    public static var defaultSeed: UInt64 { ToolIdentity.defaultSeed }

    /// Why scenarios were not run to the end: the `kind` of their skipped outcome.
    public enum StopReason: String, Sendable {
        /// The run was cancelled (SIGINT/SIGTERM) while the scenario ran or before it started.
        case interrupted
        /// `--max-failures` was reached before the scenario started.
        case maxFailures = "max-failures"
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

    /// Runs `scenarios`; results come back sorted by id, one per scenario (see the type's discussion).
    public func run(_ scenarios: [Scenario], options: Options, progress: (@Sendable (Progress) -> Void)? = nil) async -> [ScenarioResult] {
        var results: [ScenarioResult] = []
        var failed = 0
        var unstarted: ArraySlice<Scenario> = []
        await withTaskGroup(of: ScenarioResult.self) { group in
            var pending = scenarios[...]
            func reasonToStop() -> StopReason? {
                if Task.isCancelled { return .interrupted }
                if let limit = options.maxFailures, failed >= limit { return .maxFailures }
                return nil
            }
            var running = 0
            while running < options.jobs, reasonToStop() == nil, let scenario = pending.popFirst() {
                group.addTask { await runOne(scenario, options: options) }
                running += 1
            }
            while let result = await group.next() {
                results.append(result)
                if result.outcome.status == .failed || result.outcome.status == .error { failed += 1 }
                progress?(Progress(finished: results.count, total: scenarios.count, failed: failed, last: result))
                if reasonToStop() == nil, let scenario = pending.popFirst() {
                    group.addTask { await runOne(scenario, options: options) }
                }
            }
            unstarted = pending
        }
        if !unstarted.isEmpty {
            let reason: StopReason = Task.isCancelled ? .interrupted : .maxFailures
            let message = reason == .interrupted
                ? "not run: the run was interrupted before this scenario started"
                : "not run: --max-failures \(options.maxFailures ?? 0) reached before this scenario started"
            results += unstarted.map { Self.stopped($0, message: message, reason: reason, durationSeconds: 0) }
        }
        return results.sorted { $0.id < $1.id }
    }

    /// Runs one scenario under its deadline; cancelling the calling task stops it (result: skipped, interrupted).
    public func runOne(_ scenario: Scenario, options: Options) async -> ScenarioResult {
        let seed = StableHash.scenarioSeed(runSeed: options.seed, scenarioID: scenario.id)
        let deadline = min(scenario.timeoutMilliseconds, options.timeoutMilliseconds ?? Int.max)
        let environment = makeEnvironment()
        let executor = self.executor
        let started = MonotonicInstant.now()
        let work = Task { await executor.run(scenario, seed: seed, environment: environment) }
        let result = await Self.race(work, milliseconds: deadline)
        let interrupted = Task.isCancelled
        if let result, !interrupted { return result }
        // Deadline or interruption: cancel the work and stop its servers, which wakes clients blocked on
        // their sockets. The grace wait runs in its own task, which the caller's cancellation does not reach.
        work.cancel()
        await environment.stop()
        let grace = options.graceMilliseconds
        _ = await Task { await Self.race(work, milliseconds: grace) }.value
        let elapsed = started.elapsed.secondsDouble
        if interrupted {
            return Self.stopped(scenario, message: "interrupted: the run was stopped while this scenario ran", reason: .interrupted, durationSeconds: elapsed)
        }
        return ScenarioResult(
            id: scenario.id, title: scenario.description, provider: scenario.provider, capability: scenario.capability,
            tags: scenario.tags, filePath: scenario.filePath,
            outcome: .error("scenario exceeded its deadline of \(deadline) ms and was stopped", kind: "timeout"),
            durationSeconds: elapsed
        )
    }

    /// A skipped result for a scenario the run stopped before its end.
    static func stopped(_ scenario: Scenario, message: String, reason: StopReason, durationSeconds: Double) -> ScenarioResult {
        ScenarioResult(
            id: scenario.id, title: scenario.description, provider: scenario.provider, capability: scenario.capability,
            tags: scenario.tags, filePath: scenario.filePath, outcome: .skipped(message, kind: reason.rawValue),
            durationSeconds: durationSeconds
        )
    }

    /// The task's value if it finishes within `milliseconds`, else nil (the task keeps running).
    /// Cancelling the caller also returns nil at once.
    static func race<T: Sendable>(_ task: Task<T, Never>, milliseconds: Int) async -> T? {
        let once = OnceResume<T?>()
        return await withTaskCancellationHandler {
            await wait(once, task, milliseconds: milliseconds)
        } onCancel: {
            once.resume(nil)
        }
    }

    private static func wait<T: Sendable>(_ once: OnceResume<T?>, _ task: Task<T, Never>, milliseconds: Int) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
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

/// Resumes a continuation exactly once, whoever comes first: the one helper of HTTPWire.
typealias OnceResume<T: Sendable> = ResumeOnce<T>
