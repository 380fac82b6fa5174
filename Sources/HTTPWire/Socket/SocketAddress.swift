/// An IPv4 or IPv6 socket address (IP and port), independent of the C `sockaddr` types.
///
/// Its text form is `127.0.0.1:80` or `[::1]:80`.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable, CustomStringConvertible {
        case ipv4
        case ipv6

        public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }
    }

    /// The address family.
    public let family: Family
    /// The raw address bytes in network order: 4 for IPv4, 16 for IPv6.
    public let addressBytes: [UInt8]
    /// The port in host byte order.
    public var port: UInt16
    /// The IPv6 scope (interface) id; 0 for IPv4 and global addresses.
    public var scopeID: UInt32

    /// Creates an address from raw bytes (4 for IPv4, 16 for IPv6); nil for any other length.
    public init?(addressBytes: [UInt8], port: UInt16, scopeID: UInt32 = 0) {
        switch addressBytes.count {
        case 4: family = .ipv4
        case 16: family = .ipv6
        default: return nil
        }
        self.addressBytes = addressBytes
        self.port = port
        self.scopeID = family == .ipv6 ? scopeID : 0
    }

    /// Parses an IP literal (`127.0.0.1`, `::1`, `[::1]`, `fe80::1%eth0` is not supported); nil if not a literal.
    ///
    /// The corresponding C function is `inet_pton`.
    public init?(ipAddress: String, port: UInt16) {
        var text = Substring(ipAddress)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let bytes = Syscalls.parseIPv4(String(text)) {
            self.init(addressBytes: bytes, port: port)
        } else if let bytes = Syscalls.parseIPv6(String(text)) {
            self.init(addressBytes: bytes, port: port)
        } else {
            return nil
        }
    }

    /// The IPv4 loopback address `127.0.0.1`.
    public static func loopbackIPv4(port: UInt16) -> SocketAddress {
        SocketAddress(family: .ipv4, bytes: [127, 0, 0, 1], port: port)
    }

    /// The IPv6 loopback address `::1`.
    public static func loopbackIPv6(port: UInt16) -> SocketAddress {
        SocketAddress(family: .ipv6, bytes: [UInt8](repeating: 0, count: 15) + [1], port: port)
    }

    private init(family: Family, bytes: [UInt8], port: UInt16) {
        self.family = family
        self.addressBytes = bytes
        self.port = port
        self.scopeID = 0
    }

    /// The IP address as text without the port: `127.0.0.1`, `::1`.
    public var ipAddress: String { Syscalls.formatIP(addressBytes) }

    /// The host as it appears in a URL authority: `127.0.0.1` or `[::1]`.
    public var urlHost: String { family == .ipv6 ? "[\(ipAddress)]" : ipAddress }

    /// Whether the address is `127.0.0.0/8` or `::1` (or IPv4-mapped loopback).
    public var isLoopback: Bool {
        switch family {
        case .ipv4: return addressBytes.first == 127
        case .ipv6:
            if addressBytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            return isIPv4Mapped && addressBytes[12] == 127
        }
    }

    /// Whether the address is the wildcard `0.0.0.0` or `::`.
    public var isWildcard: Bool { addressBytes.allSatisfy { $0 == 0 } }

    /// Whether the address is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
    public var isIPv4Mapped: Bool {
        family == .ipv6 && addressBytes[0..<10].allSatisfy { $0 == 0 } && addressBytes[10] == 0xFF
            && addressBytes[11] == 0xFF
    }

    /// The same address with another port.
    public func with(port: UInt16) -> SocketAddress {
        var copy = self
        copy.port = port
        return copy
    }

    /// `127.0.0.1:80` or `[::1]:80`.
    public var description: String { "\(urlHost):\(port)" }
}
