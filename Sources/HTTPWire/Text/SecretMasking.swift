// MARK: - SecretMasking

/// The one place that decides how secrets (API keys, tokens, `Authorization` values, URL passwords)
/// are masked before they reach a journal, a log, a report, an error message or a fixture.
///
/// Rules:
/// - A key is shown as an ellipsis and its last four characters (`sk-proj-abcdef…wxyz` → `…wxyz`)
///   when it has at least ``minimumRevealedLength`` (12) characters, so at most 4 characters are
///   ever visible; shorter keys become `***`; the empty string stays empty.
/// - A header value keeps its scheme (`Bearer `, `Basic `) and masks the rest as a key.
/// - A header is secret by name pattern (``isSecretHeader(_:)``: any name containing `key`,
///   `token`, `secret`, `auth`, `cookie`, `passw` or `credential`), a query parameter by name
///   (`key`, `api_key`, `token`…), and every value seen in such a place is a secret wherever it
///   appears later (``requestSecrets(headers:target:)`` + ``redact(_:secrets:)``).
/// - Free text is scanned for known secrets (``redact(_:secrets:)``) and for token shapes
///   (``redactTokens(_:)``): credential fields, `Bearer …`, `sk-…`, URL user-info and key-like
///   query parameters.
///
/// Foundation-free and allocation-light: ``isSecretHeader(_:)`` and ``maskHeaderValue(_:)`` run
/// on the mock servers' per-request path.
public enum SecretMasking {
    /// Keys shorter than this are masked as `***` entirely.
    public static let minimumRevealedLength = 12

    /// A header whose lowercase name contains one of these is secret (`X-Forwarded-Api-Key`,
    /// `X-Auth-Token`, `Ocp-Apim-Subscription-Key`…); `tokens` is a count, not a token
    /// (`x-ratelimit-remaining-tokens` stays visible).
    /// (``isSecretHeaderName(_:)`` spells these out byte by byte: change both together.)
    public static let secretNameParts: [String] = ["key", "token", "secret", "auth", "cookie", "passw", "credential"]

    // MARK: - Keys and headers

    /// Whether the header named `name` (any case) carries a secret: its name contains one of
    /// ``secretNameParts``. Does not allocate.
    ///
    /// Takes a concrete `String` on purpose: a generic parameter is not specialized across the
    /// module boundary and cost a runtime metadata lookup per comparison on the mocks' hot path.
    /// Parsed heads have this decided once, on the wire bytes: ``HTTPHeaders/Field/isSecret``.
    public static func isSecretHeader(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isSecretHeaderName($0) }
    }

    /// ``isSecretHeader(_:)`` on a name's bytes: one pass keeping the last three bytes folded to
    /// lowercase, and a closer look only where they start one of ``secretNameParts``.
    ///
    /// OR-ing 0x20 folds exactly where it matters: the bytes it turns into a lowercase letter are
    /// that letter and its uppercase form, and every part is lowercase letters.
    @inline(__always)
    static func isSecretHeaderName<Bytes: RandomAccessCollection<UInt8>>(_ name: Bytes) -> Bool where Bytes.Index == Int {
        let start = name.startIndex, end = name.endIndex
        guard end - start >= 3 else { return false }
        var window = UInt32(name[start] | 0x20) << 8 | UInt32(name[start + 1] | 0x20)
        var i = start + 2
        while i < end {
            window = (window << 8 | UInt32(name[i] | 0x20)) & 0xFF_FFFF
            i += 1
            // `window` is name[i-3..<i]; `i` is where the rest of a part must follow.
            switch window {
            case 0x6B_6579: return true  // key
            case 0x74_6F6B:  // tok: `token`, but `tokens` counts tokens (`x-ratelimit-remaining-tokens`)
                if follows(name, at: i, "en"), i + 2 == end || name[i + 2] | 0x20 != 0x73 { return true }
            case 0x73_6563: if follows(name, at: i, "ret") { return true }  // secret
            case 0x61_7574: if follows(name, at: i, "h") { return true }  // auth
            case 0x63_6F6F: if follows(name, at: i, "kie") { return true }  // cookie
            case 0x70_6173: if follows(name, at: i, "sw") { return true }  // passw
            case 0x63_7265: if follows(name, at: i, "dential") { return true }  // credential
            default: break
            }
        }
        return false
    }

    /// Whether `name[at...]` starts with the lowercase letters `rest`, in any case.
    @inline(__always)
    private static func follows<Bytes: RandomAccessCollection<UInt8>>(_ name: Bytes, at: Int, _ rest: StaticString) -> Bool where Bytes.Index == Int {
        let count = rest.utf8CodeUnitCount
        guard name.endIndex - at >= count else { return false }
        let expected = rest.utf8Start
        for k in 0..<count where name[at + k] | 0x20 != expected[k] { return false }
        return true
    }

    /// `…abcd` style: an ellipsis and the last four characters of a key of 12 or more
    /// characters; `***` for shorter keys; empty stays empty. Surrounding spaces are ignored, and
    /// an authentication scheme (`Bearer `, `Basic `) is kept, so a whole header value can be passed.
    public static func mask(_ key: String) -> String {
        var token = Substring(key)
        while token.first == " " { token.removeFirst() }
        while token.last == " " { token.removeLast() }
        if token.isEmpty { return "" }
        if let space = token.firstIndex(of: " ") {
            let scheme = token[..<space]
            if scheme.utf8.allSatisfy(isAlphanumeric) {
                return scheme + " " + maskToken(token[token.index(after: space)...])
            }
        }
        return maskToken(token)
    }

    /// A secret header value with its scheme kept: `Bearer sk-proj-…` → `Bearer …abcd`,
    /// `Basic dXNl` → `Basic ***`, a bare key → `…abcd`. The same rule as ``mask(_:)``, named for
    /// call sites that mask header values.
    public static func maskHeaderValue(_ value: String) -> String {
        mask(value)
    }

    private static func maskToken(_ token: Substring) -> String {
        var token = token
        while token.first == " " { token.removeFirst() }
        guard token.count >= minimumRevealedLength else { return "***" }
        return "…" + token.suffix(4)
    }

    /// Whether `masked` (as a journal recorded it: masked or not, with or without a scheme) shows `secret`.
    ///
    /// A masked form matches when its visible suffix (at least four characters) ends the secret and
    /// its visible prefix starts it; `***` never matches (it reveals nothing).
    public static func matches(masked: String, secret: String) -> Bool {
        var shown = Substring(masked)
        while shown.first == " " { shown.removeFirst() }
        while shown.last == " " { shown.removeLast() }
        if let space = shown.firstIndex(of: " "), shown[..<space].caseInsensitiveEquals("bearer") {
            shown = shown[shown.index(after: space)...]
        }
        if shown == secret { return true }
        guard secret.count >= 8 else { return false }
        let separators: [Character] = ["…", "*", "."]
        guard let cut = shown.lastIndex(where: { separators.contains($0) }) else { return false }
        let tail = shown[shown.index(after: cut)...]
        let head = shown[..<(shown.firstIndex(where: { separators.contains($0) }) ?? shown.startIndex)]
        guard tail.count >= 4 || (tail.isEmpty && head.count >= 4) else { return false }
        return secret.hasSuffix(tail) && secret.hasPrefix(head)
    }

    // MARK: - Free text

    /// `text` with every occurrence of each known secret (4+ characters, longest first) replaced
    /// by its ``mask(_:)``.
    public static func redact(_ text: String, secrets: [String]) -> String {
        // The usual case on the mocks' request path: no secret occurs, nothing is copied.
        guard containsAny(text, of: secrets) else { return text }
        let ordered = secrets.filter { $0.count >= 4 }.sorted { $0.utf8.count > $1.utf8.count }
        guard !ordered.isEmpty else { return text }
        var bytes = Array(text.utf8)
        for secret in ordered {
            bytes = replacing(Array(secret.utf8), with: Array(mask(secret).utf8), in: bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Values that stand where a key goes but are no secret: the documented dummy keys of local
    /// servers (`ollama`, `lm-studio`, vLLM's `EMPTY`, llama.cpp's `sk-no-key-required`, `dummy`,
    /// `none`, `not-needed`, `local`) and values already shown masked (`sk-…`, `***`). Advice that
    /// tells a user to `export OPENAI_API_KEY=ollama` must keep showing the value.
    public static func isPlaceholder(_ value: String) -> Bool {
        // Already masked: an ellipsis (E2 80 A6) anywhere, or `***`.
        let bytes = value.utf8
        if bytes.count >= 3, bytes.contains(0xE2), value.contains("…") { return true }
        if value == "***" { return true }
        // No placeholder is longer than 18 bytes: a real key is decided without lowercasing it.
        guard bytes.count <= 18 else { return false }
        return placeholderValues.contains(value.lowercased())
    }

    private static let placeholderValues: Set<String> = [
        "ollama", "lm-studio", "lmstudio", "empty", "sk-no-key-required", "dummy", "none", "not-needed", "local",
    ]

    /// `text` with token-shaped secrets masked, whatever their value:
    /// - credential fields `Authorization: Bearer x`, `x-api-key=x`, `"api_key": "x"`, `secret: x`
    ///   (the value becomes `***`, an auth scheme is kept);
    /// - `Bearer <token>` anywhere (→ `Bearer ` + ``mask(_:)``);
    /// - keys `sk-…` (including `sk-proj-`, `sk-ant-`, LM Studio `sk-lm-…:…`), `gsk_…`, `xai-…`
    ///   of 8+ characters after the prefix (→ ``mask(_:)``);
    /// - URL user-info and key-like query parameters (see ``redactURL(_:)``).
    ///
    /// `credentialFields: false` leaves the first shape out: for prose that names where a key came
    /// from (`from --api-key: 401 …`, `OPENAI_API_KEY: GET …`), whose known key values the caller
    /// masks by value (``redact(_:secrets:)``), so a status or a word after the name survives.
    public static func redactTokens(_ text: String, credentialFields: Bool = true) -> String {
        var scanner = TokenRedactor(Array(text.utf8), credentialFields: credentialFields)
        guard scanner.run() else { return text }
        return String(decoding: scanner.out, as: UTF8.self)
    }

    /// `url` with user-info replaced by `***` (`http://u:p@h/` → `http://***@h/`) and the values of
    /// key-like query parameters (`key`, `api_key`, `api-key`, `apikey`, `token`, `access_token`,
    /// `password`, `secret`, `sig`) replaced by `***`.
    public static func redactURL(_ url: String) -> String {
        redactTokens(url)
    }

    // MARK: - Helpers

    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    static func replacing(_ needle: [UInt8], with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        let starts = occurrences(of: needle, in: haystack)
        guard !starts.isEmpty else { return haystack }
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count)
        var i = 0
        for start in starts {
            out.append(contentsOf: haystack[i..<start])
            out.append(contentsOf: replacement)
            i = start + needle.count
        }
        out.append(contentsOf: haystack[i...])
        return out
    }

    /// Where `needle` starts in `haystack`, left to right without overlaps (the one byte search of
    /// ``replacing(_:with:in:)`` and the chunk-spanning redaction).
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var starts: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) {
                starts.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return starts
    }
}
