#if canImport(Glibc)
@preconcurrency import Glibc
import CPlatformShim
#elseif canImport(Musl)
@preconcurrency import Musl
import CPlatformShim
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// A readiness queue: epoll on Linux, kqueue on Darwin. The HTTP server parks idle keep-alive
// connections here instead of dedicating a blocked thread to each; several threads may wait on
// one queue at once and each event goes to one of them.
extension Syscalls {
    /// How a descriptor's readability is reported by ``waitForReadiness(_:timeoutMilliseconds:)``.
    public enum ReadinessTrigger: Sendable {
        /// Reported while the descriptor stays readable (wakes every waiter in turn: use it for
        /// a stop pipe that must reach all of them).
        case level
        /// Reported once, then disabled until ``rearmReadable(_:fd:token:)`` (`EPOLLONESHOT` /
        /// `EV_DISPATCH`): the thread that got the event owns the descriptor, and no other thread
        /// hears about it meanwhile. Rearming reports at once if bytes are already waiting.
        case oneShot
    }

    /// Creates a readiness queue (close-on-exec). Close it with ``closeDescriptor(_:)``.
    ///
    /// The corresponding C functions are `epoll_create1` (Linux) and `kqueue` (Darwin).
    public static func makeReadinessQueue() throws -> Int32 {
        #if canImport(Darwin)
        let queue = try retryingInterrupts("kqueue") { kqueue() }
        do {
            try setCloseOnExec(queue)
        } catch {
            closeDescriptor(queue)
            throw error
        }
        return queue
        #else
        return try retryingInterrupts("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        #endif
    }

    /// Starts reporting readability (and hang-up or error) of `fd` on `queue` with `token`.
    ///
    /// Closing `fd` removes it from the queue, so tokens rather than descriptor numbers identify
    /// what an event is about: a number may be reused by the next `accept`.
    /// The corresponding C functions are `epoll_ctl(EPOLL_CTL_ADD)` and `kevent(EV_ADD)`.
    public static func watchReadable(_ queue: Int32, fd: Int32, token: UInt64, trigger: ReadinessTrigger) throws {
        try changeReadable(queue, fd: fd, token: token, trigger: trigger, adding: true)
    }

    /// Re-enables a ``ReadinessTrigger/oneShot`` descriptor after its event was handled.
    ///
    /// Only the thread that owns `fd` may call it, before anyone can close the descriptor.
    /// The corresponding C functions are `epoll_ctl(EPOLL_CTL_MOD)` and `kevent(EV_ENABLE)`.
    public static func rearmReadable(_ queue: Int32, fd: Int32, token: UInt64) throws {
        try changeReadable(queue, fd: fd, token: token, trigger: .oneShot, adding: false)
    }

    private static func changeReadable(
        _ queue: Int32, fd: Int32, token: UInt64, trigger: ReadinessTrigger, adding: Bool
    ) throws {
        #if canImport(Darwin)
        var change = Darwin.kevent()
        change.ident = UInt(fd)
        change.filter = Int16(EVFILT_READ)
        change.flags = UInt16(adding ? EV_ADD | EV_ENABLE : EV_ENABLE) | (trigger == .oneShot ? UInt16(EV_DISPATCH) : 0)
        change.udata = UnsafeMutableRawPointer(bitPattern: UInt(token))
        _ = try retryingInterrupts("kevent") { Darwin.kevent(queue, &change, 1, nil, 0, nil) }
        #else
        var events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        if trigger == .oneShot { events |= EPOLLONESHOT.rawValue }
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        let operation = adding ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        _ = try retryingInterrupts("epoll_ctl") { epoll_ctl(queue, operation, fd, &event) }
        #endif
    }

    /// Waits for one readiness event; `timeoutMilliseconds` < 0 waits forever.
    ///
    /// One event per call on purpose: a caller that took several would have to serve them one
    /// after another, and a slow handler would hold up the rest.
    /// The corresponding C functions are `epoll_wait` and `kevent`.
    /// - Returns: the token given to ``watchReadable(_:fd:token:trigger:)``, or nil on timeout
    ///   or interruption.
    public static func waitForReadiness(_ queue: Int32, timeoutMilliseconds: Int32) throws -> UInt64? {
        #if canImport(Darwin)
        var event = Darwin.kevent()
        var timeout = timespec(
            tv_sec: Int(timeoutMilliseconds / 1000), tv_nsec: Int(timeoutMilliseconds % 1000) * 1_000_000)
        let count =
            timeoutMilliseconds < 0
            ? Darwin.kevent(queue, nil, 0, &event, 1, nil) : Darwin.kevent(queue, nil, 0, &event, 1, &timeout)
        if count < 0 {
            let code = errno
            if code == EINTR { return nil }
            throw SocketError(errno: code, syscall: "kevent")
        }
        return count == 0 ? nil : UInt64(UInt(bitPattern: event.udata))
        #else
        var event = epoll_event()
        let count = epoll_wait(queue, &event, 1, timeoutMilliseconds)
        if count < 0 {
            let code = errno
            if code == EINTR { return nil }
            throw SocketError(errno: code, syscall: "epoll_wait")
        }
        return count == 0 ? nil : event.data.u64
        #endif
    }
}
