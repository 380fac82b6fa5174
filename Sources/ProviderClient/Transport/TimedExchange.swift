import Foundation
import HTTPWire

/// Runs one transport exchange and enforces the four ``ProviderTimeouts`` on top of any
/// transport, recording which one fired.
///
/// Events are relayed from the transport's stream; a watchdog task sleeps until the earliest
/// deadline (connect → headers → idle-since-last-chunk, and total), and when one passes it
/// fails the relayed stream with a ``TransportError`` naming the timeout and cancels the relay,
/// which terminates the transport stream and so closes the socket. A phase change can bring the
/// deadline forward (a headers timeout shorter than the connect backstop, an idle timeout
/// shorter than the headers one), so it cuts the watchdog's sleep short and the deadline is
/// computed again.
final class TimedExchange: @unchecked Sendable {
    // @unchecked: `phase`, `lastActivity`, `connectedAt`, `fired`, `nap` are guarded by `lock`.
    private enum Phase {
        case connecting
        case awaitingHead
        case streaming
        case done
    }

    private let lock = NSLock()
    private var phase: Phase
    private var lastActivity: UInt64
    private var connectedAt: UInt64
    private var receivedBytes = false
    /// The watchdog's current sleep, cancelled when the phase changes.
    private var nap: Task<Void, Never>?
    /// Bumped on every phase change, so a sleep planned for an older phase is not started.
    private var phaseChanges = 0
    private let startedAt: UInt64
    private let timeouts: ProviderTimeouts
    let events: AsyncThrowingStream<TransportEvent, any Error>

    /// - Parameter reportsConnect: whether the transport emits `.connected`; if not, the connect
    ///   and headers timeouts are combined into the headers timeout.
    init(transport: any HTTPTransport, request: TransportRequest, reportsConnect: Bool) {
        let now = MonotonicClock.now()
        startedAt = now
        lastActivity = now
        connectedAt = now
        timeouts = request.timeouts
        phase = reportsConnect ? .connecting : .awaitingHead
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
        events = stream
        let relay = Task { [self] in
            do {
                for try await event in transport.execute(request) {
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
            finishPhase()
        }
        let watchdog = Task { [self] in
            while !Task.isCancelled {
                guard let (deadline, code, plannedIn) = nextDeadline() else { return }
                let now = MonotonicClock.now()
                if now >= deadline {
                    if fire(code) {
                        continuation.finish(throwing: firedError() ?? TransportError(code, "timeout"))
                        relay.cancel()
                    }
                    return
                }
                let sleep = Task { _ = try? await Task.sleep(nanoseconds: deadline - now) }
                let current = lock.withLock { () -> Bool in
                    guard phaseChanges == plannedIn else { return false }
                    nap = sleep
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

    private var firedCode: TransportError.Code?

    private func firedError() -> TransportError? {
        lock.withLock {
            guard let code = firedCode else { return nil }
            let name: String
            let limit: Duration
            switch code {
            case .connectTimeout: (name, limit) = ("connect", timeouts.connect)
            case .headersTimeout: (name, limit) = ("headers", timeouts.headers)
            case .idleTimeout: (name, limit) = ("idle", timeouts.idle)
            default: (name, limit) = ("total", timeouts.total ?? .zero)
            }
            return TransportError(code, "\(name) timeout (\(limit)) fired", receivedResponseBytes: receivedBytes)
        }
    }

    private func note(_ event: TransportEvent) {
        lock.withLock {
            switch event {
            case .connected(let at, _):
                connectedAt = at
                lastActivity = at
                if phase == .connecting { changePhase(to: .awaitingHead) }
            case .head(_, let at):
                lastActivity = at
                receivedBytes = true
                if phase != .done { changePhase(to: .streaming) }
            case .body(_, let at):
                lastActivity = max(lastActivity, at)
            case .end:
                phase = .done
            }
        }
    }

    /// Moves to `next` and cuts the watchdog's sleep short; call with `lock` held.
    private func changePhase(to next: Phase) {
        phase = next
        phaseChanges += 1
        nap?.cancel()
        nap = nil
    }

    private func finishPhase() { lock.withLock { phase = .done } }

    private func fire(_ code: TransportError.Code) -> Bool {
        lock.withLock {
            guard phase != .done, firedCode == nil else { return false }
            firedCode = code
            phase = .done
            return true
        }
    }

    /// The earliest deadline, what fires then, and the phase change count it was computed in.
    private func nextDeadline() -> (UInt64, TransportError.Code, Int)? {
        lock.withLock {
            func add(_ base: UInt64, _ d: Duration) -> UInt64 {
                let ns = d.nanoseconds
                return ns <= 0 ? base : base &+ UInt64(ns)
            }
            var best: (UInt64, TransportError.Code)
            switch phase {
            case .done: return nil
            // The transport enforces the connect timeout per address; this is a backstop covering
            // name resolution and up to three addresses.
            case .connecting: best = (add(startedAt, timeouts.connect * 3), .connectTimeout)
            case .awaitingHead: best = (add(connectedAt, timeouts.headers), .headersTimeout)
            case .streaming: best = (add(lastActivity, timeouts.idle), .idleTimeout)
            }
            if let total = timeouts.total {
                let deadline = add(startedAt, total)
                if deadline <= best.0 { best = (deadline, .totalTimeout) }
            }
            return (best.0, best.1, phaseChanges)
        }
    }
}
