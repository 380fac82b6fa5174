#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `pthread_mutex_t` wrapper: the cheapest lock available without Foundation or
/// `Synchronization`.
///
/// `@unchecked Sendable`: the mutex itself is the synchronization; it lives at a stable heap
/// address for the lifetime of the object.
public final class Lock: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` while holding the lock.
    ///
    /// Inlinable, so that other modules get it specialized for their `T` (a generic call across the
    /// module boundary costs a metadata lookup and an indirect call on every use).
    @inlinable
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value protected by a ``Lock``.
///
/// `@unchecked Sendable`: every access to `value` goes through `withLock`.
public final class LockedValue<Value>: @unchecked Sendable {
    // Internal only so that `withLock` can be inlined into other modules: use `withLock`.
    @usableFromInline let lock = Lock()
    @usableFromInline var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value (inlinable: specialized for the caller's
    /// types, see ``Lock/withLock(_:)``).
    @inlinable
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&value) }
    }

    /// A copy of the current value.
    public var current: Value { withLock { $0 } }
}

/// The closure and name handed to a new thread.
final class ThreadBody: @unchecked Sendable {
    let name: String
    let body: @Sendable () -> Void
    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

/// A mutex with a condition variable (`pthread_mutex_t` + `pthread_cond_t`), for threads that
/// park until work arrives.
///
/// `@unchecked Sendable`: the pthread objects are the synchronization and live at stable heap
/// addresses for the lifetime of the object.
public final class ConditionLock: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` while holding the lock.
    ///
    /// Inlinable, so that other modules get it specialized for their `T` (a generic call across the
    /// module boundary costs a metadata lookup and an indirect call on every use).
    @inlinable
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a signal or at most `timeout` (a wall-clock deadline, `pthread_cond_timedwait`).
    ///
    /// - Important: Call only inside ``withLock(_:)``; spurious wake-ups happen, so re-check the
    ///   condition in a loop.
    public func wait(for timeout: Duration) {
        let nanoseconds = UInt64(max(0, timeout.nanoseconds))
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let total = UInt64(now.tv_nsec) &+ nanoseconds % 1_000_000_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + Int(nanoseconds / 1_000_000_000) + Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        _ = pthread_cond_timedwait(condition, mutex, &deadline)
    }

    /// Wakes one waiting thread.
    public func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiting thread.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
