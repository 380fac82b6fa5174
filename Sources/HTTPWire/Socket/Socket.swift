/// A TCP socket that owns its file descriptor and closes it exactly once.
///
/// The descriptor is non-blocking and close-on-exec; every blocking-looking method waits with
/// `poll` and an optional timeout, so nothing blocks forever unless asked to.
///
/// Threading: one thread owns the I/O (reads, writes, ``close()``). Any other thread may call
/// ``shutdown(_:)`` at any time to unblock the owner — its pending `poll`/`recv` returns at once
/// (end of file, or an error on write). ``shutdown(_:)`` and ``close()`` serialize on a lock, so a
/// shutdown never hits a descriptor number that has been closed and reused.
///
/// `@unchecked Sendable`: `fd` is immutable; `isClosed` is guarded by `lock`.
public final class Socket: @unchecked Sendable {
    /// The descriptor number (valid until ``close()``).
    public let fd: Int32
    /// The address family the socket was created for.
    public let family: SocketAddress.Family
    private let lock = Lock()
    private var closed = false

    /// Creates a new non-blocking TCP socket.
    ///
    /// The corresponding C function is `socket` (with `SOCK_CLOEXEC|SOCK_NONBLOCK` on Linux,
    /// `SO_NOSIGPIPE` on Darwin).
    public init(family: SocketAddress.Family) throws {
        fd = try Syscalls.makeTCPSocket(family: family)
        self.family = family
    }

    /// Adopts an already open non-blocking descriptor (for example from `accept`).
    init(adopting fd: Int32, family: SocketAddress.Family) {
        self.fd = fd
        self.family = family
    }

    /// Takes ownership of an open descriptor, such as one returned by
    /// ``Syscalls/acceptConnection(_:)``; it must be non-blocking (as accepted sockets are).
    public convenience init(adoptingDescriptor fd: Int32, family: SocketAddress.Family) {
        self.init(adopting: fd, family: family)
    }

    deinit {
        if !closed { Syscalls.closeDescriptor(fd) }
    }

    // MARK: - Connecting

    /// Opens a connection to `address`, waiting at most `timeout` (nil: the kernel's own limit).
    ///
    /// - Throws: ``SocketError`` (`.timedOut` with syscall `connect` when `timeout` passes).
    @available(*, noasync, message: "blocks the calling thread")
    public static func connect(to address: SocketAddress, timeout: Duration?) throws -> Socket {
        let socket = try Socket(family: address.family)
        do {
            try socket.connect(to: address, timeout: timeout)
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Connects this socket to `address` (non-blocking `connect` + `poll` for writability).
    @available(*, noasync, message: "blocks the calling thread")
    public func connect(to address: SocketAddress, timeout: Duration?) throws {
        if try Syscalls.startConnect(fd, to: address) { return }
        let deadline = timeout.map { MonotonicInstant.now() + max(.zero, $0) }
        while true {
            let wait = MonotonicInstant.pollMilliseconds(until: deadline)
            let (events, _) = try Syscalls.pollOne(fd, events: .writable, timeoutMilliseconds: wait)
            if events.isEmpty {
                if let deadline, MonotonicInstant.now() >= deadline {
                    throw SocketError(
                        code: .timedOut, errno: Syscalls.timedOutErrno, syscall: "connect",
                        message: "no answer within \(timeout.map(Self.describe) ?? "?")", address: address.description)
                }
                continue
            }
            let pending = try Syscalls.pendingSocketError(fd)
            if pending == 0 { return }
            throw SocketError(errno: pending, syscall: "connect", address: address.description)
        }
    }

    // MARK: - Reading

    /// Reads whatever is available (up to `buffer.count` bytes), waiting at most `timeout`.
    ///
    /// - Returns: the number of bytes read; 0 means the peer closed (end of file).
    /// - Throws: ``SocketError`` `.timedOut` (syscall `poll`) when nothing arrives in time,
    ///   `.connectionReset` on RST.
    @available(*, noasync, message: "blocks the calling thread")
    public func readSome(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration?) throws -> Int {
        let deadline = timeout.map { MonotonicInstant.now() + max(.zero, $0) }
        while true {
            if let count = try Syscalls.receiveBytes(fd, into: buffer) { return count }
            let wait = MonotonicInstant.pollMilliseconds(until: deadline)
            let (events, _) = try Syscalls.pollOne(fd, events: .readable, timeoutMilliseconds: wait)
            if events.isEmpty, let deadline, MonotonicInstant.now() >= deadline {
                throw SocketError.timeout(syscall: "recv", after: timeout)
            }
        }
    }

    /// Reads up to `max` bytes, waiting at most `timeout`; an empty array means end of file.
    @available(*, noasync, message: "blocks the calling thread")
    public func readSome(max: Int = 16 * 1024, timeout: Duration?) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Swift.max(1, max))
        let count = try bytes.withUnsafeMutableBytes { try readSome(into: $0, timeout: timeout) }
        bytes.removeSubrange(count...)
        return bytes
    }

    // MARK: - Writing

    /// Writes every byte, looping over partial writes and waiting for writability.
    ///
    /// - Throws: ``SocketError`` (`.brokenPipe`/`.connectionReset` when the peer has gone,
    ///   `.timedOut` if `timeout` passes without progress).
    @available(*, noasync, message: "blocks the calling thread")
    public func writeAll(_ bytes: UnsafeRawBufferPointer, timeout: Duration? = nil) throws {
        try writeAll(bytes, timeout: timeout, beforeWaiting: {})
    }

    /// Writes every byte of `bytes`, calling `beforeWaiting` each time the peer's receive window
    /// is full and the call is about to wait for it.
    @available(*, noasync, message: "blocks the calling thread")
    public func writeAll(
        _ bytes: UnsafeRawBufferPointer, timeout: Duration?, beforeWaiting: () -> Void
    ) throws {
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            if let sent = try Syscalls.sendBytes(fd, rest) {
                offset += sent
                continue
            }
            beforeWaiting()
            let (events, _) = try Syscalls.pollOne(
                fd, events: .writable, timeoutMilliseconds: Syscalls.pollMilliseconds(timeout))
            if events.isEmpty { throw SocketError.timeout(syscall: "send", after: timeout) }
        }
    }

    /// Writes every byte of `bytes`.
    @available(*, noasync, message: "blocks the calling thread")
    public func writeAll(_ bytes: [UInt8], timeout: Duration? = nil) throws {
        try bytes.withUnsafeBytes { try writeAll($0, timeout: timeout) }
    }

    // MARK: - Waiting

    /// Waits until the socket is readable (data, end of file or error).
    ///
    /// - Returns: false on timeout.
    @available(*, noasync, message: "blocks the calling thread")
    public func waitReadable(timeout: Duration?) throws -> Bool {
        let (events, _) = try Syscalls.pollOne(
            fd, events: .readable, timeoutMilliseconds: Syscalls.pollMilliseconds(timeout))
        return !events.isEmpty
    }

    /// Waits until the socket is writable (or has an error).
    ///
    /// - Returns: false on timeout.
    @available(*, noasync, message: "blocks the calling thread")
    public func waitWritable(timeout: Duration?) throws -> Bool {
        let (events, _) = try Syscalls.pollOne(
            fd, events: .writable, timeoutMilliseconds: Syscalls.pollMilliseconds(timeout))
        return !events.isEmpty
    }

    // MARK: - Options and addresses

    /// Sets `TCP_NODELAY` (on by default here: small writes go out at once).
    public func setNoDelay(_ on: Bool = true) throws { try Syscalls.setNoDelay(fd, on) }

    /// The local address (`getsockname`).
    public var localAddress: SocketAddress? { try? Syscalls.localAddress(fd) }

    /// The peer address (`getpeername`); nil when not connected.
    public var peerAddress: SocketAddress? { try? Syscalls.peerAddress(fd) }

    // MARK: - Closing

    /// Whether ``close()`` (or ``setLingerZeroAndClose()``) already ran.
    public var isClosed: Bool { lock.withLock { closed } }

    /// Shuts down one or both directions; safe from any thread, a no-op once closed.
    ///
    /// Used to unblock the owning thread: its `poll` wakes and reads see end of file.
    public func shutdown(_ direction: Syscalls.ShutdownDirection = .both) {
        lock.withLock {
            if !closed { Syscalls.shutdownSocket(fd, direction) }
        }
    }

    /// Closes the descriptor (FIN); later calls do nothing.
    public func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            Syscalls.closeDescriptor(fd)
        }
    }

    /// Aborts the connection with a TCP RST: `SO_LINGER` 0, then `close`.
    public func setLingerZeroAndClose() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            try? Syscalls.setLingerZero(fd)
            Syscalls.closeDescriptor(fd)
        }
    }

    static func describe(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        return ms >= 1000 ? "\((ms / 10).rounded() / 100) s" : "\(Int(ms.rounded())) ms"
    }
}

extension SocketError {
    /// A `.timedOut` error raised by a `poll` deadline rather than the kernel.
    static func timeout(syscall: String, after: Duration?) -> SocketError {
        SocketError(
            code: .timedOut, errno: Syscalls.timedOutErrno, syscall: syscall,
            message: "timed out after \(after.map(Socket.describe) ?? "?")")
    }
}
