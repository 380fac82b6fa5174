import Foundation

/// A base URL (or `OLLAMA_HOST`-style value) split into its pieces, exactly as written: nothing
/// is defaulted, lower-cased or validated beyond what splitting needs.
///
/// ``ProviderEndpoint/parse(_:kind:apiKey:)`` builds an endpoint from it (normalising, with
/// notes); `diagnose` lints the same pieces (it must see what the user wrote, such as a missing
/// scheme or port, credentials or a query in the base URL).
///
/// | input | scheme | host | portText | path | suffix |
/// |---|---|---|---|---|---|
/// | `http://u:p@Host:80/v1?x#y` | `http` | `Host` | `80` | `/v1` | `?x#y` |
/// | `[::1]:1234` | nil | `::1` (bracketed) | `1234` | `` | nil |
/// | `::1` | nil | `::1` | nil | `` | nil |
/// | `:8080` | nil | `` | `8080` | `` | nil |
public struct URLParts: Sendable, Hashable {
    /// Why a value cannot even be split.
    public enum Problem: Error, Sendable, Hashable {
        /// `[` without a closing `]`.
        case unterminatedBracket
        /// Text after `]` that is not `:port` (the text).
        case unexpectedAfterBracket(String)
    }

    /// Whether matching quotes (`"…"` or `'…'`) around the whole value were removed.
    public var removedQuotes: Bool
    /// The scheme before `://`, lower-cased; nil when there is none. Not validated.
    public var scheme: String?
    /// Whether the authority had `user[:password]@` (dropped from ``host``).
    public var hadUserInfo: Bool
    /// The host as written (case kept), without IPv6 brackets; may be empty.
    public var host: String
    /// Whether the host was written in `[…]`.
    public var isBracketed: Bool
    /// The text after the host's `:`, if any (not validated).
    public var portText: String?
    /// The path up to `?` or `#`; empty when there is none.
    public var path: String
    /// `?query` and/or `#fragment`, with its leading mark; nil when there is none.
    public var suffix: String?

    /// Splits `text` (after trimming surrounding white space and matching quotes).
    ///
    /// A host with several `:` and no brackets (`::1`) is kept whole as the host, without a port.
    public static func split(_ text: String) throws(Problem) -> URLParts {
        var rest = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var removedQuotes = false
        if rest.count >= 2, let first = rest.first, first == "\"" || first == "'", rest.last == first {
            rest = String(rest.dropFirst().dropLast())
            removedQuotes = true
        }
        var scheme: String?
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = String(rest[range.upperBound...])
        }
        var suffix: String?
        if let mark = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            suffix = String(rest[mark...])
            rest = String(rest[..<mark])
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = String(rest[..<slash])
        }
        var hadUserInfo = false
        if let at = rest.lastIndex(of: "@") {
            rest = String(rest[rest.index(after: at)...])
            hadUserInfo = true
        }
        var host = rest
        var portText: String?
        var isBracketed = false
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .unterminatedBracket }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            isBracketed = true
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                portText = String(after.dropFirst())
            } else if !after.isEmpty {
                throw .unexpectedAfterBracket(String(after))
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = String(rest[rest.index(after: colon)...])
        }
        return URLParts(
            removedQuotes: removedQuotes, scheme: scheme, hadUserInfo: hadUserInfo, host: host, isBracketed: isBracketed,
            portText: portText, path: path, suffix: suffix)
    }
}
