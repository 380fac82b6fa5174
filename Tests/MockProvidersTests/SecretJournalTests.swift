import HTTPWire
import MockProviders
import TestSupport
import Testing

/// A secret planted anywhere in a request never leaves a mock or `record` in clear.
@Suite("Secrets in journals and recordings", .timeLimit(.minutes(1)))
struct SecretJournalTests {
    static let secret = "sk-planted-secret-7777XYZW"

    /// Everything the journal would show: the JSON of every entry.
    func journalText(_ server: MockProviderServer) -> String {
        server.journal().map { $0.jsonValue.serialized() }.joined(separator: "\n")
    }

    @Test(arguments: ["/v1/models?api_key=\(secret)", "/v1/models?key=\(secret)", "/v1/models?x=1&token=\(secret)"])
    func aKeyInTheQueryIsMasked(target: String) async throws {
        try await withMock(.openai) { server in
            _ = try await response(server, "GET", target)
            let text = journalText(server)
            #expect(!text.contains(Self.secret))
            #expect(server.journal().first?.path == "/v1/models")
        }
    }

    @Test(arguments: ["X-Forwarded-Api-Key", "X-Auth-Token", "X-Client-Secret"])
    func aHeaderMatchingTheNamePatternIsMasked(name: String) async throws {
        try await withMock(.ollama) { server in
            _ = try await response(server, "GET", "/api/tags", headers: [(name, Self.secret)])
            #expect(!journalText(server).contains(Self.secret))
            #expect(server.journal().first?.header(name) == "…XYZW")
        }
    }

    @Test func aKeyRepeatedInThePathIsMaskedByValue() async throws {
        try await withMock(.openai) { server in
            _ = try await response(server, "GET", "/v1/models/\(Self.secret)", headers: [("Authorization", "Bearer \(Self.secret)")])
            let entry = try #require(server.journal().first)
            #expect(!journalText(server).contains(Self.secret))
            #expect(entry.path == "/v1/models/…XYZW")
        }
    }

    @Test func aKeyInAFaultMessageIsMasked() async throws {
        try await withMock(.openai) { server in
            let fault = "status=401,message=\"bad key \(Self.secret)\""
            let r = try await response(server, "GET", "/v1/models", headers: [("X-LLMCheck-Fault", fault), ("x-api-key", Self.secret)])
            #expect(r.status == 401)
            let text = journalText(server)
            #expect(!text.contains(Self.secret))
            #expect(text.contains("…XYZW"))
        }
    }

    @Test func aTokenShapedKeyInAFaultMessageIsMaskedWithoutAHeader() async throws {
        try await withMock(.openai) { server in
            _ = try await response(server, "GET", "/v1/models", headers: [("X-LLMCheck-Fault", "status=500,message=\"\(Self.secret)\"")])
            #expect(!journalText(server).contains(Self.secret))
        }
    }

    @Test func everyHeaderIsJournaledAndASecretAfterTheFortiethIsMasked() async throws {
        try await withMock(.openai) { server in
            var headers: [(String, String)] = (1...60).map { ("X-Filler-\($0)", "v\($0)") }
            headers.append(("Authorization", "Bearer \(Self.secret)"))
            _ = try await response(server, "GET", "/v1/models", headers: headers)
            let entry = try #require(server.journal().first)
            #expect(entry.header("X-Filler-60") == "v60")
            #expect(entry.header("Authorization") == "Bearer …XYZW")
            #expect(!journalText(server).contains(Self.secret))
        }
    }

    @Test func recordMasksKeysInThePathAndInEchoedBodies() async throws {
        // The upstream echoes the path in its 404 ("The model '<id>' does not exist").
        try await withMock(.openai) { upstream in
            let box = FixtureBox()
            let made = RecordingProxy(upstream: upstream.baseURL, provider: .openai, onChange: { box.set($0) })
            let proxy = try #require(made)
            try proxy.start()
            let connection = try await RawTestConnection.connect(port: proxy.port)
            try await connection.send(rawRequest("GET", "/v1/models/\(Self.secret)", headers: [("Authorization", "Bearer \(Self.secret)")]))
            let answer = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
            await proxy.shutdown(grace: .zero)
            #expect(answer.status == 404)
            #expect(String(decoding: answer.body, as: UTF8.self).contains(Self.secret), "the upstream must echo the key for this test to mean anything")
            let fixture = try #require(box.value)
            let text = fixture.jsonValue.serialized()
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(String(Self.secret.dropLast(4))))
            #expect(fixture.exchanges.first?.request.path == "/v1/models/…XYZW")
            #expect(fixture.exchanges.first?.name?.contains(Self.secret) == false)
        }
    }

    @Test func requestSecretsComeFromSecretHeadersAndQueryParameters() {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(Self.secret)")
        headers.add(name: "X-Api-Key", value: "ollama")  // a documented placeholder: no secret
        headers.add(name: "User-Agent", value: "curl/8.0")
        let secrets = SecretMasking.requestSecrets(headers: headers, target: "/x?key=abc%2Ddef%2Dghi&model=m")
        #expect(secrets == [Self.secret, "abc%2Ddef%2Dghi", "abc-def-ghi"])
        #expect(SecretMasking.redactRequestText("GET /p/\(Self.secret)/abc-def-ghi", secrets: secrets) == "GET /p/…XYZW/***")
    }

    /// The secret of a secret header's value: after an alphanumeric auth scheme, trimmed of spaces,
    /// searched only from 8 bytes on.
    @Test(arguments: [
        ("Bearer sk-test", [String]()),  // too short to search for elsewhere (masked where it stands)
        ("  Bearer   sk-abcdefgh12345  ", ["sk-abcdefgh12345"]),
        ("Basic dXNlcjpwYXNzd29yZA==", ["dXNlcjpwYXNzd29yZA=="]),
        ("abcdefghijkl", ["abcdefghijkl"]),
        ("Bearer ", []),
        ("weird-scheme! value12345", ["weird-scheme! value12345"]),  // no alphanumeric scheme: the whole value
        ("Bearer lm-studio", []),  // a documented placeholder
        ("Bearer clé-secrète-123", ["clé-secrète-123"]),
    ])
    func aSecretHeadersValueGivesItsSecretPart(value: String, expected: [String]) {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: value)
        #expect(SecretMasking.requestSecrets(headers: headers, target: "/v1/models") == expected)
    }
}
