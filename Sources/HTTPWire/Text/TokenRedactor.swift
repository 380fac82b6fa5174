// MARK: - TokenRedactor

/// A single left-to-right pass over UTF-8 bytes that masks token shapes (see ``SecretMasking/redactTokens(_:)``).
struct TokenRedactor {
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
