extension HTTPServer {
    /// Where the server is in its life. Every change goes through a transition of ``State`` that
    /// says what the caller must do next, outside the lock.
    enum Lifecycle {
        /// Created, nothing bound.
        case idle
        /// `start()` is binding; `stopRequested` when `stop()` came meanwhile.
        case starting(stopRequested: Bool)
        /// Accepting and serving.
        case running(Context)
        /// `stop()` is winding down connections and threads.
        case stopping(Context)
        /// Every thread has ended (or was given up on); final.
        case stopped

        var isRunning: Bool {
            if case .running = self { return true }
            return false
        }

        var runningContext: Context? {
            if case .running(let context) = self { return context }
            return nil
        }
    }

    /// What `stop()` does after its transition.
    enum StopAction {
        /// Nothing was running (or it already stopped).
        case none
        /// Another caller is stopping it: wait until ``Lifecycle/stopped``.
        case waitUntilStopped
        /// Wind this context down.
        case stop(Context)
    }

    /// An open connection and who has it.
    struct Slot {
        enum Ownership {
            /// Parked in the readiness queue.
            case idle
            /// A pool thread is serving it.
            case busy
            /// Busy, and an event for it came in after the owner re-armed it but before it parked
            /// it: the owner serves it again instead of parking.
            case busyMoreArrived
        }

        let connection: HTTPServerConnection
        var ownership = Ownership.idle
        /// When it was last parked, for the idle timeout.
        var idleSince: MonotonicInstant
    }

    /// Everything the server's threads share, guarded by one lock.
    struct State {
        var lifecycle = Lifecycle.idle
        var listeners: [Socket] = []
        var boundAddresses: [SocketAddress] = []
        var connections: [Int: Slot] = [:]
        var nextConnectionID = 1
        /// Serving threads alive (busy or waiting), not counting the accept thread.
        var servingThreads = 0
        /// Serving threads not serving a connection (waiting on the queue or about to).
        var waitingThreads = 0
        var nextThreadNumber = 1
        var nextIdleSweep = MonotonicInstant(nanoseconds: 0)
        var acceptThreadRunning = false
        var port: UInt16 = 0
        var baseURL = ""

        /// Threads of any kind still inside their loops.
        var liveThreads: Int { servingThreads + (acceptThreadRunning ? 1 : 0) }

        // MARK: Transitions

        /// idle → starting; false (a misuse) in any other state.
        mutating func beginStart() -> Bool {
            guard case .idle = lifecycle else { return false }
            lifecycle = .starting(stopRequested: false)
            return true
        }

        /// starting → running. Returns false when a `stop()` arrived during the start: the caller
        /// then stops the context it just made.
        mutating func finishStart(_ context: Context) -> Bool {
            guard case .starting(let stopRequested) = lifecycle else { return false }
            lifecycle = .running(context)
            return !stopRequested
        }

        /// starting → stopped (binding or thread creation failed).
        mutating func failStart() {
            lifecycle = .stopped
        }

        /// The `stop()` transition.
        mutating func beginStop() -> StopAction {
            switch lifecycle {
            case .idle:
                lifecycle = .stopped
                return .none
            case .starting:
                lifecycle = .starting(stopRequested: true)
                return .waitUntilStopped
            case .running(let context):
                lifecycle = .stopping(context)
                return .stop(context)
            case .stopping:
                return .waitUntilStopped
            case .stopped:
                return .none
            }
        }

        /// stopping → stopped.
        mutating func finishStop() {
            lifecycle = .stopped
        }

        var isStopped: Bool {
            if case .stopped = lifecycle { return true }
            return false
        }
    }
}
