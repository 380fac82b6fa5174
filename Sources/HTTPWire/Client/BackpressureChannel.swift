/// A bounded hand-over from one producing thread to one async consumer: the producer blocks in
/// ``send(_:cost:)`` while the consumer has ``limit`` bytes or more waiting, so a fast server
/// cannot make the client hold more than about `limit` plus one read of unconsumed data.
///
/// The consumer side is ``makeStream()``, a pull-based `AsyncThrowingStream`: nothing is read ahead of
/// the consumer beyond the buffer. Cancelling the consuming task, or dropping the stream and its
/// iterator, terminates the channel: the producer's pending and future ``send(_:cost:)`` calls
/// return false at once, and `onTermination` runs once (the client uses it to shut its socket).
///
/// A thread producer uses the blocking ``send(_:cost:)`` (it waits on a condition variable); a
/// task producer uses the `async` overload, which suspends instead, so the cooperative pool is
/// never blocked. One producer at a time.
///
/// `@unchecked Sendable`: every field of `state` is read and written only inside `condition`.
public final class BackpressureChannel<Element: Sendable>: @unchecked Sendable {
    private struct State {
        var buffer: [(element: Element, cost: Int)] = []
        var head = 0
        var bufferedCost = 0
        var ending: Result<Void, any Error>?
        var isTerminated = false
        var waiter: CheckedContinuation<Element?, any Error>?
        /// An async producer waiting for room (``send(_:cost:)`` from a task).
        var producer: CheckedContinuation<Void, Never>?

        /// Hands `element` to a waiting consumer or buffers it.
        mutating func deliver(_ element: Element, cost: Int) {
            if let waiter {
                self.waiter = nil
                waiter.resume(returning: element)
            } else {
                buffer.append((element, max(0, cost)))
                bufferedCost += max(0, cost)
            }
        }

        /// Wakes an async producer waiting for room.
        mutating func wakeProducer() {
            producer?.resume()
            producer = nil
        }
    }

    /// Buffered cost (bytes) at which the producer waits. Default 1 MiB.
    public let limit: Int
    private let condition = ConditionLock()
    private var state = State()
    private let onTermination: @Sendable () -> Void

    public init(limit: Int = 1 << 20, onTermination: @escaping @Sendable () -> Void = {}) {
        self.limit = max(1, limit)
        self.onTermination = onTermination
    }

    // MARK: - Producer

    /// Hands `element` to the consumer, waiting while `limit` or more is buffered.
    ///
    /// - Returns: false when the consumer is gone (the element was dropped): stop producing.
    @discardableResult
    public func send(_ element: Element, cost: Int) -> Bool {
        condition.withLock {
            while !state.isTerminated, state.bufferedCost >= limit {
                condition.wait(for: .milliseconds(250))
            }
            guard !state.isTerminated, state.ending == nil else { return false }
            state.deliver(element, cost: cost)
            return true
        }
    }

    /// The same for a producer that is a task: suspends (without blocking a thread) while
    /// `limit` or more is buffered.
    ///
    /// - Returns: false when the consumer is gone (the element was dropped): stop producing.
    @discardableResult
    public func send(_ element: Element, cost: Int) async -> Bool {
        while true {
            let hasRoom = condition.withLock { () -> Bool? in
                guard !state.isTerminated, state.ending == nil else { return nil }
                guard state.bufferedCost < limit else { return false }
                state.deliver(element, cost: cost)
                return true
            }
            guard let hasRoom else { return false }
            if hasRoom { return true }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    condition.withLock {
                        if state.isTerminated || state.bufferedCost < limit {
                            continuation.resume()
                        } else {
                            state.wakeProducer()
                            state.producer = continuation
                        }
                    }
                }
            } onCancel: {
                terminate()
            }
        }
    }

    /// Ends the stream after the buffered elements, normally or with `error`.
    public func finish(throwing error: (any Error)? = nil) {
        condition.withLock {
            guard state.ending == nil, !state.isTerminated else { return }
            state.ending = error.map { .failure($0) } ?? .success(())
            state.wakeProducer()
            if let waiter = state.waiter {
                state.waiter = nil
                resumeEnding(waiter)
            }
        }
    }

    /// Whether the consumer has gone (cancelled or dropped the stream).
    public var isTerminated: Bool { condition.withLock { state.isTerminated } }

    // MARK: - Consumer

    /// The consumer's view; call once and iterate it from one task only.
    public func makeStream() -> AsyncThrowingStream<Element, any Error> {
        let token = TerminationToken(self)
        return AsyncThrowingStream(unfolding: { try await token.channel.next() })
    }

    /// Terminates the channel from the consumer side (idempotent).
    public func terminate() {
        let first = condition.withLock { () -> Bool in
            guard !state.isTerminated else { return false }
            state.isTerminated = true
            state.buffer.removeAll()
            state.head = 0
            state.bufferedCost = 0
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume(returning: nil)
            }
            state.wakeProducer()
            condition.broadcast()
            return true
        }
        if first { onTermination() }
    }

    private func next() async throws -> Element? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                condition.withLock {
                    if state.isTerminated {
                        continuation.resume(returning: nil)
                    } else if state.head < state.buffer.count {
                        let (element, cost) = state.buffer[state.head]
                        state.head += 1
                        state.bufferedCost -= cost
                        if state.head == state.buffer.count {
                            state.buffer.removeAll(keepingCapacity: true)
                            state.head = 0
                        } else if state.head >= 64, state.head * 2 >= state.buffer.count {
                            state.buffer.removeFirst(state.head)
                            state.head = 0
                        }
                        condition.broadcast()
                        if state.bufferedCost < limit { state.wakeProducer() }
                        continuation.resume(returning: element)
                    } else if state.ending != nil {
                        resumeEnding(continuation)
                    } else {
                        state.waiter = continuation
                    }
                }
            }
        } onCancel: {
            terminate()
        }
    }

    /// Delivers the end once, then nil forever; call inside `condition`.
    private func resumeEnding(_ continuation: CheckedContinuation<Element?, any Error>) {
        switch state.ending {
        case .failure(let error)?:
            state.ending = .success(())
            continuation.resume(throwing: error)
        default:
            continuation.resume(returning: nil)
        }
    }
}

/// Held only by the consumer's stream: when the stream and its iterator are gone, the channel
/// is terminated, so a dropped stream closes the connection.
private final class TerminationToken<Element: Sendable>: Sendable {
    let channel: BackpressureChannel<Element>
    init(_ channel: BackpressureChannel<Element>) { self.channel = channel }
    deinit { channel.terminate() }
}
