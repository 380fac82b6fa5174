import HTTPWire

/// The timeout watchdog for transports that cannot enforce ``TransportRequest/timeouts`` in their
/// own waits (``URLSessionTransport``, ``ScriptedTransport``). The raw-socket transport does not
/// use it: its connection enforces the same four timeouts in its `poll` calls, so every
/// transport enforces them in exactly one layer.
///
/// Events are relayed from the inner stream; a watchdog task sleeps until the earliest deadline
/// (connect → headers → idle-since-last-chunk, and total), and when one passes it fails the
/// relayed stream with a ``TransportError`` naming the timeout and cancels the relay, which
/// terminates the inner stream and so closes the connection. A phase change can bring the
/// deadline forward, so it cuts the watchdog's sleep short and the deadline is computed again.
final class TimedExchange: Sendable {
    private enum Phase {
        case connecting
        case awaitingHead
        case streaming
        case done
    }

    private struct State {
        var phase: Phase
        var lastActivity: MonotonicInstant
        var connectedAt: MonotonicInstant
        var receivedBytes = false
        var firedCode: TransportError.Code?
        /// The watchdog's current sleep, cancelled when the phase changes.
        var nap: Task<Void, Never>?
        /// Bumped on every phase change, so a sleep planned for an older phase is not started.
        var phaseChanges = 0

        /// Moves to `next` and cuts the watchdog's sleep short.
        mutating func changePhase(to next: Phase) {
            phase = next
            phaseChanges += 1
            nap?.cancel()
            nap = nil
        }
    }

    private let state: LockedValue<State>
    private let startedAt: MonotonicInstant
    private let timeouts: RequestTimeouts
    let events: AsyncThrowingStream<TransportEvent, any Error>

    /// - Parameter reportsConnect: whether `inner` emits `.connected`; if not, the connect and
    ///   headers timeouts are combined into the headers timeout.
    init(_ inner: AsyncThrowingStream<TransportEvent, any Error>, timeouts: RequestTimeouts, reportsConnect: Bool) {
        let now = MonotonicInstant.now()
        startedAt = now
        self.timeouts = timeouts
        state = LockedValue(State(phase: reportsConnect ? .connecting : .awaitingHead, lastActivity: now, connectedAt: now))
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
        events = stream
        let relay = Task { [self] in
            do {
                for try await event in inner {
                    note(event)
                    continuation.yield(event)
                }
                if Task.isCancelled, let error = firedError() {
                    continuation.finish(throwing: error)
                } else {
                    continuation.finish()
                }
            } catch {
                continuation.finish(throwing: firedError() ?? error)
            }
            state.withLock { $0.phase = .done }
        }
        let watchdog = Task { [self] in
            while !Task.isCancelled {
                guard let (deadline, code, plannedIn) = nextDeadline() else { return }
                let left = MonotonicInstant.now().duration(to: deadline)
                if left <= .zero {
                    if fire(code) {
                        continuation.finish(throwing: firedError() ?? TransportError(code, "timeout"))
                        relay.cancel()
                    }
                    return
                }
                let sleep = Task { _ = try? await Task.sleep(for: left) }
                let current = state.withLock { state -> Bool in
                    guard state.phaseChanges == plannedIn else { return false }
                    state.nap = sleep
                    return true
                }
                if !current { sleep.cancel() }  // the phase moved on meanwhile: plan again
                await withTaskCancellationHandler { await sleep.value } onCancel: { sleep.cancel() }
            }
        }
        continuation.onTermination = { _ in
            relay.cancel()
            watchdog.cancel()
        }
    }

    private func firedError() -> TransportError? {
        state.withLock { state in
            guard let code = state.firedCode else { return nil }
            let name: String
            let limit: Duration?
            switch code {
            case .connectTimeout: (name, limit) = ("connect", timeouts.connect)
            case .headersTimeout: (name, limit) = ("headers", timeouts.headers)
            case .idleTimeout: (name, limit) = ("idle", timeouts.idle)
            default: (name, limit) = ("total", timeouts.total)
            }
            return TransportError(code, "\(name) timeout (\(limit ?? .zero)) fired", receivedResponseBytes: state.receivedBytes)
        }
    }

    private func note(_ event: TransportEvent) {
        state.withLock { state in
            switch event {
            case .connected(let at, _):
                state.connectedAt = at
                state.lastActivity = state.connectedAt
                if state.phase == .connecting { state.changePhase(to: .awaitingHead) }
            case .head(_, let at):
                state.lastActivity = at
                state.receivedBytes = true
                if state.phase != .done { state.changePhase(to: .streaming) }
            case .body(_, let at):
                state.lastActivity = max(state.lastActivity, at)
            case .end:
                state.phase = .done
            }
        }
    }

    private func fire(_ code: TransportError.Code) -> Bool {
        state.withLock { state in
            guard state.phase != .done, state.firedCode == nil else { return false }
            state.firedCode = code
            state.phase = .done
            return true
        }
    }

    /// The earliest deadline, what fires then, and the phase change count it was computed in.
    private func nextDeadline() -> (MonotonicInstant, TransportError.Code, Int)? {
        state.withLock { state in
            var best: (MonotonicInstant, TransportError.Code)?
            func consider(_ deadline: MonotonicInstant?, _ code: TransportError.Code) {
                guard let deadline else { return }
                if best == nil || deadline <= best!.0 { best = (deadline, code) }
            }
            switch state.phase {
            case .done: return nil
            // The connect timeout is per address; this backstop also covers name resolution and
            // up to three addresses.
            case .connecting: consider(timeouts.connect.map { startedAt + $0 * 3 }, .connectTimeout)
            case .awaitingHead: consider(timeouts.headers.map { state.connectedAt + $0 }, .headersTimeout)
            case .streaming: consider(timeouts.idle.map { state.lastActivity + $0 }, .idleTimeout)
            }
            consider(timeouts.total.map { startedAt + $0 }, .totalTimeout)
            // No deadline in this phase: sleep until the next phase change cuts the nap short.
            guard let best else { return (MonotonicInstant.now() + .seconds(366 * 86_400), .totalTimeout, state.phaseChanges) }
            return (best.0, best.1, state.phaseChanges)
        }
    }
}
