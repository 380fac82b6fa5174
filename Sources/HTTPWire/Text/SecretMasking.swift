// MARK: - SecretMasking

/// The one place that decides how secrets (API keys, tokens, `Authorization` values, URL passwords)
/// are masked before they reach a journal, a log, a report, an error message or a fixture.
///
/// Rules:
/// - A key is shown as its first three and last four characters around an ellipsis
///   (`sk-proj-abcdef…wxyz` → `sk-…wxyz`) when it has at least ``minimumRevealedLength`` (12)
///   characters; shorter keys become `***`, so a short secret never shows more than it hides;
///   the empty string stays empty.
/// - A header value keeps its scheme (`Bearer `, `Basic `) and masks the rest as a key.
/// - Free text is scanned for known secrets (``redact(_:secrets:)``) and for token shapes
///   (``redactTokens(_:)``): credential fields, `Bearer …`, `sk-…`, URL user-info and key-like
///   query parameters.
///
/// Foundation-free and allocation-light: ``isSecretHeader(_:)`` and ``maskHeaderValue(_:)`` run
/// on the mock servers' per-request path.
public enum SecretMasking {
    /// Keys shorter than this are masked as `***` entirely.
    public static let minimumRevealedLength = 12

    /// Header names (lowercase) whose values are secrets.
    public static let secretHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "openai-api-key", "cookie", "set-cookie",
    ]

    private static let secretHeaderList: [String] = Array(secretHeaderNames)
    /// Bit n set when some secret header name is n bytes long.
    private static let secretNameLengths: UInt32 = secretHeaderNames.reduce(0) { $0 | (1 << UInt32($1.utf8.count)) }

    // MARK: - Keys and headers

    /// Whether the header named `name` (any case) carries a secret. Does not allocate.
    ///
    /// Takes a concrete `String` on purpose: a generic parameter is not specialized across the
    /// module boundary and cost a runtime metadata lookup per comparison on the mocks' hot path.
    public static func isSecretHeader(_ name: String) -> Bool {
        // Most names have a length no secret name has: decided without comparing bytes.
        let length = name.utf8.count
        guard length <= 31, (secretNameLengths >> UInt32(length)) & 1 != 0 else { return false }
        return secretHeaderList.contains { $0.caseInsensitiveEquals(name) }
    }

    /// `sk-…abcd` style: the first three and last four characters of a key of 12 or more
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

    /// A secret header value with its scheme kept: `Bearer sk-proj-…` → `Bearer sk-…abcd`,
    /// `Basic dXNl` → `Basic ***`, a bare key → `sk-…abcd`. The same rule as ``mask(_:)``, named for
    /// call sites that mask header values.
    public static func maskHeaderValue(_ value: String) -> String {
        mask(value)
    }

    private static func maskToken(_ token: Substring) -> String {
        var token = token
        while token.first == " " { token.removeFirst() }
        guard token.count >= minimumRevealedLength else { return "***" }
        return token.prefix(3) + "…" + token.suffix(4)
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
        if value.contains("…") || value == "***" { return true }
        let known: Set<String> = ["ollama", "lm-studio", "lmstudio", "empty", "sk-no-key-required", "dummy", "none", "not-needed", "local"]
        return known.contains(value.lowercased())
    }

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

    private static func replacing(_ needle: [UInt8], with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return haystack }
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count)
        var i = 0
        let last = haystack.count - needle.count
        while i < haystack.count {
            if i <= last, haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: replacement)
                i += needle.count
            } else {
                out.append(haystack[i])
                i += 1
            }
        }
        return out
    }
}

// MARK: - TokenRedactor

/// A single left-to-right pass over UTF-8 bytes that masks token shapes (see ``SecretMasking/redactTokens(_:)``).
private struct TokenRedactor {
    let bytes: [UInt8]
    let credentialFields: Bool
    var out: [UInt8] = []
    var changed = false

    init(_ bytes: [UInt8], credentialFields: Bool = true) {
        self.bytes = bytes
        self.credentialFields = credentialFields
        out.reserveCapacity(bytes.count)
    }

    private static let fieldNames: [[UInt8]] = [
        "proxy-authorization", "authorization", "x-api-key", "openai-api-key", "openai_api_key", "api-key", "api_key",
        "apikey", "access-token", "access_token", "secret",
    ].map { Array($0.utf8) }
    private static let authSchemes: [[UInt8]] = ["bearer", "basic", "token"].map { Array($0.utf8) }
    private static let queryNames: [[UInt8]] = [
        "key", "api_key", "api-key", "apikey", "token", "access_token", "password", "secret", "sig",
    ].map { Array($0.utf8) }
    private static let keyPrefixes: [[UInt8]] = ["sk-", "gsk_", "xai-"].map { Array($0.utf8) }
    private static let stars: [UInt8] = Array("***".utf8)

    /// Scans everything; returns whether anything was masked.
    mutating func run() -> Bool {
        var i = 0
        while i < bytes.count {
            let atWordStart = i == 0 || !isWord(bytes[i - 1])
            if atWordStart, let next = (credentialFields ? field(at: i) : nil) ?? bearer(at: i) ?? key(at: i) {
                i = next
                continue
            }
            if bytes[i] == UInt8(ascii: ":"), let next = userInfo(at: i) {
                i = next
                continue
            }
            if bytes[i] == UInt8(ascii: "?") || bytes[i] == UInt8(ascii: "&"), let next = query(at: i) {
                i = next
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return changed
    }

    // MARK: Shapes

    /// `name"?\s*[:=]\s*"?(scheme\s+)?value` → value `***`.
    private mutating func field(at start: Int) -> Int? {
        guard let name = Self.fieldNames.first(where: { matchesLowercase($0, at: start) }) else { return nil }
        var i = start + name.count
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") { i += 1 }
        i = skipSpaces(i)
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") || bytes[i] == UInt8(ascii: "=") else { return nil }
        i = skipSpaces(i + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") { i += 1 }
        var valueStart = i
        if let scheme = Self.authSchemes.first(where: { matchesLowercase($0, at: i) }),
            i + scheme.count < bytes.count, isSpace(bytes[i + scheme.count])
        {
            valueStart = skipSpaces(i + scheme.count)
        }
        var end = valueStart
        while end < bytes.count, !isValueTerminator(bytes[end]) { end += 1 }
        guard end > valueStart, !bytes[valueStart..<end].elementsEqual(Self.stars) else { return nil }
        let value = String(decoding: bytes[valueStart..<end], as: UTF8.self)
        if SecretMasking.isPlaceholder(value) { return nil }
        out.append(contentsOf: bytes[start..<valueStart])
        out.append(contentsOf: Self.stars)
        changed = true
        return end
    }

    /// `Bearer <token of 4+ characters>` → `Bearer ` + mask.
    private mutating func bearer(at start: Int) -> Int? {
        guard matchesLowercase(Self.authSchemes[0], at: start) else { return nil }
        let tokenStart = skipSpaces(start + 6)
        guard tokenStart > start + 6 else { return nil }
        var end = tokenStart
        while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
        guard end - tokenStart >= 4 else { return nil }
        out.append(contentsOf: bytes[start..<tokenStart])
        out.append(contentsOf: SecretMasking.mask(String(decoding: bytes[tokenStart..<end], as: UTF8.self)).utf8)
        changed = true
        return end
    }

    /// `sk-…`, `gsk_…`, `xai-…` with 8+ key characters (`:` allowed inside, as in LM Studio tokens).
    private mutating func key(at start: Int) -> Int? {
        guard let prefix = Self.keyPrefixes.first(where: { matchesLowercase($0, at: start) }) else { return nil }
        var end = start + prefix.count
        while end < bytes.count {
            let b = bytes[end]
            if isWord(b) || b == UInt8(ascii: "-") {
                end += 1
            } else if b == UInt8(ascii: ":"), end + 1 < bytes.count, isWord(bytes[end + 1]) {
                end += 1
            } else {
                break
            }
        }
        guard end - start - prefix.count >= 8 else { return nil }
        out.append(contentsOf: SecretMasking.mask(String(decoding: bytes[start..<end], as: UTF8.self)).utf8)
        changed = true
        return end
    }

    /// `://user[:password]@` → `://***@` (only inside the authority: no `/`, space, `?` or `#` before `@`).
    private mutating func userInfo(at colon: Int) -> Int? {
        guard colon + 2 < bytes.count, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else {
            return nil
        }
        let start = colon + 3
        var i = start
        var at: Int?
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "@") { at = i }
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || isSpace(b)
                || b == UInt8(ascii: "\"")
            {
                break
            }
            i += 1
        }
        guard let at, at > start, !bytes[start..<at].elementsEqual(Self.stars) else { return nil }
        out.append(contentsOf: bytes[colon..<start])
        out.append(contentsOf: Self.stars)
        changed = true
        return at
    }

    /// `?key=value` / `&token=value` → value `***`.
    private mutating func query(at separator: Int) -> Int? {
        let nameStart = separator + 1
        guard let name = Self.queryNames.first(where: { matchesLowercase($0, at: nameStart) }) else { return nil }
        let equals = nameStart + name.count
        guard equals < bytes.count, bytes[equals] == UInt8(ascii: "=") else { return nil }
        var end = equals + 1
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "&") || b == UInt8(ascii: "#") || b == UInt8(ascii: "\"") || isSpace(b) { break }
            end += 1
        }
        guard end > equals + 1, !bytes[(equals + 1)..<end].elementsEqual(Self.stars) else { return nil }
        out.append(contentsOf: bytes[separator...equals])
        out.append(contentsOf: Self.stars)
        changed = true
        return end
    }

    // MARK: Bytes

    private func matchesLowercase(_ word: [UInt8], at start: Int) -> Bool {
        guard start + word.count <= bytes.count else { return false }
        for k in 0..<word.count {
            let b = bytes[start + k]
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if lower != word[k] { return false }
        }
        return true
    }

    private func skipSpaces(_ from: Int) -> Int {
        var i = from
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        return i
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private func isWord(_ b: UInt8) -> Bool { SecretMasking.isAlphanumeric(b) || b == UInt8(ascii: "_") }

    private func isTokenByte(_ b: UInt8) -> Bool {
        SecretMasking.isAlphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "~") || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
            || b == UInt8(ascii: ":")
    }

    private func isValueTerminator(_ b: UInt8) -> Bool {
        isSpace(b) || b == UInt8(ascii: "\"") || b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: "&")
    }
}
