#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// MARK: - poll

extension Syscalls {
    /// Readiness conditions for ``pollEntries(_:timeoutMilliseconds:)``.
    public struct PollEvents: OptionSet, Sendable, Hashable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }

        public static let readable = PollEvents(rawValue: Int16(POLLIN))
        public static let writable = PollEvents(rawValue: Int16(POLLOUT))
        public static let error = PollEvents(rawValue: Int16(POLLERR))
        public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
        public static let invalid = PollEvents(rawValue: Int16(POLLNVAL))
    }

    /// One descriptor watched by ``pollEntries(_:timeoutMilliseconds:)``.
    public struct PollEntry: Sendable {
        public var fd: Int32
        public var events: PollEvents
        public var returnedEvents: PollEvents = []
        public init(fd: Int32, events: PollEvents) {
            self.fd = fd
            self.events = events
        }
    }

    /// `poll(2)` over `entries`; `timeoutMilliseconds` < 0 waits forever.
    ///
    /// `EINTR` is retried with the remaining time.
    /// - Returns: the number of entries with events (0 on timeout).
    @discardableResult
    public static func pollEntries(_ entries: inout [PollEntry], timeoutMilliseconds: Int32) throws -> Int {
        var fds = entries.map { pollfd(fd: $0.fd, events: $0.events.rawValue, revents: 0) }
        let count = try pollDescriptors(&fds, timeoutMilliseconds: timeoutMilliseconds)
        for index in entries.indices { entries[index].returnedEvents = PollEvents(rawValue: fds[index].revents) }
        return count
    }

    /// Waits for one or two descriptors without allocating: `fd` for `events`, and `wakeFD`
    /// (if not -1) for readability.
    ///
    /// - Returns: the events on `fd` and whether `wakeFD` became readable; both empty/false on timeout.
    public static func pollOne(
        _ fd: Int32, events: PollEvents, wakeFD: Int32 = -1, timeoutMilliseconds: Int32
    ) throws -> (events: PollEvents, woken: Bool) {
        var pair = (
            pollfd(fd: fd, events: events.rawValue, revents: 0),
            pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        )
        let count = wakeFD >= 0 ? 2 : 1
        let deadline = timeoutMilliseconds >= 0 ? monotonicNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000 : 0
        var timeout = timeoutMilliseconds
        while true {
            let result = withUnsafeMutableBytes(of: &pair) { raw in
                raw.baseAddress.map { cPoll($0.assumingMemoryBound(to: pollfd.self), count, timeout) } ?? -1
            }
            if result >= 0 {
                return (PollEvents(rawValue: pair.0.revents), count == 2 && pair.1.revents != 0)
            }
            let code = errno
            guard code == EINTR else { throw SocketError(errno: code, syscall: "poll") }
            if timeoutMilliseconds >= 0 {
                let now = monotonicNanoseconds()
                timeout = now >= deadline ? 0 : Int32((deadline - now + 999_999) / 1_000_000)
            }
        }
    }

    static func pollDescriptors(_ fds: inout [pollfd], timeoutMilliseconds: Int32) throws -> Int {
        let deadline = timeoutMilliseconds >= 0 ? monotonicNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000 : 0
        var timeout = timeoutMilliseconds
        while true {
            let result = fds.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { cPoll($0, buffer.count, timeout) } ?? 0
            }
            if result >= 0 { return Int(result) }
            let code = errno
            guard code == EINTR else { throw SocketError(errno: code, syscall: "poll") }
            if timeoutMilliseconds >= 0 {
                let now = monotonicNanoseconds()
                timeout = now >= deadline ? 0 : Int32((deadline - now + 999_999) / 1_000_000)
            }
        }
    }

    /// Converts an optional timeout to `poll` milliseconds (rounded up; nil = -1, forever).
    public static func pollMilliseconds(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        let ns = max(0, timeout.nanoseconds)
        return Int32(clamping: (ns + 999_999) / 1_000_000)
    }

    /// Milliseconds left until a monotonic deadline (0 if passed), for `poll`.
    public static func pollMilliseconds(until deadline: UInt64) -> Int32 {
        let now = monotonicNanoseconds()
        guard deadline > now else { return 0 }
        return Int32(clamping: (deadline - now + 999_999) / 1_000_000)
    }
}

/// The C `poll`, reachable from inside ``Syscalls`` (whose own `poll` shadows it).
@inline(__always)
private func cPoll(_ fds: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeout: Int32) -> Int32 {
    poll(fds, nfds_t(count), timeout)
}

// MARK: - Sleeping

extension Syscalls {
    /// Sleeps until the monotonic clock reaches `deadline` (ns), precisely.
    ///
    /// Uses `clock_nanosleep(TIMER_ABSTIME)` on Linux and `nanosleep` on Darwin; `EINTR` resumes.
    public static func sleepPrecisely(until deadline: UInt64) {
        platformSleep(until: deadline)
    }
}
