import HTTPWire

/// Before an `https://` request to a local host goes to URLSession: does the port speak plain
/// HTTP? A plain server that waits for a line end never answers a TLS handshake, so URLSession
/// would wait for its whole headers timeout; this check answers in a few seconds at most.
///
/// It sends a TLS ClientHello: a TLS record back means TLS (go ahead). Bytes starting `HTTP/`
/// mean plain HTTP. Silence or a close without bytes: a second connection sends
/// `GET / HTTP/1.0`, and an `HTTP/` answer there means plain HTTP. Anything else is `unknown`
/// and the request proceeds as usual.
enum PlainHTTPPortCheck {
    enum Verdict: Equatable {
        case tls
        /// The port answered in clear text; the first bytes of its answer.
        case plainHTTP(String)
        case unknown
    }

    /// Connect timeout per connection. 1 s (the host is local).
    static let connectTimeout: Duration = .seconds(1)
    /// How long each probe waits for the first bytes. 1.5 s (a TLS server answers a ClientHello in ms).
    static let replyTimeout: Duration = .milliseconds(1500)

    /// Whether `host` is this machine or a private network, where a plain-HTTP port behind an
    /// `https://` URL is a likely mistake and the check costs nothing noticeable.
    static func appliesTo(host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered.hasSuffix(".local") { return true }
        guard let address = SocketAddress(ipAddress: host, port: 0) else { return false }
        if address.isLoopback || address.isWildcard { return true }
        let b = address.addressBytes
        switch address.family {
        case .ipv4: return b[0] == 10 || (b[0] == 192 && b[1] == 168) || (b[0] == 172 && (16...31).contains(b[1]))
        case .ipv6: return b[0] & 0xFE == 0xFC || (b[0] == 0xFE && b[1] & 0xC0 == 0x80)
        }
    }

    /// Runs the check on a dedicated thread (it blocks on sockets).
    static func verdict(host: String, port: UInt16) async -> Verdict {
        await withCheckedContinuation { continuation in
            do {
                try Syscalls.spawnDetachedThread(name: "llmcheck-tls-check") {
                    continuation.resume(returning: blockingVerdict(host: host, port: port))
                }
            } catch {
                continuation.resume(returning: .unknown)
            }
        }
    }

    static func blockingVerdict(host: String, port: UInt16) -> Verdict {
        let addresses: [SocketAddress]
        if let literal = SocketAddress(ipAddress: host, port: port) {
            addresses = [literal]
        } else if let found = try? NameResolver.resolve(host: host, port: port), !found.isEmpty {
            addresses = found
        } else {
            return .unknown
        }
        guard let address = addresses.first else { return .unknown }
        let hello = exchange(address, TLSClientHello.bytes(serverName: host))
        if TLSClientHello.isTLSRecord(hello) { return .tls }
        if hello.starts(with: Array("HTTP/".utf8)) { return .plainHTTP(preview(hello)) }
        guard hello.isEmpty else { return .unknown }
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let plain = exchange(address, Array("GET / HTTP/1.0\r\nHost: \(authority)\r\n\r\n".utf8))
        return plain.starts(with: Array("HTTP/".utf8)) ? .plainHTTP(preview(plain)) : .unknown
    }

    /// Sends `bytes` on a fresh connection and returns the first bytes of the reply (empty on
    /// silence, close or error).
    private static func exchange(_ address: SocketAddress, _ bytes: [UInt8]) -> [UInt8] {
        guard let socket = try? Socket.connect(to: address, timeout: connectTimeout) else { return [] }
        defer { socket.close() }
        do {
            try socket.writeAll(bytes, timeout: replyTimeout)
            return try socket.readSome(max: 512, timeout: replyTimeout)
        } catch {
            return []
        }
    }

    private static func preview(_ bytes: [UInt8]) -> String {
        let line = bytes.prefix { $0 != 0x0D && $0 != 0x0A }.prefix(40)
        return String(decoding: line, as: UTF8.self)
    }
}
