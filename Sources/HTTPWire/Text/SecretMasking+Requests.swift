// MARK: - Secrets seen in a request

extension SecretMasking {
    /// Secret values shorter than this are masked where they stand (header, query) but not
    /// searched for elsewhere: a 4-character key would mask unrelated words in paths and messages.
    public static let minimumSearchedSecretLength = 8

    /// The secret values a request carries, to be masked wherever they appear later (path, fault
    /// messages, echoed bodies, fixtures, logs): the values of secret headers
    /// (``isSecretHeader(_:)``, without an auth scheme such as `Bearer `) and of key-like query
    /// parameters (`key`, `api_key`, `token`…), each of ``minimumSearchedSecretLength`` or more
    /// characters and not a known placeholder (``isPlaceholder(_:)``). Empty (no allocation) when
    /// the request has none.
    public static func requestSecrets(headers: HTTPHeaders, target: String) -> [String] {
        var out: [String] = []
        for field in headers where field.isSecret {
            collectSecret(ofHeaderValue: field.value, into: &out)
        }
        collectQuerySecrets(target: target, into: &out)
        return out
    }

    /// Adds the secret of a secret header's value (``requestSecrets(headers:target:)``) to `secrets`.
    public static func collectSecret(ofHeaderValue value: String, into secrets: inout [String]) {
        // Most header values (`Bearer sk-test`, `ollama`) are too short to hold a searched secret:
        // decided on the count alone. Otherwise the part is found on the bytes in place.
        guard value.utf8.count >= minimumSearchedSecretLength else { return }
        var value = value
        // One look at the bytes: the part is found, and a String made only when it is long enough.
        let secret = value.withUTF8 { bytes -> String? in
            let part = secretPartRange(bytes)
            guard part.count >= minimumSearchedSecretLength else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[part]), as: UTF8.self)
        }
        if let secret { add(secret, to: &secrets) }
    }

    /// The secret of a header value, as a range of byte offsets: the text after an auth scheme
    /// (`Bearer x` → `x`), trimmed of spaces.
    static func secretPartRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while start < end, bytes[end - 1] == 0x20 { end -= 1 }
        var space = start
        while space < end, bytes[space] != 0x20 { space += 1 }
        if space < end, (start..<space).allSatisfy({ isAlphanumeric(bytes[$0]) }) {
            start = space + 1
            while start < end, bytes[start] == 0x20 { start += 1 }
        }
        return start..<end
    }

    /// Adds the values of key-like query parameters of `target` (``requestSecrets(headers:target:)``) to `secrets`.
    public static func collectQuerySecrets(target: String, into out: inout [String]) {
        if let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            let query = target[target.index(after: question)...]
            for pair in query.split(separator: "&") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<equals].lowercased()
                guard queryParameterNames.contains(name) || isSecretHeader(name) else { continue }
                let raw = String(pair[pair.index(after: equals)...])
                add(raw, to: &out)
                if let decoded = raw.removingPercentEncodingASCII(), decoded != raw { add(decoded, to: &out) }
            }
        }
    }

    /// Query parameter names (lowercase) whose values are secrets.
    public static let queryParameterNames: Set<String> = [
        "key", "api_key", "api-key", "apikey", "token", "access_token", "password", "secret", "sig",
    ]

    /// `text` with every value of `secrets` masked (``redact(_:secrets:)``) and then every token
    /// shape masked (``redactTokens(_:)``): what a journal, a fixture or a log line may show of
    /// text that came with a request. Returns `text` itself when nothing needed masking.
    public static func redactRequestText(_ text: String, secrets: [String]) -> String {
        let masked = secrets.isEmpty ? text : redact(text, secrets: secrets)
        return mayHoldTokenShape(masked) ? redactTokens(masked) : masked
    }

    /// Whether `text` has a byte every token shape of ``redactTokens(_:)`` needs (`?`, `&`, `:`,
    /// `=`, `-`, `_`, `@`, a space or tab): a plain path such as `/v1/chat/completions` has none
    /// and is returned without scanning.
    static func mayHoldTokenShape(_ text: String) -> Bool {
        var text = text  // a native string's bytes are read in place, without a copy
        return text.withUTF8 { bytes in
            for b in bytes {
                switch b {
                case 0x3F, 0x26, 0x3A, 0x3D, 0x2D, 0x5F, 0x40, 0x20, 0x09: return true
                default: continue
                }
            }
            return false
        }
    }

    /// Whether a request target has a query (`?`): the only place key-like parameters can be.
    /// Reads a native string's bytes in place; runs for every mock request.
    public static func hasQuery(_ target: String) -> Bool {
        var target = target
        return target.withUTF8 { bytes in bytes.contains(UInt8(ascii: "?")) }
    }

    /// Whether any of `secrets` (4+ bytes) occurs in `text`; does not allocate for native strings.
    static func containsAny(_ text: String, of secrets: [String]) -> Bool {
        guard !secrets.isEmpty else { return false }
        var text = text
        return text.withUTF8 { haystack in
            for secret in secrets where secret.utf8.count >= 4 && secret.utf8.count <= haystack.count {
                var secret = secret
                let found = secret.withUTF8 { needle in
                    let first = needle[0]
                    var i = 0
                    let last = haystack.count - needle.count
                    while i <= last {
                        if haystack[i] == first {
                            var k = 1
                            while k < needle.count, haystack[i + k] == needle[k] { k += 1 }
                            if k == needle.count { return true }
                        }
                        i += 1
                    }
                    return false
                }
                if found { return true }
            }
            return false
        }
    }

    /// `bytes` with every value of `secrets` masked; the same bytes when none occurs.
    public static func redact(_ bytes: [UInt8], secrets: [String]) -> [UInt8] {
        guard !secrets.isEmpty else { return bytes }
        var out = bytes
        for secret in secrets.sorted(by: { $0.utf8.count > $1.utf8.count }) where secret.utf8.count >= 4 {
            out = replacing(Array(secret.utf8), with: Array(mask(secret).utf8), in: out)
        }
        return out
    }

    private static func add(_ value: String, to out: inout [String]) {
        guard value.utf8.count >= minimumSearchedSecretLength, !isPlaceholder(value), !out.contains(value) else { return }
        out.append(value)
    }
}

extension String {
    /// `%XX` escapes decoded (no Foundation); nil when an escape is malformed or the result is not UTF-8.
    func removingPercentEncodingASCII() -> String? {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        var out: [UInt8] = []
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            guard b == UInt8(ascii: "%") else {
                out.append(b)
                continue
            }
            guard let h = it.popFirst(), let l = it.popFirst(), let hi = hexValue(h), let lo = hexValue(l) else { return nil }
            out.append(hi << 4 | lo)
        }
        return String(validating: out, as: UTF8.self)
    }

    private func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}

// MARK: - Secrets across chunk boundaries

extension SecretMasking {
    /// `chunks` with every value of `secrets` masked as if they were one byte stream: a secret that
    /// a body split across two or more chunks is masked too. The mask goes into the chunk where the
    /// secret starts and the rest of the secret is dropped from the chunks after it, so the result
    /// has as many chunks as `chunks` (some possibly shorter or empty) and the same concatenated text
    /// as ``redact(_:secrets:)-([UInt8],_)`` of the whole body.
    public static func redact(chunks: [[UInt8]], secrets: [String]) -> [[UInt8]] {
        guard !secrets.isEmpty else { return chunks }
        var out = chunks
        for secret in secrets.sorted(by: { $0.utf8.count > $1.utf8.count }) where secret.utf8.count >= 4 {
            out = replacingAcrossChunks(Array(secret.utf8), with: Array(mask(secret).utf8), in: out)
        }
        return out
    }

    private static func replacingAcrossChunks(_ needle: [UInt8], with replacement: [UInt8], in chunks: [[UInt8]]) -> [[UInt8]] {
        let starts = occurrences(of: needle, in: chunks.flatMap { $0 })
        guard !starts.isEmpty else { return chunks }
        var out: [[UInt8]] = []
        out.reserveCapacity(chunks.count)
        var offset = 0, next = 0, skipUntil = 0
        for chunk in chunks {
            var piece: [UInt8] = []
            piece.reserveCapacity(chunk.count)
            for (k, byte) in chunk.enumerated() {
                let position = offset + k
                if position < skipUntil { continue }
                if next < starts.count, starts[next] == position {
                    piece += replacement
                    skipUntil = position + needle.count
                    next += 1
                } else {
                    piece.append(byte)
                }
            }
            out.append(piece)
            offset += chunk.count
        }
        return out
    }
}
