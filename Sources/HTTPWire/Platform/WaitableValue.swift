/// A value protected by a ``ConditionLock``: like ``LockedValue``, plus waiting until the value
/// satisfies a condition (the way to join threads or wait for state changes without polling).
///
/// Mutations that a waiter may be waiting for go through ``withLockBroadcasting(_:)``.
///
/// `@unchecked Sendable`: every access to `value` happens while holding `lock`.
public final class WaitableValue<Value>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&value) }
    }

    /// Runs `body` with exclusive access to the value, then wakes every waiter.
    public func withLockBroadcasting<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock {
            defer { lock.broadcast() }
            return try body(&value)
        }
    }

    /// Blocks until `condition` holds or `deadline` (nil: none) passes.
    ///
    /// - Returns: whether the condition held.
    @discardableResult
    public func wait(until condition: (Value) -> Bool, deadline: MonotonicInstant? = nil) -> Bool {
        lock.withLock {
            while !condition(value) {
                let now = MonotonicInstant.now()
                if let deadline {
                    guard now < deadline else { return false }
                    lock.wait(for: now.duration(to: deadline))
                } else {
                    lock.wait(for: .seconds(1))
                }
            }
            return true
        }
    }
}
