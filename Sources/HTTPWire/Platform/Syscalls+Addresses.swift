#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// MARK: - Name resolution

extension Syscalls {
    /// `getaddrinfo(3)` for TCP, both families, no `AI_ADDRCONFIG`.
    ///
    /// - Throws: ``SocketError`` `.nameResolutionFailed` with the `EAI_*` code and its text.
    public static func resolve(host: String, port: UInt16) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = platformStreamSocketType
        hints.ai_flags = AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        if status != 0 {
            let systemErrno = errno
            var message = String(cString: gai_strerror(status))
            if status == EAI_SYSTEM { message += ": " + errorText(errno: systemErrno) }
            throw SocketError(
                code: .nameResolutionFailed, errno: status, syscall: "getaddrinfo", message: message, address: host)
        }
        defer { freeaddrinfo(result) }
        var addresses: [SocketAddress] = []
        var cursor = result
        while let info = cursor {
            if let raw = info.pointee.ai_addr {
                if let address = SocketAddress(sockaddrPointer: raw, length: Int(info.pointee.ai_addrlen)) {
                    addresses.append(address)
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// Parses an IPv4 literal with `inet_pton`.
    static func parseIPv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Parses an IPv6 literal with `inet_pton`.
    static func parseIPv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Formats 4 or 16 address bytes with `inet_ntop`.
    static func formatIP(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { out in
                inet_ntop(family, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil
            }
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: - sockaddr conversion

extension SocketAddress {
    /// Reads an address from a filled `sockaddr_storage`; nil for families other than IPv4/IPv6.
    init?(storage: sockaddr_storage) {
        var storage = storage
        let parsed = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                SocketAddress(sockaddrPointer: $0, length: MemoryLayout<sockaddr_storage>.size)
            }
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Reads an address from a `sockaddr` pointer; nil for families other than IPv4/IPv6.
    init?(sockaddrPointer pointer: UnsafePointer<sockaddr>, length: Int) {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            let value = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_in.self)
            var address = value.sin_addr
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            self.init(addressBytes: bytes, port: UInt16(bigEndian: value.sin_port))
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            let value = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_in6.self)
            var address = value.sin6_addr
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            self.init(addressBytes: bytes, port: UInt16(bigEndian: value.sin6_port), scopeID: value.sin6_scope_id)
        default:
            return nil
        }
    }

    /// Calls `body` with a C `sockaddr` for this address and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) throws -> R {
        switch family {
        case .ipv4:
            var value = Syscalls.makeSockaddrIn()
            value.sin_family = sa_family_t(AF_INET)
            value.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &value.sin_addr) { $0.copyBytes(from: addressBytes) }
            return try withUnsafePointer(to: &value) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6:
            var value = Syscalls.makeSockaddrIn6()
            value.sin6_family = sa_family_t(AF_INET6)
            value.sin6_port = port.bigEndian
            value.sin6_scope_id = scopeID
            withUnsafeMutableBytes(of: &value.sin6_addr) { $0.copyBytes(from: addressBytes) }
            return try withUnsafePointer(to: &value) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
