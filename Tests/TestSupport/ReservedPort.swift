import HTTPWire

/// A loopback port where nothing listens and that no other socket can take meanwhile.
///
/// The socket is bound (port 0, no `SO_REUSEADDR`) but never listens, so connects to the port
/// are refused at once, and a server started by a parallel test cannot be given the same port
/// while this value is alive. Keep it for the life of the test (or the process).
public final class ReservedPort: Sendable {
    /// The reserved address, `127.0.0.1:<port>` or `[::1]:<port>`.
    public let address: SocketAddress
    /// The reserved port.
    public var port: UInt16 { address.port }
    private let socket: Socket

    /// Reserves a free port on `family`'s loopback address.
    public init(family: SocketAddress.Family = .ipv4) throws {
        let socket = try Socket(family: family)
        let loopback: SocketAddress = family == .ipv4 ? .loopbackIPv4(port: 0) : .loopbackIPv6(port: 0)
        try Syscalls.bindSocket(socket.fd, to: loopback)
        address = try Syscalls.localAddress(socket.fd) ?? loopback
        self.socket = socket
    }

    /// Reserves `port` itself, for example the port of a server that just stopped, so that no
    /// parallel test's server can be given it while the test expects a refusal there.
    ///
    /// - Throws: ``SocketError`` (`.addressInUse`) if something took the port first.
    public init(port: UInt16, family: SocketAddress.Family = .ipv4) throws {
        let socket = try Socket(family: family)
        let wanted: SocketAddress = family == .ipv4 ? .loopbackIPv4(port: port) : .loopbackIPv6(port: port)
        do {
            try Syscalls.bindSocket(socket.fd, to: wanted)
        } catch {
            socket.close()
            throw error
        }
        address = wanted
        self.socket = socket
    }

    /// A reserved port kept for the rest of the test process: for helpers that return only a
    /// port number.
    public static func forProcessLifetime() throws -> UInt16 {
        let reserved = try ReservedPort()
        kept.withLock { $0.append(reserved) }
        return reserved.port
    }

    private static let kept = LockedValue<[ReservedPort]>([])

    /// Releases the port.
    public func release() { socket.close() }
}
