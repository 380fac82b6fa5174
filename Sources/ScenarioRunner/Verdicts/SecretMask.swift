import Foundation

// MARK: - SecretMask

/// Masks secrets for reports (`sk-…abcd`) and compares a masked credential with a known secret.
public enum SecretMask {
    /// `sk-…abcd` style: up to 3 leading characters and the last 4; `***` for short secrets.
    /// A `Bearer ` prefix is kept.
    public static func mask(_ secret: String) -> String {
        var s = secret
        var prefix = ""
        if s.lowercased().hasPrefix("bearer ") {
            prefix = String(s.prefix(7))
            s = String(s.dropFirst(7))
        }
        guard s.count >= 12 else { return prefix + "***" }
        return prefix + String(s.prefix(3)) + "…" + String(s.suffix(4))
    }

    /// Whether `masked` (as a journal recorded it, masked or not, with or without `Bearer `) shows `secret`.
    public static func matches(masked: String, secret: String) -> Bool {
        var shown = masked.trimmingCharacters(in: .whitespaces)
        if shown.lowercased().hasPrefix("bearer ") { shown = String(shown.dropFirst(7)) }
        if shown == secret { return true }
        guard secret.count >= 8 else { return false }
        // Masked forms keep a suffix (and maybe a prefix) around an ellipsis or asterisks.
        let separators: [Character] = ["…", "*", "."]
        guard let cut = shown.lastIndex(where: { separators.contains($0) }) else { return false }
        let tail = String(shown[shown.index(after: cut)...])
        let headEnd = shown.firstIndex(where: { separators.contains($0) }) ?? shown.startIndex
        let head = String(shown[..<headEnd])
        guard tail.count >= 4 || (tail.isEmpty && head.count >= 4) else { return false }
        return secret.hasSuffix(tail) && secret.hasPrefix(head)
    }
}

