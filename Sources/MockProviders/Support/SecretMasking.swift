import HTTPWire

/// Masks secrets before they reach a journal, a log or a fixture.
public enum SecretMasking {
    /// Header names whose values are secrets.
    public static let secretHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "openai-api-key", "cookie", "set-cookie",
    ]

    private static let secretHeaderList: [String] = Array(secretHeaderNames)

    /// Whether the header named `name` carries a secret (no allocation: runs per request).
    public static func isSecretHeader(_ name: String) -> Bool {
        secretHeaderList.contains { $0.caseInsensitiveEquals(name) }
    }

    /// `Bearer sk-…abcd` style: keeps the scheme, the first three and last four characters of long
    /// tokens, and replaces everything of short tokens with `***`.
    public static func mask(_ value: String) -> String {
        var scheme = ""
        var token = Substring(value)
        if let space = value.firstIndex(of: " ") {
            scheme = String(value[..<space]) + " "
            token = value[value.index(after: space)...]
        }
        guard token.count >= 12 else { return scheme + "***" }
        return scheme + token.prefix(3) + "…" + token.suffix(4)
    }
}
