#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// MARK: - Interface addresses

extension Syscalls {
    /// The IPv4 and IPv6 addresses of this machine's interfaces, in `getifaddrs` order, without
    /// duplicates (port 0). Empty if the list cannot be read.
    ///
    /// Used to tell whether an address a host name resolved to is this machine.
    /// The corresponding C function is `getifaddrs`.
    public static func localInterfaceAddresses() -> [SocketAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(first) }
        var result: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let node = cursor {
            cursor = node.pointee.ifa_next
            guard let raw = node.pointee.ifa_addr else { continue }
            let family = Int32(raw.pointee.sa_family)
            let length =
                family == AF_INET ? MemoryLayout<sockaddr_in>.size
                : family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : 0
            guard length > 0, var address = SocketAddress(sockaddrPointer: raw, length: length) else { continue }
            address.scopeID = 0
            if !result.contains(address) { result.append(address) }
        }
        return result
    }
}

// MARK: - Error names

extension Syscalls {
    /// The symbolic name of an `errno` value (`ECONNREFUSED`), or `errno N` for values without one here.
    public static func errnoName(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "ECONNREFUSED"
        case ECONNRESET: "ECONNRESET"
        case ECONNABORTED: "ECONNABORTED"
        case ETIMEDOUT: "ETIMEDOUT"
        case EHOSTUNREACH: "EHOSTUNREACH"
        case EHOSTDOWN: "EHOSTDOWN"
        case ENETUNREACH: "ENETUNREACH"
        case ENETDOWN: "ENETDOWN"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EADDRINUSE: "EADDRINUSE"
        case EADDRNOTAVAIL: "EADDRNOTAVAIL"
        case EAFNOSUPPORT: "EAFNOSUPPORT"
        case EINVAL: "EINVAL"
        case EPIPE: "EPIPE"
        default: "errno \(code)"
        }
    }
}

extension SocketError {
    /// What kind of `getaddrinfo` failure a ``Code/nameResolutionFailed`` error is.
    public enum NameResolutionFailure: String, Sendable, Hashable {
        /// `EAI_NONAME` / `EAI_NODATA`, or no address returned: the name does not exist.
        case noSuchName
        /// `EAI_AGAIN`: temporary failure (DNS server unreachable or timed out).
        case temporary
        /// `EAI_FAIL`: non-recoverable resolver failure.
        case failed
        /// Any other `EAI_*` code.
        case other
    }

    /// For ``Code/nameResolutionFailed`` errors, the kind of failure its `EAI_*` code (in
    /// ``errno``) means; nil for every other code.
    public var nameResolutionFailure: NameResolutionFailure? {
        guard code == .nameResolutionFailed else { return nil }
        switch errno {
        case 0, EAI_NONAME: return .noSuchName
        case EAI_AGAIN: return .temporary
        case EAI_FAIL: return .failed
        default:
            #if canImport(Glibc)
            return errno == -5 ? .noSuchName : .other  // EAI_NODATA (glibc, not exported to Swift)
            #else
            return .other
            #endif
        }
    }
}
