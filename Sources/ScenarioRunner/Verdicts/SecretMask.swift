import HTTPWire

// MARK: - SecretMask

/// Verdicts' name for ``SecretMasking`` (HTTPWire), kept so verdict code reads as before.
/// The rules live in one place: ``SecretMasking``.
public enum SecretMask {
    /// ``SecretMasking/maskHeaderValue(_:)``: `sk-…abcd` style, a `Bearer ` scheme kept, `***` for short secrets.
    public static func mask(_ secret: String) -> String { SecretMasking.maskHeaderValue(secret) }

    /// ``SecretMasking/matches(masked:secret:)``.
    public static func matches(masked: String, secret: String) -> Bool { SecretMasking.matches(masked: masked, secret: secret) }
}
