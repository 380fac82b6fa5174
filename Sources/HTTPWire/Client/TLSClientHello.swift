/// A minimal TLS 1.2/1.3 ClientHello, used only to see whether a port speaks TLS or plain HTTP
/// (`diagnose`'s protocol rung, and the provider client before it hands an `https://` URL on a
/// local host to URLSession).
public enum TLSClientHello {
    /// Bytes of a ClientHello for `serverName` (SNI, omitted for IP literals), offering common
    /// cipher suites.
    public static func bytes(serverName: String) -> [UInt8] {
        let random = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let ciphers: [UInt8] = [0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9c, 0x00, 0x2f]
        var extensions: [UInt8] = []
        let name = Array(serverName.utf8.prefix(200))
        if !name.isEmpty, !serverName.hasPrefix("["), SocketAddress(ipAddress: serverName, port: 0) == nil {
            let list = [0x00] + u16(name.count) + name
            let sni = u16(list.count) + list
            extensions += [0x00, 0x00] + u16(sni.count) + sni
        }
        // supported_groups (x25519, secp256r1), ec_point_formats, signature_algorithms, supported_versions (1.3, 1.2)
        extensions += [0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]
        extensions += [0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]
        extensions += [0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01]
        extensions += [0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03]
        var hello: [UInt8] = [0x03, 0x03] + random + [0x00]
        hello += u16(ciphers.count) + ciphers + [0x01, 0x00]
        hello += u16(extensions.count) + extensions
        let handshake = [0x01, 0x00] + u16(hello.count) + hello
        return [0x16, 0x03, 0x01] + u16(handshake.count) + handshake
    }

    private static func u16(_ n: Int) -> [UInt8] { [UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] }

    /// Whether `bytes` start like a TLS record (handshake 0x16 or alert 0x15, version 3.x).
    public static func isTLSRecord(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && (bytes[0] == 0x15 || bytes[0] == 0x16) && bytes[1] == 0x03
    }
}
