import Foundation
import HTTPWire

/// The DNS-rebinding guard Ollama applies to the `Host` header, shared by the Ollama personality
/// and the control endpoint: loopback and private IPs, `localhost`, `*.localhost`, `*.local`,
/// `*.internal` and the machine's own host name are allowed; any other name is refused (a web
/// page that rebinds `evil.example` to 127.0.0.1 still sends `Host: evil.example`).
public enum HostPolicy {
    /// Whether a listener on `host` only accepts local connections.
    public static func isLoopbackListener(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Whether a listener on `host` accepts connections from every interface.
    public static func isWildcardListener(_ host: String) -> Bool {
        host == "0.0.0.0" || host == "::" || host == "[::]" || host == "*"
    }

    /// Whether the `Host` header value names this machine or a private address.
    public static func isAllowedHost(_ hostHeader: String) -> Bool {
        var host = hostHeader.lowercased()
        if host.hasPrefix("[") {
            if let end = host.firstIndex(of: "]") { host = String(host[host.index(after: host.startIndex)..<end]) }
        } else if let colon = host.lastIndex(of: ":"), host.filter({ $0 == ":" }).count == 1 {
            host = String(host[..<colon])
        }
        if host.isEmpty || host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal") {
            return true
        }
        if host == machineHostName { return true }
        let octets = host.split(separator: ".").compactMap { UInt8($0) }
        if octets.count == 4, host.split(separator: ".").count == 4 {
            let (a, b) = (octets[0], octets[1])
            return a == 127 || a == 10 || a == 0 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168) || (a == 169 && b == 254)
        }
        if host.contains(":") {
            return host == "::1" || host == "::" || host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe80")
        }
        return false
    }

    static let machineHostName = ProcessInfo.processInfo.hostName.lowercased()
}
