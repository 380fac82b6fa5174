/// Resolves host names to socket addresses with `getaddrinfo`.
public enum NameResolver {
    /// Every TCP address `host` resolves to, both families, in resolver order, without duplicates.
    ///
    /// IP literals (`127.0.0.1`, `::1`, `[::1]`) are returned without a lookup.
    /// The corresponding C function is `getaddrinfo` (no `AI_ADDRCONFIG`, so `localhost` yields
    /// `::1` as well as `127.0.0.1` where the resolver lists both).
    ///
    /// - Throws: ``SocketError`` with code ``SocketError/Code/nameResolutionFailed`` carrying the
    ///   `EAI_*` code and `gai_strerror` text.
    /// - Warning: Blocking; call it from a thread, never from the cooperative pool.
    @available(*, noasync, message: "getaddrinfo blocks; call from a dedicated thread")
    public static func resolve(host: String, port: UInt16) throws -> [SocketAddress] {
        if let literal = SocketAddress(ipAddress: host, port: port) { return [literal] }
        let found = try Syscalls.resolve(host: host, port: port)
        var unique: [SocketAddress] = []
        for address in found where !unique.contains(address) { unique.append(address) }
        if unique.isEmpty {
            throw SocketError(
                code: .nameResolutionFailed, errno: 0, syscall: "getaddrinfo",
                message: "no addresses returned", address: host)
        }
        return unique
    }

    /// ``resolve(host:port:)`` for async callers: `getaddrinfo` runs on a dedicated thread.
    ///
    /// - Note: Cancellation cannot interrupt `getaddrinfo`; the call returns when it does.
    public static func resolve(host: String, port: UInt16) async throws -> [SocketAddress] {
        if let literal = SocketAddress(ipAddress: host, port: port) { return [literal] }
        return try await runOnDedicatedThread(name: "getaddrinfo") { try resolve(host: host, port: port) }
    }
}
