import HTTPWire
import Testing

@Suite("SecretMasking")
struct SecretMaskingTests {
    // MARK: - Keys

    @Test("keys of 12+ characters show only their last four characters", arguments: [
        ("sk-proj-abcdefghijklmnopqrstuvwxyz123456", "…3456"),
        ("abcdefghijkl", "…ijkl"),
        ("  sk-primary-key-000000001111 ", "…1111"),
    ])
    func longKeys(key: String, expected: String) {
        #expect(SecretMasking.mask(key) == expected)
    }

    @Test("short keys reveal nothing and empty stays empty", arguments: ["a", "short", "abcdefghijk", "lm-studio"])
    func shortKeys(key: String) {
        #expect(SecretMasking.mask(key) == "***")
        #expect(SecretMasking.mask("") == "")
    }

    @Test("header values keep their scheme")
    func headerValues() {
        #expect(SecretMasking.maskHeaderValue("Bearer sk-test-0123456789abcdef") == "Bearer …cdef")
        #expect(SecretMasking.maskHeaderValue("Basic dXNlcjpwYXNzd29yZA==") == "Basic …ZA==")
        #expect(SecretMasking.maskHeaderValue("Basic abc") == "Basic ***")
        #expect(SecretMasking.maskHeaderValue("bearer lm-studio") == "bearer ***")
        #expect(SecretMasking.maskHeaderValue("sk-test-0123456789abcdef") == "…cdef")
        #expect(SecretMasking.maskHeaderValue("") == "")
    }

    @Test("secret header names match in any case", arguments: [
        "Authorization", "x-api-key", "API-KEY", "Proxy-Authorization", "Cookie", "X-Forwarded-Api-Key", "X-Auth-Token",
        "Ocp-Apim-Subscription-Key", "X-Client-Secret", "X-LLMCheck-Control-Token", "authorization-hint",
    ])
    func secretHeaders(name: String) {
        #expect(SecretMasking.isSecretHeader(name))
    }

    // Names are secret by pattern (key, token, secret, auth, cookie, passw, credential), so
    // `authorization-hint` is now secret; `Keep-Alive` must not match "key".
    @Test("ordinary headers are not secret", arguments: ["Content-Type", "X-Test-Id", "Keep-Alive", "User-Agent", "X-LLMCheck-Fault", "Accept", "ak", "x-ratelimit-remaining-tokens", ""])
    func ordinaryHeaders(name: String) {
        #expect(!SecretMasking.isSecretHeader(name))
    }

    @Test("a masked form matches the secret it came from, and only that")
    func matching() {
        let secret = "sk-primary-key-000000001111"
        #expect(SecretMasking.matches(masked: "Bearer …1111", secret: secret))
        #expect(SecretMasking.matches(masked: SecretMasking.mask(secret), secret: secret))
        #expect(SecretMasking.matches(masked: secret, secret: secret))
        #expect(!SecretMasking.matches(masked: "Bearer …2222", secret: secret))
        #expect(!SecretMasking.matches(masked: "***", secret: secret))
    }

    // MARK: - Text

    @Test("known secrets are replaced wherever they occur, longest first")
    func knownSecrets() {
        let key = "sk-test-0123456789abcdef"
        let text = "401 for key \(key) (again: \(key)); prefix sk-test-0123"
        let redacted = SecretMasking.redact(text, secrets: [key, "sk-test-0123", "abc"])
        #expect(!redacted.contains(key))
        #expect(redacted == "401 for key …cdef (again: …cdef); prefix …0123")
        #expect(SecretMasking.redact("tiny abc", secrets: ["abc"]) == "tiny abc")
        #expect(SecretMasking.redact("héllo wörld", secrets: ["wörld"]) == "héllo ***")
    }

    @Test("credential fields and tokens in free text are masked", arguments: [
        ("Authorization: Bearer sk-proj-abcdefghijklmnop1234 ok", "Authorization: Bearer *** ok"),
        ("proxy-authorization=Basic dXNlcjpwYXNz", "proxy-authorization=Basic ***"),
        (#"{"api_key": "topsecret", "n": 1}"#, #"{"api_key": "***", "n": 1}"#),
        ("x-api-key: topsecret, next", "x-api-key: ***, next"),
        ("send Bearer abcdefghijklmnop now", "send Bearer …mnop now"),
        ("key sk-abcdefghWXYZ.", "key …WXYZ."),
        ("token sk-lm-AbCdEfGh:IjKlMnOpQrSt end", "token …QrSt end"),
        ("groq gsk_0123456789abcdefXYZW", "groq …XYZW"),
        ("GET http://user:pw@host:8080/v1?model=a&key=abc123#f", "GET http://***@host:8080/v1?model=a&key=***#f"),
        ("https://h/v1?api_key=s3cr3t&x=1", "https://h/v1?api_key=***&x=1"),
    ])
    func tokens(input: String, expected: String) {
        #expect(SecretMasking.redactTokens(input) == expected)
    }

    @Test("text without secrets is returned unchanged", arguments: [
        "", "plain text with a task-id and sk- alone", "keyboard: qwerty", "monkey=1", "http://host:1234/v1/models",
        "émoji ✅ and ünïcode", "Bearer", "secrets: many",
    ])
    func untouched(input: String) {
        #expect(SecretMasking.redactTokens(input) == input)
    }

    @Test("masking is idempotent")
    func idempotent() {
        let once = SecretMasking.redactTokens("Authorization: Bearer sk-proj-abcdefghijklmnop1234 http://u:p@h/?token=x")
        #expect(SecretMasking.redactTokens(once) == once)
    }

    @Test("URLs lose user-info and key-like query values only")
    func urls() {
        #expect(SecretMasking.redactURL("http://alice@proxy:3128") == "http://***@proxy:3128")
        #expect(SecretMasking.redactURL("http://127.0.0.1:11434/api/tags?name=x") == "http://127.0.0.1:11434/api/tags?name=x")
        #expect(SecretMasking.redactURL("http://h/?token=a&sig=b&password=c") == "http://h/?token=***&sig=***&password=***")
        #expect(SecretMasking.redactURL("http://h/path@v1") == "http://h/path@v1")
    }
}

@Suite struct SecretMaskingPlaceholderTests {
    @Test(arguments: [
        "export OPENAI_API_KEY=ollama (any text works for local servers without auth).",
        "export OPENAI_API_KEY=lm-studio",
        "export OPENAI_API_KEY=sk-… (create one at https://platform.openai.com/api-keys).",
        "OPENAI_API_KEY=EMPTY for vLLM",
    ])
    func documentedDummyKeysStayVisible(text: String) {
        #expect(SecretMasking.redactTokens(text) == text)
    }

    @Test func realValuesInTheSameShapeAreStillMasked() {
        let masked = SecretMasking.redactTokens("export OPENAI_API_KEY=hunter2-corp-internal")
        #expect(!masked.contains("hunter2"))
        #expect(masked.contains("OPENAI_API_KEY=***"))
    }
}

@Suite("SecretMasking across chunk boundaries", .timeLimit(.minutes(1)))
struct SecretMaskingChunkTests {
    static let secret = "sk-planted-secret-7777XYZW"
    static let body = Array(#"{"echo":"sk-planted-secret-7777XYZW","again":"sk-planted-secret-7777XYZW"}"#.utf8)

    /// Every way of cutting the body in three: the secret never survives in any chunk, the chunk
    /// count is kept, and the joined result is what masking the whole body gives.
    @Test func everySplitIsMaskedLikeTheWholeBody() {
        let whole = SecretMasking.redact(Self.body, secrets: [Self.secret])
        #expect(!String(decoding: whole, as: UTF8.self).contains("planted"))
        for i in 0...Self.body.count {
            for j in i...Self.body.count {
                let chunks = [Array(Self.body[..<i]), Array(Self.body[i..<j]), Array(Self.body[j...])]
                let masked = SecretMasking.redact(chunks: chunks, secrets: [Self.secret])
                #expect(masked.count == 3)
                #expect(masked.flatMap { $0 } == whole, "split at \(i), \(j)")
                for chunk in masked {
                    let text = String(decoding: chunk, as: UTF8.self)
                    #expect(!text.contains("planted-secret") && !text.contains("7777X"), "split at \(i), \(j): \(text)")
                }
            }
        }
    }

    @Test func withoutSecretsOrOccurrencesTheChunksAreUnchanged() {
        let chunks = [Array("abc".utf8), Array("def".utf8)]
        #expect(SecretMasking.redact(chunks: chunks, secrets: []) == chunks)
        #expect(SecretMasking.redact(chunks: chunks, secrets: [Self.secret]) == chunks)
        #expect(SecretMasking.redact(chunks: [], secrets: [Self.secret]).isEmpty)
    }
}
