/// Resumes a continuation exactly once, whoever comes first: a signal handler, a timer or the
/// work itself. A ``resume(_:)`` that arrives before the waiter installed its continuation is
/// kept and delivered at once on ``install(_:)``; later resumes are ignored.
///
/// ```swift
/// let once = ResumeOnce<Void>()
/// source.setEventHandler { once.resume(()) }
/// await once.wait()
/// ```
public final class ResumeOnce<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Value, Never>)
        case early(Value)
        case done
    }

    private let state = LockedValue(State.idle)

    public init() {}

    /// Suspends until the first ``resume(_:)`` (returns at once if it already happened).
    public func wait() async -> Value {
        await withCheckedContinuation { install($0) }
    }

    /// Hands over the continuation to resume; resumes it now if a value already arrived.
    /// Install at most one continuation.
    public func install(_ continuation: CheckedContinuation<Value, Never>) {
        let early: Value? = state.withLock { state in
            switch state {
            case .idle:
                state = .waiting(continuation)
                return nil
            case .early(let value):
                state = .done
                return value
            case .waiting, .done:
                preconditionFailure("ResumeOnce.install called twice")
            }
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Resumes the waiter with `value` if nothing resumed it before; returns whether this call did.
    @discardableResult
    public func resume(_ value: Value) -> Bool {
        let action: (CheckedContinuation<Value, Never>?, Bool) = state.withLock { state in
            switch state {
            case .idle:
                state = .early(value)
                return (nil, true)
            case .waiting(let continuation):
                state = .done
                return (continuation, true)
            case .early, .done:
                return (nil, false)
            }
        }
        action.0?.resume(returning: value)
        return action.1
    }
}
