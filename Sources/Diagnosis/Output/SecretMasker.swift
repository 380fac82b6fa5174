import Foundation
import HTTPWire

/// Removes secrets (API keys, tokens, passwords in URLs, Authorization values) from text.
public struct SecretMasker: Sendable {
    /// Secrets known by value (the key in use); every occurrence is masked.
    public var secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// `sk-…abcd` (first 3 and last 4 characters) for keys of 12+ characters, `***` otherwise.
    public static func mask(_ key: String) -> String {
        let k = key.trimmingCharacters(in: " ")
        guard k.count >= 12 else { return "***" }
        return "\(k.prefix(3))…\(k.suffix(4))"
    }

    /// Masks known secrets, then generic patterns, in `text`.
    public func scrub(_ text: String) -> String {
        var out = text
        for secret in secrets {
            out = out.replacingOccurrences(of: secret, with: Self.mask(secret))
            let trimmed = secret.trimmingCharacters(in: " ")
            if trimmed != secret, trimmed.count >= 4 { out = out.replacingOccurrences(of: trimmed, with: Self.mask(trimmed)) }
        }
        return Self.scrubPatterns(out)
    }

    /// Masks patterns that are secrets whatever their value: `Bearer …`, `user:pass@` in URLs,
    /// `key=`/`token=`/`api_key=`/`password=` query values, `sk-…` style keys.
    public static func scrubPatterns(_ text: String) -> String {
        var out = text
        out = replace(#"(?i)(bearer\s+)([A-Za-z0-9._~+/=\-]{4,})"#, in: out) { "\($0[1])\(mask($0[2]))" }
        out = replace(#"(?i)(authorization\s*[:=]\s*)(?!bearer)([^\s,;"]{4,})"#, in: out) { "\($0[1])\(mask($0[2]))" }
        out = replace(#"(?i)(://)([^/@\s:]+):([^/@\s]+)@"#, in: out) { "\($0[1])\($0[2]):***@" }
        out = replace(#"(?i)([?&;](?:api[_-]?key|key|token|access[_-]?token|password|secret|sig)=)([^&#\s"]+)"#, in: out) {
            "\($0[1])***"
        }
        out = replace(#"\b((?:sk|gsk|xai|sk-or|sk-ant|sk-proj)[-_][A-Za-z0-9_\-]{12,})"#, in: out) { mask($0[1]) }
        return out
    }

    /// A URL for display: credentials and secret query values masked.
    public static func scrubURL(_ url: String) -> String { scrubPatterns(url) }

    private static func replace(_ pattern: String, in text: String, with make: ([String]) -> String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        let ns = text as NSString
        var result = ""
        var last = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            result += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            var groups: [String] = []
            for i in 0..<match.numberOfRanges {
                let r = match.range(at: i)
                groups.append(r.location == NSNotFound ? "" : ns.substring(with: r))
            }
            result += make(groups)
            last = match.range.location + match.range.length
        }
        result += ns.substring(from: last)
        return result
    }
}
