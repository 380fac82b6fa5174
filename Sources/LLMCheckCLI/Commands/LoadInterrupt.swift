import Foundation
import HTTPWire

/// A minimal Ctrl-C handler for `llmcheck load`: the first SIGINT/SIGTERM calls `onInterrupt` (the run
/// stops and still writes what it measured); a second one ends the process with 130.
///
/// (`run` is getting a reusable interrupt handler from another helper; until it lands on main this one
/// lives in the load command's own files.)
final class LoadInterrupt: Sendable {
    private let state = LockedValue<(count: Int, sources: [any DispatchSourceSignal])>((0, []))

    init(onInterrupt: @escaping @Sendable () -> Void) {
        Syscalls.ignoreTerminationSignals()
        let queue = DispatchQueue(label: "llmcheck.load.signals")
        var sources: [any DispatchSourceSignal] = []
        for signal in Syscalls.terminationSignals {
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { [state] in
                let count = state.withLock { s -> Int in
                    s.count += 1
                    return s.count
                }
                if count == 1 { onInterrupt() } else { Syscalls.exitProcess(130) }
            }
            source.resume()
            sources.append(source)
        }
        state.withLock { $0.sources = sources }
    }

    /// Whether an interrupt arrived.
    var wasInterrupted: Bool { state.withLock { $0.count > 0 } }

    /// Stops listening.
    func cancel() {
        let sources = state.withLock { s -> [any DispatchSourceSignal] in
            defer { s.sources = [] }
            return s.sources
        }
        for source in sources { source.cancel() }
    }
}
