import Foundation
import HTTPWire
import ProviderClient

/// A base URL taken apart, with what was defaulted.
public struct Endpoint: Sendable, Hashable {
    public var scheme: String
    /// Host without brackets (`::1`, `127.0.0.1`, `localhost`).
    public var host: String
    public var port: UInt16
    /// Path without trailing slash (`""`, `/v1`).
    public var path: String
    public var hadScheme: Bool
    public var hadPort: Bool
    public var hadUserInfo: Bool
    public var query: String?
    /// The path as given, before trailing-slash removal (lint looks at `//`).
    public var rawPath: String

    public var isHTTPS: Bool { scheme == "https" }
    public var hostForURL: String { host.contains(":") ? "[\(host)]" : host }
    /// `host:port` as sent in the Host header (the port omitted when it is the scheme's default).
    public var authority: String {
        (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? hostForURL : "\(hostForURL):\(port)"
    }
    /// `scheme://host:port/path` (normalized, no secrets).
    public var normalized: String { "\(scheme)://\(authority)\(path)" }
    /// The URL of `suffix` under the base path.
    public func url(_ suffix: String) -> String { "\(scheme)://\(authority)\(path)\(suffix)" }
    /// Root URL with another path.
    public func rootURL(_ path: String) -> String { "\(scheme)://\(authority)\(path)" }

    /// Whether the host is a loopback name or address.
    public var isLoopback: Bool { Endpoint.isLoopback(host) }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h == "ip6-localhost" { return true }
        return h.hasPrefix("127.") && ProbeNet.parseNumeric(h) != nil
    }

    /// Whether `host` is a wildcard bind address.
    public static func isWildcard(_ host: String) -> Bool {
        ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"].contains(host)
    }

    /// Whether `host` is an RFC 1918 / link-local / ULA literal.
    public static func isPrivate(_ host: String) -> Bool {
        guard let a = ProbeNet.parseNumeric(host) else { return host.hasSuffix(".local") }
        if a.family == .ipv6 { return a.ipAddress.hasPrefix("fd") || a.ipAddress.hasPrefix("fc") || a.ipAddress.hasPrefix("fe80") }
        let o = a.ipAddress.split(separator: ".").compactMap { Int($0) }
        guard o.count == 4 else { return false }
        return o[0] == 10 || (o[0] == 172 && (16...31).contains(o[1])) || (o[0] == 192 && o[1] == 168) || (o[0] == 169 && o[1] == 254)
    }
}

/// Why a URL could not be parsed at all.
public struct EndpointParseError: Error, Sendable, Hashable {
    public var message: String
}

extension Endpoint {
    /// Parses `text` as a base URL.
    ///
    /// - Parameters:
    ///   - defaultPort: port used when the text has no scheme and no port (provider default).
    ///   - ollamaHostSemantics: `OLLAMA_HOST` rules: empty host means 127.0.0.1, a bare value
    ///     without scheme gets `http` and port 11434.
    public static func parse(
        _ input: String, defaultPort: UInt16?, ollamaHostSemantics: Bool = false
    ) -> Result<Endpoint, EndpointParseError> {
        var text = input.trimmingCharacters(in: " ")
        if text.count >= 2, let f = text.first, let l = text.last, (f == "\"" && l == "\"") || (f == "'" && l == "'") {
            text = String(text.dropFirst().dropLast())
        }
        if text.isEmpty { return .failure(.init(message: "the URL is empty")) }
        if text.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            return .failure(.init(message: "the URL contains white space"))
        }
        if text.hasPrefix("/") || text.hasPrefix("~") || text.contains("\\")
            || (text.count > 2 && text.dropFirst().first == ":" && text.first?.isLetter == true && !text.contains("://")
                && text.dropFirst(2).first == "/")
        {
            return .failure(.init(message: "'\(text)' looks like a file path, not a URL"))
        }
        // Splitting is ProviderClient's (URLParts); the checks below are diagnose's lint.
        let parts: URLParts
        do {
            parts = try URLParts.split(text)
        } catch {
            switch error {
            case .unterminatedBracket: return .failure(.init(message: "unterminated '[' in IPv6 address"))
            case .unexpectedAfterBracket(let after): return .failure(.init(message: "unexpected '\(after)' after the IPv6 address"))
            }
        }
        let hadScheme = parts.scheme != nil
        let scheme = parts.scheme ?? "http"
        guard scheme == "http" || scheme == "https" else {
            return .failure(.init(message: "unsupported scheme '\(scheme)://' (use http:// or https://)"))
        }
        let query = parts.suffix.map { String($0.dropFirst()) }
        var path = parts.path
        let hadUserInfo = parts.hadUserInfo
        var host = parts.host
        let portText = parts.portText
        if !parts.isBracketed, host.contains(":") {
            let withoutPort = host.lastIndex(of: ":").map { String(host[..<$0]) } ?? ""
            if ProbeNet.parseNumeric(host) != nil || ProbeNet.parseNumeric(withoutPort) != nil {
                return .failure(.init(message: "IPv6 addresses in URLs need brackets: http://[\(host)]:PORT"))
            }
            return .failure(.init(message: "'\(host)' is not a valid host:port"))
        }
        host = host.lowercased()
        if host.isEmpty {
            if ollamaHostSemantics { host = "127.0.0.1" } else { return .failure(.init(message: "the URL has no host")) }
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        if !host.contains(":"), !host.allSatisfy({ allowed.contains($0) }) {
            return .failure(.init(message: "'\(host)' is not a valid host name"))
        }
        if host.contains(":"), ProbeNet.parseNumeric(host) == nil {
            return .failure(.init(message: "'\(host)' is not a valid IPv6 address"))
        }
        var port: UInt16
        var hadPort = false
        if let portText, !portText.isEmpty {
            guard let p = UInt16(portText), p > 0 else {
                return .failure(.init(message: "'\(portText)' is not a valid port (1-65535)"))
            }
            port = p
            hadPort = true
        } else if !hadScheme, let defaultPort {
            port = defaultPort
        } else {
            port = scheme == "https" ? 443 : 80
        }
        if let canonical = ProbeNet.parseNumeric(host) { host = canonical.ipAddress }
        let rawPath = path
        while path.hasSuffix("/") { path.removeLast() }
        return .success(
            Endpoint(
                scheme: scheme, host: host, port: port, path: path, hadScheme: hadScheme, hadPort: hadPort,
                hadUserInfo: hadUserInfo, query: query, rawPath: rawPath
            )
        )
    }
}
