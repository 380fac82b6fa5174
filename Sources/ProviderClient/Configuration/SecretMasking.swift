import Foundation

/// Masks secrets (API keys, tokens, proxy passwords) for logs, reports and descriptions.
public enum SecretMasking {
    /// `sk-proj-abcdef…wxyz` → `sk-…wxyz`; short secrets become `***`; empty stays empty.
    ///
    /// At most the first three characters of a recognisable prefix and the last four characters
    /// are kept, and only when the secret is at least 16 characters long, so that the masked
    /// form never reveals more than a quarter of it.
    public static func mask(_ secret: String) -> String {
        if secret.isEmpty { return "" }
        guard secret.count >= 16 else { return "***" }
        let prefix = secret.hasPrefix("sk-") ? "sk-" : ""
        return "\(prefix)…\(secret.suffix(4))"
    }

    /// Replaces every occurrence of `secrets` in `text` with its masked form.
    public static func redact(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: mask(secret))
        }
        return result
    }
}
