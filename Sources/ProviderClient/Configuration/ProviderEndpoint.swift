import Foundation
import HTTPWire

/// Where a provider lives: kind, scheme, host, port, path prefix and API key.
///
/// Built with ``parse(_:kind:apiKey:)``, which applies `OLLAMA_HOST` semantics to any base URL:
///
/// | input | result |
/// |---|---|
/// | (empty) | `http://127.0.0.1:<default port>` |
/// | `:8080` | `http://127.0.0.1:8080` |
/// | `0.0.0.0` / `::` | connect to `127.0.0.1` / `::1` instead (noted) |
/// | `example.com` | `http://example.com:<default port>` |
/// | `http://h` / `https://h` | port 80 / 443 (noted for local providers) |
/// | `[::1]:1234`, `::1` | IPv6 |
/// | `…/v1`, `…/v1/` | OpenAI base; native routes use the prefix before `/v1` |
/// | `…/v1/chat/completions`, `…/api/chat` | endpoint suffix removed (noted) |
///
/// The API key never appears in ``description``; it is masked.
public struct ProviderEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var kind: ProviderKind
    /// `http` or `https`.
    public var scheme: String
    /// Host name or IP literal; IPv6 without brackets.
    public var host: String
    public var port: UInt16
    /// Prefix for native routes (`/api/tags`, `/health`), no trailing slash; usually empty.
    public var basePath: String
    /// Prefix for OpenAI-compatible routes, usually `/v1`.
    public var openAIBasePath: String
    /// The API key or token, if any (sent as `Authorization: Bearer`).
    public var apiKey: String?
    /// Normalisations applied while parsing (shown to users, never contain the key).
    public var notes: [String]

    public init(
        kind: ProviderKind, scheme: String = "http", host: String = "127.0.0.1", port: UInt16? = nil, basePath: String = "",
        openAIBasePath: String = "/v1", apiKey: String? = nil, notes: [String] = []
    ) {
        self.kind = kind
        self.scheme = scheme
        self.host = host
        self.port = port ?? kind.defaultPort
        self.basePath = basePath
        self.openAIBasePath = openAIBasePath
        self.apiKey = apiKey
        self.notes = notes
    }

    /// Whether the scheme is `https`.
    public var isTLS: Bool { scheme == "https" }

    /// `host:port` with IPv6 brackets; the port is omitted when it is the scheme's default.
    public var authority: String {
        // A byte search: Foundation's String.contains bridges to NSString (a measurable part of a load request).
        let shownHost = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
        return isDefault ? shownHost : "\(shownHost):\(port)"
    }

    /// `scheme://authority` + ``basePath``.
    public var baseURL: String { "\(scheme)://\(authority)\(basePath)" }

    /// Whether the host is a loopback name or address.
    public var isLoopback: Bool {
        let h = host.lowercased()
        return h == "localhost" || h.hasSuffix(".localhost") || h.hasPrefix("127.") || h == "::1"
    }

    /// Whether this looks like a remote (cloud) provider: `https` to a non-loopback host.
    /// Used for the model-list cache TTL (1 h remote, 5 min local).
    public var isRemote: Bool { isTLS && !isLoopback }

    /// The origin-form target of a native route (`/api/tags` → `/prefix/api/tags`).
    public func nativeTarget(_ path: String) -> String { basePath + path }

    /// The origin-form target of an OpenAI route (`/chat/completions` → `/v1/chat/completions`).
    public func openAITarget(_ path: String) -> String { openAIBasePath + path }

    public var description: String {
        var text = "\(kind.rawValue) \(scheme)://\(authority)\(kind == .ollama ? basePath : openAIBasePath)"
        if let apiKey, !apiKey.isEmpty { text += " (key \(SecretMasking.mask(apiKey)))" }
        return text
    }

    // MARK: - Parsing

    /// Parses a base URL or `OLLAMA_HOST`-style value.
    ///
    /// - Throws: ``ProviderError`` with code `.invalidConfiguration` naming what is wrong.
    public static func parse(_ text: String, kind: ProviderKind, apiKey: String? = nil) throws(ProviderError) -> ProviderEndpoint {
        var notes: [String] = []
        let parts: URLParts
        do {
            parts = try URLParts.split(text)
        } catch {
            switch error {
            case .unterminatedBracket:
                throw ProviderError(.invalidConfiguration, "missing ']' after the IPv6 address in '\(text)'")
            case .unexpectedAfterBracket(let after):
                throw ProviderError(.invalidConfiguration, "unexpected '\(after)' after the IPv6 address in '\(text)'")
            }
        }
        if parts.removedQuotes { notes.append("removed the quotes around the URL") }
        var scheme = parts.scheme
        if let given = scheme, given != "http", given != "https" {
            throw ProviderError(.invalidConfiguration, "unsupported scheme '\(given)' in '\(text)'; use http:// or https://")
        }
        var path = parts.path + (parts.suffix ?? "")
        if parts.hadUserInfo { notes.append("ignored credentials in the URL; pass the key with --api-key") }
        var host = parts.host
        let portText = parts.portText
        var port: UInt16?
        if let portText {
            guard let value = UInt16(portText), value > 0 else {
                throw ProviderError(.invalidConfiguration, "invalid port '\(portText)' in '\(text)'; expected 1-65535")
            }
            port = value
        }
        if host.isEmpty { host = "127.0.0.1" }
        if host.contains(where: { $0 == " " || $0 == "\t" }) {
            throw ProviderError(.invalidConfiguration, "the host '\(host)' contains whitespace")
        }
        host = host.lowercased()
        if host == "0.0.0.0" {
            notes.append("0.0.0.0 is a bind-all address, not a destination; connecting to 127.0.0.1")
            host = "127.0.0.1"
        } else if host == "::" || host == "0:0:0:0:0:0:0:0" {
            notes.append(":: is a bind-all address, not a destination; connecting to ::1")
            host = "::1"
        }
        if scheme == nil, kind == .ollama, host == "ollama.com" {
            scheme = "https"
        }
        let resolvedScheme = scheme ?? "http"
        if port == nil {
            if scheme != nil {
                port = resolvedScheme == "https" ? 443 : 80
                if kind != .openaiCompatible || !host.contains(".") || host.hasPrefix("127.") || host == "localhost" {
                    if resolvedScheme == "http" {
                        notes.append("no port given: using 80 from http://; \(kind.displayName) listens on \(kind.defaultPort) by default")
                    }
                }
            } else {
                port = resolvedScheme == "https" ? 443 : kind.defaultPort
            }
        }
        // Path: strip query/fragment, trailing slashes, doubled /v1 and pasted endpoint suffixes.
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            notes.append("ignored '\(path[cut...])' in the base URL")
            path = String(path[..<cut])
        }
        while path.hasSuffix("/") { path.removeLast() }
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        let suffixes = ["/chat/completions", "/completions", "/embeddings", "/models", "/api/chat", "/api/generate", "/api/tags", "/api"]
        for suffix in suffixes where path.hasSuffix(suffix) {
            path.removeLast(suffix.count)
            notes.append("removed '\(suffix)' from the base URL: the client adds endpoint paths itself")
            break
        }
        while path.hasSuffix("/v1/v1") {
            path.removeLast(3)
            notes.append("collapsed a doubled '/v1' in the base URL")
        }
        var basePath = path
        var openAIBase = path + "/v1"
        if path == "/v1" || path.hasSuffix("/v1") {
            basePath = String(path.dropLast(3))
            openAIBase = path
        } else if !path.isEmpty, kind != .ollama {
            openAIBase = path
        }
        return ProviderEndpoint(
            kind: kind, scheme: resolvedScheme, host: host, port: port, basePath: basePath, openAIBasePath: openAIBase,
            apiKey: apiKey?.isEmpty == true ? nil : apiKey, notes: notes)
    }
}
