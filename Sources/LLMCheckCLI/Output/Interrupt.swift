import Dispatch
import HTTPWire

/// Ctrl-C and `SIGTERM` as cancellation: the one way a long command (`run`, `load`, `proxy`, `serve`)
/// stops early and still finishes its job (reports written, summary printed).
///
/// ```swift
/// let (outcome, signal) = await Interrupt.run(onSignal: { _ in output.error("stopping…") }) {
///     await suite.run()          // sees Task.isCancelled / CancellationError after the first signal
/// }
/// if let signal { return .stopped(by: signal) }   // 130 for SIGINT, 143 for SIGTERM
/// ```
///
/// The first `SIGINT` or `SIGTERM` cancels the operation's task; the operation is expected to wind down
/// promptly and return what it has. A second signal ends the process at once with 128 + its number, for
/// the user who does not want to wait. Outside ``run(onSignal:_:)`` the signals keep their default action.
public enum Interrupt {
    /// Runs `operation` in a task that the first `SIGINT` or `SIGTERM` cancels.
    ///
    /// - Parameters:
    ///   - onSignal: Called once, on a private queue, when the first signal arrives (e.g. to say "stopping…").
    ///   - operation: The work; it must honour cancellation and return promptly when cancelled.
    /// - Returns: The operation's value and the signal that interrupted it, if any.
    public static func run<T: Sendable>(
        onSignal: (@Sendable (Int32) -> Void)? = nil,
        _ operation: @escaping @Sendable () async -> T
    ) async -> (value: T, signal: Int32?) {
        let received = LockedValue<Int32?>(nil)
        let task = Task { await operation() }
        let watcher = SignalWatcher { signal in
            let first = received.withLock { current -> Bool in
                guard current == nil else { return false }
                current = signal
                return true
            }
            guard first else { Syscalls.exitProcess(128 + signal) }
            onSignal?(signal)
            task.cancel()
        }
        let value = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        watcher.stop()
        return (value, received.current)
    }

    /// Suspends until `SIGINT` or `SIGTERM` arrives (or the task is cancelled) and returns the signal
    /// (nil when cancelled). For commands that run until stopped, such as `serve`.
    public static func waitForSignal() async -> Int32? {
        await run {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }.signal
    }
}

/// Observes `SIGINT` and `SIGTERM` with dispatch signal sources while it is active.
final class SignalWatcher: Sendable {
    private let sources: LockedValue<[any DispatchSourceSignal]>

    /// Starts observing; `handler` runs on a private serial queue for every signal.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        Syscalls.ignoreTerminationSignals()
        let queue = DispatchQueue(label: "llmcheck.interrupt")
        var made: [any DispatchSourceSignal] = []
        for number in Syscalls.terminationSignals {
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            made.append(source)
        }
        sources = LockedValue(made)
    }

    /// Stops observing and gives the signals back their default action.
    func stop() {
        let active = sources.withLock { current in
            defer { current = [] }
            return current
        }
        guard !active.isEmpty else { return }
        for source in active { source.cancel() }
        Syscalls.restoreTerminationSignals()
    }
}
