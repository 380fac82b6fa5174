#if os(Linux)
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#endif

// Linux specifics: SOCK_CLOEXEC/SOCK_NONBLOCK at creation, MSG_NOSIGNAL,
// clock_nanosleep, sockaddr without a length byte, pthread_t as an integer.
extension Syscalls {
    static let platformSendFlags = Int32(MSG_NOSIGNAL)
    static let platformStreamSocketType = Int32(SOCK_STREAM.rawValue)

    static func platformMakeTCPSocket(domain: Int32) throws -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        return try retryingInterrupts("socket") { socket(domain, type, 0) }
    }

    static func platformAccept(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
    ) -> Int32 {
        // accept4 is not visible through Glibc's module map (it needs _GNU_SOURCE), so the
        // flags are set right after accept.
        let accepted = accept(fd, address, length)
        guard accepted >= 0 else { return accepted }
        do {
            try setCloseOnExec(accepted)
            try configureNonBlocking(accepted, true)
        } catch {
            _ = close(accepted)
            errno = (error as? SocketError)?.errno ?? EIO
            return -1
        }
        return accepted
    }

    static func platformSleep(until deadline: UInt64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }

    static func makeSockaddrIn() -> sockaddr_in { sockaddr_in() }
    static func makeSockaddrIn6() -> sockaddr_in6 { sockaddr_in6() }
}

// MARK: - Threads

extension Syscalls {
    /// Names the calling thread (first 15 bytes) by writing `/proc/thread-self/comm`, because
    /// `pthread_setname_np` is not visible through Glibc's module map. Best effort.
    static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = close(fd)
    }
}

extension Syscalls {
    /// Starts a detached POSIX thread running `body`.
    ///
    /// The corresponding C functions are `pthread_create` and `pthread_detach`.
    public static func spawnDetachedThread(name: String, _ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                let box = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
                Syscalls.nameCurrentThread(box.name)
                box.body()
                return nil
            }, box.toOpaque())
        if status != 0 {
            box.release()
            throw SocketError(errno: status, syscall: "pthread_create")
        }
        pthread_detach(thread)
    }
}
#endif
