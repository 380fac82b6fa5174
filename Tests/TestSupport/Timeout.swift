import HTTPWire

/// The error thrown by ``withTimeout(_:_:)`` when the deadline passes first.
public struct TimeoutError: Error, Sendable, CustomStringConvertible {
    public var duration: Duration
    public var description: String { "timed out after \(duration)" }
}

/// Races `body` against a sleep; throws ``TimeoutError`` (and cancels `body`) if the sleep wins.
public func withTimeout<T: Sendable>(
    _ duration: Duration, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: duration)
            throw TimeoutError(duration: duration)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimeoutError(duration: duration) }
        return first
    }
}

/// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
public func eventually(
    timeout: Duration = .seconds(5), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let deadline = MonotonicClock.now() &+ UInt64(timeout.nanoseconds)
    while true {
        if try await condition() { return true }
        if MonotonicClock.now() >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
}
