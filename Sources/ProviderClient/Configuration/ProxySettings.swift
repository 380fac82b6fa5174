import Foundation

/// A proxy server to send requests through.
public struct ProxyTarget: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    /// `user:password` from the proxy URL, if any (sent as `Proxy-Authorization: Basic`).
    public var credentials: String?

    public init(host: String, port: UInt16, credentials: String? = nil) {
        self.host = host
        self.port = port
        self.credentials = credentials
    }

    /// Parses `http://[user:pass@]host[:port]` (scheme optional, default port 1080 as curl).
    public static func parse(_ text: String) -> ProxyTarget? {
        var rest = text.trimmingCharacters(in: .whitespaces)
        if let range = rest.range(of: "://") { rest = String(rest[range.upperBound...]) }
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        var credentials: String?
        if let at = rest.lastIndex(of: "@") {
            credentials = String(rest[..<at]).removingPercentEncoding
            rest = String(rest[rest.index(after: at)...])
        }
        var host = rest
        var port: UInt16 = 1080
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":"), let p = UInt16(after.dropFirst()) { port = p }
        } else if let colon = rest.lastIndex(of: ":"), let p = UInt16(rest[rest.index(after: colon)...]) {
            host = String(rest[..<colon])
            port = p
        }
        guard !host.isEmpty else { return nil }
        return ProxyTarget(host: host, port: port, credentials: credentials)
    }

    /// The `Proxy-Authorization` header value, if credentials were given.
    public var authorizationHeader: String? {
        credentials.map { "Basic " + Data($0.utf8).base64EncodedString() }
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(credentials == nil ? "" : "***@")\(shownHost):\(port)"
    }
}

/// Proxy selection the way curl does it, from `http_proxy`, `https_proxy`, `all_proxy` and
/// `no_proxy`.
///
/// * `http://` URLs use `http_proxy` — **lowercase only**, as curl (the uppercase form is ignored
///   to avoid the "httpoxy" CGI problem); `https://` URLs use `https_proxy`, then `HTTPS_PROXY`;
///   both fall back to `all_proxy`, then `ALL_PROXY`.
/// * `no_proxy` (then `NO_PROXY`) is a comma- or space-separated list: `*` disables the proxy for
///   every host; a name matches itself and its subdomains (a leading dot is ignored:
///   `.example.com` and `example.com` both match `api.example.com`); an IP address matches
///   exactly; `10.0.0.0/8` or `fd00::/8` matches a CIDR range (IP literals only, curl ≥ 7.86).
///   Names are not resolved, and loopback is **not** exempt unless listed (curl behaves the same,
///   which is why a stray `http_proxy` can break `http://localhost:11434`).
/// * ``mode`` switches it off (`.disabled`) or forces one proxy (`.explicit`).
/// * ``Convention/anyCommonClient`` answers a different question with the same rules: would *any*
///   common client stack (Python requests/httpx, Node, Go, curl) use a proxy here? `diagnose` asks
///   it, because an app may be built on any of them.
public struct ProxySettings: Sendable, Hashable {
    /// Whose reading of the variables ``fromEnvironment(_:convention:)`` and ``isExempt(host:port:noProxy:convention:)`` follow.
    public enum Convention: Sendable, Hashable {
        /// curl exactly, as documented on the type. Default; what ProviderClient itself does.
        case curl
        /// The union of common client stacks: `http_proxy` **and** `HTTP_PROXY` for `http://`
        /// (requests, httpx and Go read the upper-case form), `HTTPS_PROXY`/`https_proxy`, then
        /// `ALL_PROXY`/`all_proxy`; `NO_PROXY` and `no_proxy` both count; a `host:port` entry exempts
        /// only that port (Go) and `*.example.com` means `.example.com`.
        case anyCommonClient
    }


    public enum Mode: Sendable, Hashable {
        /// Use the environment variables above. Default.
        case environment
        /// Never use a proxy.
        case disabled
        /// Use this proxy for every request (still honouring `noProxy`).
        case explicit(ProxyTarget)
    }

    public var mode: Mode
    public var httpProxy: ProxyTarget?
    public var httpsProxy: ProxyTarget?
    /// The raw `no_proxy` entries.
    public var noProxy: [String]
    /// Which variables were used (names only).
    public var sources: [String]
    /// The variable that supplied ``httpProxy`` (`http_proxy`, `ALL_PROXY`, …), if any.
    public var httpProxyVariable: String?
    /// The variable that supplied ``httpsProxy``, if any.
    public var httpsProxyVariable: String?
    /// How `no_proxy` entries match (see ``Convention``). Default `.curl`.
    public var convention: Convention = .curl

    public init(mode: Mode = .disabled, httpProxy: ProxyTarget? = nil, httpsProxy: ProxyTarget? = nil, noProxy: [String] = [], sources: [String] = []) {
        self.mode = mode
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
        self.sources = sources
    }

    /// No proxy at all.
    public static let none = ProxySettings(mode: .disabled)

    /// Reads the proxy variables from `environment`, with curl's precedence by default.
    public static func fromEnvironment(_ environment: [String: String], convention: Convention = .curl) -> ProxySettings {
        var sources: [String] = []
        func first(_ names: [String]) -> (name: String, value: String)? {
            for name in names {
                if let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty {
                    sources.append(name)
                    return (name, value)
                }
            }
            return nil
        }
        let httpNames: [String], httpsNames: [String], noProxyText: String
        switch convention {
        case .curl:
            httpNames = ["http_proxy", "all_proxy", "ALL_PROXY"]
            httpsNames = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
            noProxyText = first(["no_proxy", "NO_PROXY"])?.value ?? ""
        case .anyCommonClient:
            httpNames = ["http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"]
            httpsNames = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
            noProxyText = [first(["NO_PROXY"])?.value, first(["no_proxy"])?.value].compactMap { $0 }.joined(separator: ",")
        }
        let http = first(httpNames).flatMap { found in ProxyTarget.parse(found.value).map { (found.name, $0) } }
        let https = first(httpsNames).flatMap { found in ProxyTarget.parse(found.value).map { (found.name, $0) } }
        let entries = noProxyText.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
        var settings = ProxySettings(
            mode: .environment, httpProxy: http?.1, httpsProxy: https?.1, noProxy: entries, sources: Array(Set(sources)).sorted())
        settings.httpProxyVariable = http?.0
        settings.httpsProxyVariable = https?.0
        settings.convention = convention
        return settings
    }

    /// The proxy to use for `scheme://host[:port]`, or nil for a direct connection.
    public func proxy(scheme: String, host: String, port: UInt16? = nil) -> ProxyTarget? {
        proxyAndVariable(scheme: scheme, host: host, port: port)?.target
    }

    /// Like ``proxy(scheme:host:port:)``, with the variable that set the proxy (nil for `.explicit`).
    public func proxyAndVariable(scheme: String, host: String, port: UInt16? = nil) -> (target: ProxyTarget, variable: String?)? {
        let candidate: (ProxyTarget, String?)
        switch mode {
        case .disabled: return nil
        case .explicit(let target): candidate = (target, nil)
        case .environment:
            let https = scheme == "https"
            guard let target = https ? httpsProxy : httpProxy else { return nil }
            candidate = (target, https ? httpsProxyVariable : httpProxyVariable)
        }
        return Self.isExempt(host: host, port: port, noProxy: noProxy, convention: convention) ? nil : candidate
    }

    /// Whether `host` (on `port`, if known) matches a `no_proxy` list (curl rules by default, see
    /// the type's documentation and ``Convention``).
    public static func isExempt(host: String, port: UInt16? = nil, noProxy: [String], convention: Convention = .curl) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.hasSuffix(".") { name.removeLast() }
        let hostAddress = IPAddress(name)
        for raw in noProxy {
            var entry = raw.lowercased().trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            if entry == "*" { return true }
            var entryPort: UInt16?
            if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
                let after = entry[entry.index(after: close)...]
                if after.hasPrefix(":") { entryPort = UInt16(after.dropFirst()) }
                entry = String(entry[entry.index(after: entry.startIndex)..<close])
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                entryPort = UInt16(entry[entry.index(after: colon)...])
                entry = String(entry[..<colon])
            }
            if convention == .anyCommonClient {
                if let entryPort, let port, entryPort != port { continue }
                if entry.hasPrefix("*.") { entry.removeFirst() }
            }
            if let slash = entry.firstIndex(of: "/") {
                guard let hostAddress, let network = IPAddress(String(entry[..<slash])),
                    let bits = Int(entry[entry.index(after: slash)...])
                else { continue }
                if hostAddress.isInNetwork(network, prefixLength: bits) { return true }
                continue
            }
            if let address = IPAddress(entry) {
                if hostAddress == address { return true }
                continue
            }
            while entry.hasPrefix(".") { entry.removeFirst() }
            if entry.hasSuffix(".") { entry.removeLast() }
            if name == entry || name.hasSuffix("." + entry) { return true }
        }
        return false
    }

    public var description: String {
        switch mode {
        case .disabled: return "no proxy"
        case .explicit(let target): return "proxy \(target)"
        case .environment:
            var parts: [String] = []
            if let httpProxy { parts.append("http → \(httpProxy)") }
            if let httpsProxy { parts.append("https → \(httpsProxy)") }
            if !noProxy.isEmpty { parts.append("no_proxy \(noProxy.joined(separator: ","))") }
            return parts.isEmpty ? "no proxy in the environment" : parts.joined(separator: "; ")
        }
    }
}

/// A parsed IPv4 or IPv6 address, as 4 or 16 bytes.
struct IPAddress: Hashable {
    var bytes: [UInt8]

    init?(_ text: String) {
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    func isInNetwork(_ network: IPAddress, prefixLength: Int) -> Bool {
        guard bytes.count == network.bytes.count, prefixLength >= 0, prefixLength <= bytes.count * 8 else { return false }
        var remaining = prefixLength
        for index in bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != network.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = text
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        guard text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(String(piece)) else { return nil }
                    out += v4
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                    out += [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
