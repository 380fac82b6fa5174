import HTTPWire
import MockProviders
import TestSupport
import Testing

/// A second `Host` field must not get a request past the Ollama Host policy.
@Suite("Ollama Host policy with duplicate Host fields", .timeLimit(.minutes(1)))
struct OllamaHostPolicyTests {
    static let duplicate = "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"

    func status(_ text: String, requiresValidHost: Bool) async throws -> Int {
        try await withMock(.ollama, configure: { $0.server.limits.requiresValidHost = requiresValidHost }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            defer { connection.close() }
            try await connection.send(text)
            return try RawHTTPResponse.parse(await connection.readUntilClose().bytes).status
        }
    }

    @Test func aDuplicateHostIsRefusedByTheServer() async throws {
        #expect(try await status(Self.duplicate, requiresValidHost: true) == 400)
    }

    @Test func aDuplicateHostDoesNotBypassThePolicyEvenWhenTheServerAllowsIt() async throws {
        #expect(try await status(Self.duplicate, requiresValidHost: false) == 403)
        let alone = "GET /api/tags HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        #expect(try await status(alone, requiresValidHost: false) == 403)
    }
}
