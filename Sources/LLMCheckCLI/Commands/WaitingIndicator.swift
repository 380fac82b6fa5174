import HTTPWire
import ProviderClient

/// The "waiting for … (Ctrl-C to stop)" line of `models` and `chat`: when standard error is a
/// terminal and a phase has been silent for ``delay``, it says what is awaited, from where and
/// for how long, updating in place, and erases itself as soon as something happens.
///
/// Fed by ``ProviderClientConfiguration/progress`` (``update(_:)``) and by the command itself
/// (``setWaiting(for:)`` before the client runs); ``stop()`` erases the line for good.
final class WaitingIndicator: Sendable {
    private struct State {
        var what: String?
        var since = MonotonicInstant.now()
        var isShown = false
        /// The whole seconds the shown line says (it is rewritten only when they change).
        var shownSeconds = -1
        var isStopped = false
        /// Whether the command's own output ends mid-line (a streamed answer): the waiting line
        /// then starts on a new line so it does not overwrite the answer.
        var outputIsMidLine = false
    }

    /// How long a phase must be silent before the line appears. 1 s.
    let delay: Duration
    private let output: OutputSink
    private let origin: String
    private let state = LockedValue(State())
    private let ticker = LockedValue<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - origin: what is waited on, as shown (`http://127.0.0.1:11434`).
    ///   - enabled: show anything at all; default: standard error is a terminal that accepts
    ///     escapes (``OutputSink/showsLiveProgress``: not `TERM=dumb`).
    init(output: OutputSink, origin: String, enabled: Bool? = nil, delay: Duration = .seconds(1)) {
        self.output = output
        self.origin = origin
        self.delay = delay
        guard enabled ?? output.showsLiveProgress else {
            state.withLock { $0.isStopped = true }
            return
        }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                guard let self else { return }
                self.tick()
            }
        }
        ticker.withLock { $0 = task }
    }

    deinit { ticker.withLock { $0?.cancel() } }

    /// Starts timing a new wait for `what` (nil: nothing is awaited).
    func setWaiting(for what: String?) {
        state.withLock { state in
            eraseIfShown(&state)
            state.what = what
            state.since = .now()
        }
    }

    /// A phase change or activity reported by the client.
    func update(_ phase: RequestPhase) {
        switch phase {
        case .receiving:
            // Activity: the silence starts again, the awaited thing stays (a keep-alive piece
            // before the first token is still a wait for the first token).
            state.withLock { state in
                eraseIfShown(&state)
                state.since = .now()
            }
        case .finished:
            setWaiting(for: nil)
        default:
            setWaiting(for: phase.waitingFor)
        }
    }

    /// The answer has started (and whether the output now ends mid-line): from now on a silence
    /// is a stalled stream.
    func noteOutput(endsMidLine: Bool) {
        state.withLock { state in
            state.outputIsMidLine = endsMidLine
            if state.what != nil { state.what = RequestPhase.receiving.waitingFor }
        }
    }

    /// Erases the line and stops for good.
    func stop() {
        state.withLock { state in
            eraseIfShown(&state)
            state.isStopped = true
            state.what = nil
        }
        ticker.withLock { $0?.cancel() }
    }

    private func tick() {
        state.withLock { state in
            guard !state.isStopped, let what = state.what else { return }
            let waited = state.since.elapsed
            guard waited >= delay else { return }
            let seconds = Int(waited.secondsDouble)
            guard !state.isShown || seconds != state.shownSeconds else { return }
            var text = state.isShown ? "\r\u{1B}[K" : (state.outputIsMidLine ? "\n" : "\r\u{1B}[K")
            text += Terminal.style("waiting for \(what) from \(origin): \(seconds) s (Ctrl-C to stop)", .dim, enabled: output.usesErrorColor)
            output.writeError(text)
            state.isShown = true
            state.shownSeconds = seconds
            state.outputIsMidLine = false
        }
    }

    private func eraseIfShown(_ state: inout State) {
        guard state.isShown else { return }
        output.writeError("\r\u{1B}[K")
        state.isShown = false
    }
}
