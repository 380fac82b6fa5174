#if canImport(Darwin)
import Darwin

// Darwin specifics: no SOCK_CLOEXEC/SOCK_NONBLOCK/accept4 (fcntl after creation), SO_NOSIGPIPE on
// every socket (accepted and connected, not only the listener), sockaddr with sin_len,
// no clock_nanosleep, pthread_t as an optional pointer.
extension Syscalls {
    static let platformSendFlags: Int32 = 0
    static let platformStreamSocketType = SOCK_STREAM

    static func platformMakeTCPSocket(domain: Int32) throws -> Int32 {
        let fd = try retryingInterrupts("socket") { socket(domain, SOCK_STREAM, 0) }
        do {
            try configureNewDescriptor(fd)
        } catch {
            _ = close(fd)
            throw error
        }
        return fd
    }

    static func platformAccept(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
    ) -> Int32 {
        let accepted = accept(fd, address, length)
        guard accepted >= 0 else { return accepted }
        do {
            try configureNewDescriptor(accepted)
        } catch {
            _ = close(accepted)
            errno = (error as? SocketError)?.errno ?? EIO
            return -1
        }
        return accepted
    }

    private static func configureNewDescriptor(_ fd: Int32) throws {
        try setCloseOnExec(fd)
        try configureNonBlocking(fd, true)
        try setOption(fd, level: SOL_SOCKET, name: SO_NOSIGPIPE, value: 1, label: "SO_NOSIGPIPE")
    }

    static func platformSleep(until deadline: UInt64) {
        while true {
            let now = monotonicNanoseconds()
            guard deadline > now else { return }
            let remaining = deadline - now
            var request = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            _ = nanosleep(&request, nil)
        }
    }

    static func makeSockaddrIn() -> sockaddr_in {
        var value = sockaddr_in()
        value.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        return value
    }

    static func makeSockaddrIn6() -> sockaddr_in6 {
        var value = sockaddr_in6()
        value.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
        return value
    }
}

// MARK: - Threads

extension Syscalls {
    /// Starts a detached POSIX thread running `body`.
    ///
    /// The corresponding C functions are `pthread_create` and `pthread_detach`.
    public static func spawnDetachedThread(name: String, _ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
        var thread: pthread_t?
        let status = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
                _ = pthread_setname_np(String(box.name.prefix(63)))
                box.body()
                return nil
            }, box.toOpaque())
        if status != 0 {
            box.release()
            throw SocketError(errno: status, syscall: "pthread_create")
        }
        if let thread { pthread_detach(thread) }
    }
}
#endif
