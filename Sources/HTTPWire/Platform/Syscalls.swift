#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

/// Thin, EINTR-safe wrappers over the C calls llmcheck uses. This is the only file (with its
/// per-OS companions) that imports libc.
///
/// Every wrapper retries `EINTR`, reads `errno` immediately after a `-1` return and throws a
/// ``SocketError`` naming the C call. Reads report end-of-file (`0`) before looking at errno.
public enum Syscalls {
    /// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds.
    public static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

extension Syscalls {
    /// `isatty(3)`.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// `exit(3)`.
    public static func exitProcess(_ code: Int32) -> Never { exit(code) }
}

extension Syscalls {
    /// Ignores `SIGPIPE` process-wide, so a write to a closed socket or pipe returns `EPIPE`
    /// instead of killing the process (exit 141).
    public static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }
}

// MARK: - Errors

extension Syscalls {
    /// Runs `call` until it returns something other than `-1` with `EINTR`.
    ///
    /// - Throws: ``SocketError`` built from the `errno` read right after the failing call.
    @inline(__always)
    static func retryingInterrupts<T: BinaryInteger>(
        _ syscall: String, address: String? = nil, _ call: () -> T
    ) throws -> T {
        while true {
            let result = call()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SocketError(errno: code, syscall: syscall, address: address)
        }
    }

    /// Maps an `errno` value to a stable ``SocketError/Code``.
    public static func classify(errno code: Int32) -> SocketError.Code {
        switch code {
        case ECONNREFUSED: .connectionRefused
        case ECONNRESET, ECONNABORTED: .connectionReset
        case ETIMEDOUT: .timedOut
        case EHOSTUNREACH, EHOSTDOWN: .hostUnreachable
        case ENETUNREACH, ENETDOWN: .networkUnreachable
        case EADDRINUSE: .addressInUse
        case EADDRNOTAVAIL, EAFNOSUPPORT: .addressNotAvailable
        case EPIPE: .brokenPipe
        case EACCES, EPERM: .permissionDenied
        default: .other
        }
    }

    /// `strerror(3)` text for `errno`.
    public static func errorText(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// Whether `errno` means "try again later" on a non-blocking descriptor.
    static func isWouldBlock(_ code: Int32) -> Bool { code == EAGAIN || code == EWOULDBLOCK }
}

// MARK: - Socket options

extension Syscalls {
    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32, label: String) throws {
        var value = value
        _ = try retryingInterrupts("setsockopt(\(label))") {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// `SO_REUSEADDR` on.
    public static func setReuseAddress(_ fd: Int32) throws {
        try setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, label: "SO_REUSEADDR")
    }

    /// `TCP_NODELAY` on or off (disables Nagle's algorithm).
    public static func setNoDelay(_ fd: Int32, _ on: Bool) throws {
        try setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: on ? 1 : 0, label: "TCP_NODELAY")
    }

    /// `IPV6_V6ONLY` on or off.
    public static func setIPv6Only(_ fd: Int32, _ on: Bool) throws {
        try setOption(fd, level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: on ? 1 : 0, label: "IPV6_V6ONLY")
    }

    /// `SO_LINGER` with `l_onoff = 1, l_linger = 0`, so the next `close` sends a TCP RST.
    public static func setLingerZero(_ fd: Int32) throws {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = try retryingInterrupts("setsockopt(SO_LINGER)") {
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
        }
    }

    /// Reads and clears `SO_ERROR` (the outcome of a non-blocking `connect`).
    public static func pendingSocketError(_ fd: Int32) throws -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try retryingInterrupts("getsockopt(SO_ERROR)") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) }
        return value
    }

    /// `fcntl(F_SETFL, O_NONBLOCK)` on or off.
    public static func configureNonBlocking(_ fd: Int32, _ on: Bool) throws {
        let flags = try retryingInterrupts("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags { _ = try retryingInterrupts("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, wanted) } }
    }

    /// `fcntl(F_SETFD, FD_CLOEXEC)`.
    public static func setCloseOnExec(_ fd: Int32) throws {
        let flags = try retryingInterrupts("fcntl(F_GETFD)") { fcntl(fd, F_GETFD) }
        _ = try retryingInterrupts("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }
}

// MARK: - Socket lifecycle

extension Syscalls {
    /// How ``shutdownSocket(_:_:)`` closes a direction.
    public enum ShutdownDirection: Sendable {
        case read, write, both
    }

    /// A new non-blocking, close-on-exec TCP socket (`SO_NOSIGPIPE` on Darwin).
    ///
    /// The corresponding C function is `socket`.
    public static func makeTCPSocket(family: SocketAddress.Family) throws -> Int32 {
        try platformMakeTCPSocket(domain: family == .ipv4 ? AF_INET : AF_INET6)
    }

    /// `bind(2)`.
    public static func bindSocket(_ fd: Int32, to address: SocketAddress) throws {
        _ = try address.withSockAddr { pointer, length in
            try retryingInterrupts("bind", address: address.description) { bind(fd, pointer, length) }
        }
    }

    /// `listen(2)`.
    public static func listenSocket(_ fd: Int32, backlog: Int32) throws {
        _ = try retryingInterrupts("listen") { listen(fd, backlog) }
    }

    /// Accepts one pending connection on a non-blocking listener.
    ///
    /// The new socket is non-blocking and close-on-exec (and `SO_NOSIGPIPE` on Darwin).
    /// - Returns: nil when nothing is pending (`EAGAIN`) or the pending connection was aborted.
    /// The corresponding C function is `accept4` on Linux, `accept` on Darwin.
    public static func acceptConnection(_ fd: Int32) throws -> (fd: Int32, peer: SocketAddress?)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let result = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { platformAccept(fd, $0, &length) }
            }
            if result >= 0 {
                return (result, SocketAddress(storage: storage))
            }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO: return nil
            default: throw SocketError(errno: code, syscall: "accept")
            }
        }
    }

    /// Starts a non-blocking `connect(2)`.
    ///
    /// - Returns: true if connected at once, false if in progress (`EINPROGRESS`; wait for
    ///   writability, then read ``pendingSocketError(_:)``).
    public static func startConnect(_ fd: Int32, to address: SocketAddress) throws -> Bool {
        try address.withSockAddr { pointer, length in
            let result = connect(fd, pointer, length)
            if result == 0 { return true }
            let code = errno
            if code == EINPROGRESS || code == EINTR || code == EALREADY { return false }
            throw SocketError(errno: code, syscall: "connect", address: address.description)
        }
    }

    /// `close(2)`. Never retried on `EINTR` (the descriptor is gone either way on Linux and Darwin).
    public static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }

    /// `shutdown(2)`; errors (typically `ENOTCONN`) are ignored.
    public static func shutdownSocket(_ fd: Int32, _ direction: ShutdownDirection) {
        let how: Int32 =
            switch direction {
            case .read: Int32(SHUT_RD)
            case .write: Int32(SHUT_WR)
            case .both: Int32(SHUT_RDWR)
            }
        _ = shutdown(fd, how)
    }

    /// `getsockname(2)`.
    public static func localAddress(_ fd: Int32) throws -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                try retryingInterrupts("getsockname") { getsockname(fd, address, &length) }
            }
        }
        return SocketAddress(storage: storage)
    }

    /// `getpeername(2)`.
    public static func peerAddress(_ fd: Int32) throws -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                try retryingInterrupts("getpeername") { getpeername(fd, address, &length) }
            }
        }
        return SocketAddress(storage: storage)
    }
}

// MARK: - I/O

extension Syscalls {
    /// `send(2)` without `SIGPIPE` (`MSG_NOSIGNAL` on Linux, `SO_NOSIGPIPE` on Darwin sockets).
    ///
    /// - Returns: bytes sent, or nil if the non-blocking socket would block.
    public static func sendBytes(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws -> Int? {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let result = send(fd, base, buffer.count, platformSendFlags)
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            if isWouldBlock(code) { return nil }
            throw SocketError(errno: code, syscall: "send")
        }
    }

    /// `recv(2)`.
    ///
    /// - Returns: bytes read (`0` = end of file, checked before errno), or nil if the
    ///   non-blocking socket has nothing to read yet.
    public static func receiveBytes(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let result = recv(fd, base, buffer.count, 0)
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            if isWouldBlock(code) { return nil }
            throw SocketError(errno: code, syscall: "recv")
        }
    }

    /// `read(2)` on a pipe or file; nil if it would block.
    public static func readBytes(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let result = read(fd, base, buffer.count)
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            if isWouldBlock(code) { return nil }
            throw SocketError(errno: code, syscall: "read")
        }
    }

    /// `write(2)` on a pipe or file; nil if it would block.
    public static func writeBytes(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws -> Int? {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let result = write(fd, base, buffer.count)
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            if isWouldBlock(code) { return nil }
            throw SocketError(errno: code, syscall: "write")
        }
    }

    /// A pipe whose both ends are non-blocking and close-on-exec.
    ///
    /// The corresponding C function is `pipe`.
    public static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try retryingInterrupts("pipe") { fds.withUnsafeMutableBufferPointer { pipe($0.baseAddress) } }
        for fd in fds {
            try configureNonBlocking(fd, true)
            try setCloseOnExec(fd)
        }
        return (fds[0], fds[1])
    }
}

// MARK: - Constants

extension Syscalls {
    /// `ETIMEDOUT` on this platform (110 on Linux, 60 on Darwin).
    public static let timedOutErrno: Int32 = ETIMEDOUT
    /// `ECONNRESET` on this platform.
    public static let connectionResetErrno: Int32 = ECONNRESET
    /// `ECONNREFUSED` on this platform.
    public static let connectionRefusedErrno: Int32 = ECONNREFUSED
}
