#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// Low-level probes used by `diagnose` (owned by the diagnose engineer; purely additive).
// `diagnose` needs evidence the higher-level client hides on purpose: the errno of each
// connect attempt per address, the raw first bytes a port sends back, getaddrinfo's own
// error code. Every call here is blocking and bounded by an explicit timeout; callers run
// them on dedicated threads, never on the cooperative pool.

/// One address returned by the resolver, in resolver order.
public struct ProbeAddress: Sendable, Hashable, CustomStringConvertible {
    /// `AF_INET` or `AF_INET6` as a Swift-side tag.
    public enum Family: String, Sendable, Hashable { case ipv4, ipv6 }
    public var family: Family
    /// Numeric text form (`127.0.0.1`, `::1`).
    public var numeric: String
    public init(family: Family, numeric: String) {
        self.family = family
        self.numeric = numeric
    }
    /// `127.0.0.1` or `[::1]`, ready to be followed by `:port`.
    public var hostForURL: String { family == .ipv6 ? "[\(numeric)]" : numeric }
    public var description: String { numeric }
}

/// Outcome of a name lookup that failed, with getaddrinfo's code and text.
public struct ProbeResolveFailure: Error, Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// `EAI_NONAME` / `EAI_NODATA`: the name does not exist.
        case noSuchName
        /// `EAI_AGAIN`: temporary failure, DNS server unreachable or timed out.
        case temporary
        /// `EAI_FAIL`: non-recoverable resolver failure.
        case failed
        /// Anything else.
        case other
    }
    public var kind: Kind
    public var code: Int32
    public var message: String
}

/// Outcome of one TCP connect attempt.
public enum ProbeConnectOutcome: Sendable, Hashable {
    /// Connected; the descriptor is open and owned by the caller.
    case connected(fd: Int32)
    /// Fast reset: nothing listens (`ECONNREFUSED`).
    case refused
    /// No answer to the SYN within the timeout (dropped by a firewall, or a dead host).
    case timedOut
    /// Any other errno (`EHOSTUNREACH`, `ENETUNREACH`, `EACCES`, `EADDRNOTAVAIL`, …).
    case failed(errno: Int32, name: String, message: String)
}

/// How a bounded read ended.
public enum ProbeReadEnd: String, Sendable, Hashable {
    /// The peer closed its side (FIN).
    case closed
    /// The peer reset the connection (`ECONNRESET`).
    case reset
    /// Nothing more arrived within the timeout.
    case timedOut
    /// The byte limit was reached.
    case limit
    /// The caller's completion test said the message is complete.
    case complete
    /// Another read error.
    case error
}

/// `poll(2)` on one descriptor (file scope: inside `Syscalls` the name is taken).
private func probeCPoll(_ pfd: inout pollfd, _ timeout: Int32) -> Int32 {
    poll(&pfd, 1, timeout)
}

extension Syscalls {
    // MARK: - Resolve

    /// Every address `host` resolves to for TCP, in the resolver's order, duplicates removed.
    public static func probeResolve(host: String) -> Result<[ProbeAddress], ProbeResolveFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0, let first = list else {
            let message = String(decodingCString: gai_strerror(rc))
            let kind: ProbeResolveFailure.Kind
            switch rc {
            case EAI_NONAME: kind = .noSuchName
            case EAI_AGAIN: kind = .temporary
            case EAI_FAIL: kind = .failed
            default:
                #if canImport(Glibc)
                kind = rc == -5 ? .noSuchName : .other  // EAI_NODATA
                #else
                kind = .other
                #endif
            }
            return .failure(ProbeResolveFailure(kind: kind, code: rc, message: message))
        }
        defer { freeaddrinfo(first) }
        var result: [ProbeAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let node = cursor {
            if let addr = node.pointee.ai_addr, let text = numericHost(addr, length: node.pointee.ai_addrlen) {
                let family: ProbeAddress.Family = node.pointee.ai_family == AF_INET6 ? .ipv6 : .ipv4
                let address = ProbeAddress(family: family, numeric: text)
                if !result.contains(address) { result.append(address) }
            }
            cursor = node.pointee.ai_next
        }
        return .success(result)
    }

    private static func numericHost(_ addr: UnsafeMutablePointer<sockaddr>, length: socklen_t) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let rc = getnameinfo(addr, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        guard rc == 0 else { return nil }
        var text = String(decodingCString: buffer)
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        return text
    }

    /// Parses a numeric IPv4/IPv6 literal; nil if `text` is not one.
    public static func probeParseNumeric(_ text: String) -> ProbeAddress? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return ProbeAddress(family: .ipv4, numeric: text) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            // Canonical form (e.g. `0:0::1` → `::1`).
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return ProbeAddress(family: .ipv6, numeric: String(decodingCString: buffer))
        }
        return nil
    }

    // MARK: - Sockets

    /// Fills a `sockaddr_storage` for `address:port`.
    private static func makeSockaddr(_ address: ProbeAddress, port: UInt16) -> (sockaddr_storage, socklen_t)? {
        var storage = sockaddr_storage()
        switch address.family {
        case .ipv4:
            var sin = sockaddr_in()
            #if canImport(Darwin)
            sin.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
            #endif
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            guard inet_pton(AF_INET, address.numeric, &sin.sin_addr) == 1 else { return nil }
            withUnsafeBytes(of: sin) { raw in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case .ipv6:
            var sin6 = sockaddr_in6()
            #if canImport(Darwin)
            sin6.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
            #endif
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, address.numeric, &sin6.sin6_addr) == 1 else { return nil }
            withUnsafeBytes(of: sin6) { raw in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }

    private static func makeStreamSocket(_ family: ProbeAddress.Family) -> Int32 {
        let domain = family == .ipv6 ? AF_INET6 : AF_INET
        #if canImport(Darwin)
        let fd = socket(domain, SOCK_STREAM, 0)
        if fd >= 0 {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        return fd
        #else
        return socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
    }

    private static func probeSetNonBlocking(_ fd: Int32, _ on: Bool) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
    }

    /// Waits until `fd` is readable (or writable); returns false on timeout.
    private static func waitFor(_ fd: Int32, readable: Bool, timeoutMilliseconds: Int) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(readable ? POLLIN : POLLOUT), revents: 0)
        let deadline = monotonicNanoseconds() &+ UInt64(max(0, timeoutMilliseconds)) &* 1_000_000
        while true {
            let now = monotonicNanoseconds()
            let remaining = now >= deadline ? 0 : Int32(min(Int64(Int32.max), Int64((deadline - now) / 1_000_000)))
            let rc = probeCPoll(&pfd, remaining)
            if rc > 0 { return true }
            if rc == 0 { return false }
            if errno != EINTR { return true }
        }
    }

    /// Connects to `address:port`, waiting at most `timeoutMilliseconds`. Blocking.
    public static func probeConnect(_ address: ProbeAddress, port: UInt16, timeoutMilliseconds: Int) -> ProbeConnectOutcome {
        guard case (var storage, let length)? = makeSockaddr(address, port: port) else {
            return .failed(errno: EINVAL, name: "EINVAL", message: "not a numeric address: \(address.numeric)")
        }
        let fd = makeStreamSocket(address.family)
        guard fd >= 0 else { return failure(errno) }
        probeSetNonBlocking(fd, true)
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        var code: Int32 = 0
        if rc != 0 {
            code = errno
            if code == EINPROGRESS || code == EINTR {
                guard waitFor(fd, readable: false, timeoutMilliseconds: timeoutMilliseconds) else {
                    close(fd)
                    return .timedOut
                }
                var soError: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &size)
                code = soError
            }
        }
        if code != 0 {
            close(fd)
            if code == ECONNREFUSED { return .refused }
            if code == ETIMEDOUT { return .timedOut }
            return failure(code)
        }
        probeSetNonBlocking(fd, false)
        return .connected(fd: fd)
    }

    private static func failure(_ code: Int32) -> ProbeConnectOutcome {
        .failed(errno: code, name: errnoName(code), message: String(decodingCString: strerror(code)))
    }

    /// Symbolic name of the errno values `diagnose` reports.
    public static func errnoName(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "ECONNREFUSED"
        case ETIMEDOUT: "ETIMEDOUT"
        case EHOSTUNREACH: "EHOSTUNREACH"
        case ENETUNREACH: "ENETUNREACH"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EADDRNOTAVAIL: "EADDRNOTAVAIL"
        case ECONNRESET: "ECONNRESET"
        case EINVAL: "EINVAL"
        case EAFNOSUPPORT: "EAFNOSUPPORT"
        case EPIPE: "EPIPE"
        default: "errno \(code)"
        }
    }

    /// Writes all of `bytes`; returns false if the peer is gone.
    public static func probeWrite(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                #if canImport(Darwin)
                send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
                #else
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Reads what is available within `timeoutMilliseconds` (at most `maximum` bytes, one read).
    /// Returns the bytes, or the way the stream ended when nothing was read.
    public static func probeReadSome(_ fd: Int32, maximum: Int, timeoutMilliseconds: Int) -> ([UInt8], ProbeReadEnd?) {
        guard waitFor(fd, readable: true, timeoutMilliseconds: timeoutMilliseconds) else { return ([], .timedOut) }
        var buffer = [UInt8](repeating: 0, count: max(1, maximum))
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return (Array(buffer[0..<n]), nil) }
            if n == 0 { return ([], .closed) }
            if errno == EINTR { continue }
            return ([], errno == ECONNRESET ? .reset : .error)
        }
    }

    /// Shuts the socket down both ways (wakes a blocked reader), without releasing the descriptor.
    public static func probeShutdown(_ fd: Int32) {
        #if canImport(Darwin)
        shutdown(fd, SHUT_RDWR)
        #else
        shutdown(fd, Int32(SHUT_RDWR))
        #endif
    }

    /// Closes a descriptor.
    public static func probeClose(_ fd: Int32) { close(fd) }

    /// Aborts a connection with a TCP reset (`SO_LINGER` 0, then close).
    public static func probeReset(_ fd: Int32) {
        var lingerOption = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lingerOption, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    // MARK: - Listening (tests stage other services with these)

    /// Binds and listens on `address:port` (0 = any free port). Returns the fd and the bound port.
    public static func probeListen(_ address: ProbeAddress, port: UInt16, ipv6Only: Bool = true) -> (fd: Int32, port: UInt16)? {
        guard case (var storage, let length)? = makeSockaddr(address, port: port) else { return nil }
        let fd = makeStreamSocket(address.family)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.family == .ipv6 {
            var flag: Int32 = ipv6Only ? 1 : 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &flag, socklen_t(MemoryLayout<Int32>.size))
        }
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0, listen(fd, 64) == 0 else {
            close(fd)
            return nil
        }
        var bound = sockaddr_storage()
        var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) }
        }
        let boundPort: UInt16 = withUnsafeBytes(of: bound) { raw in
            // sin_port and sin6_port sit at the same offset (2) in both layouts.
            UInt16(bigEndian: raw.load(fromByteOffset: 2, as: UInt16.self))
        }
        return (fd, boundPort)
    }

    /// Accepts one connection, waiting at most `timeoutMilliseconds`; nil on timeout or error.
    public static func probeAccept(_ listener: Int32, timeoutMilliseconds: Int) -> Int32? {
        guard waitFor(listener, readable: true, timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        let fd = accept(listener, nil, nil)
        return fd >= 0 ? fd : nil
    }

    // MARK: - Interfaces

    /// Numeric addresses of this machine's interfaces (`getifaddrs`).
    public static func probeLocalAddresses() -> [ProbeAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(first) }
        var result: [ProbeAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let node = cursor {
            if let addr = node.pointee.ifa_addr {
                let family = Int32(addr.pointee.sa_family)
                if family == AF_INET || family == AF_INET6 {
                    let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
                    if let text = numericHost(addr, length: length) {
                        let a = ProbeAddress(family: family == AF_INET6 ? .ipv6 : .ipv4, numeric: text)
                        if !result.contains(a) { result.append(a) }
                    }
                }
            }
            cursor = node.pointee.ifa_next
        }
        return result
    }
}

extension String {
    /// A string from a NUL-terminated C buffer (pointer or array).
    fileprivate init(decodingCString pointer: UnsafePointer<CChar>) {
        self = String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }
    fileprivate init(decodingCString buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension Syscalls {
    /// Calls `listen(2)` again with another backlog (tests fill a backlog-0 queue to stage SYN drops).
    public static func probeRelisten(_ fd: Int32, backlog: Int32) { _ = listen(fd, backlog) }
}

extension Syscalls {
    /// Binds a TCP socket to `address` port 0 without listening and without `SO_REUSEADDR`:
    /// connects to that port are refused and no other socket can take it while the descriptor
    /// is open. Tests use it for a "nothing listens here" port that parallel tests cannot reuse.
    public static func probeReservePort(_ address: ProbeAddress) -> (fd: Int32, port: UInt16)? {
        guard case (var storage, let length)? = makeSockaddr(address, port: 0) else { return nil }
        let fd = makeStreamSocket(address.family)
        guard fd >= 0 else { return nil }
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else {
            close(fd)
            return nil
        }
        var bound = sockaddr_storage()
        var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) }
        }
        let port: UInt16 = withUnsafeBytes(of: bound) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        return (fd, port)
    }
}
