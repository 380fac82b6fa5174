import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import Testing

/// ``ProviderClientConfiguration/attemptHeaderName`` and ``ProviderClientConfiguration/extraHeaders`` on the wire,
/// read back from the mock's journal.
@Suite("Per-attempt headers", .timeLimit(.minutes(1))) struct AttemptHeaderTests {
    /// A client for `server` with the given header settings and an instant virtual sleep.
    func client(
        for server: MockProviderServer, kind: ProviderKind, attemptHeader: String?, extra: HTTPHeaders = [:], retry: RetryPolicy = .default
    ) throws -> ProviderClient {
        let endpoint = try ProviderEndpoint.parse("http://127.0.0.1:\(server.port)", kind: kind)
        return ProviderClient(
            endpoint: endpoint,
            configuration: ProviderClientConfiguration(
                timeouts: ProviderTimeouts(connect: .seconds(2), headers: .seconds(10), idle: .seconds(10)), retry: retry,
                extraHeaders: extra, attemptHeaderName: attemptHeader, sleep: { _ in }, random: { 0 }))
    }

    @Test func everyAttemptCarriesItsOneBasedNumber() async throws {
        let faults = [try FaultSpec.parse("status=503,times=2")]
        try await withMockProviderServer(MockConfiguration(provider: .openai, physics: .instant, faults: faults)) { server in
            let client = try client(for: server, kind: .openaiCompatible, attemptHeader: "X-Try", extra: ["X-Static": "s1"])
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 3)))
            #expect(error == nil, "\(String(describing: error))")
            #expect(events.result?.attempts.map(\.number) == [1, 2, 3])
            let entries = server.journal().filter { $0.path == "/v1/chat/completions" }
            #expect(entries.map { $0.header("X-Try") } == ["1", "2", "3"])
            #expect(entries.map(\.status) == [503, 503, 200])
            #expect(entries.allSatisfy { $0.header("X-Static") == "s1" }, "static headers repeat on every attempt")
        }
    }

    @Test func attemptHeaderReplacesAStaticHeaderOfTheSameName() async throws {
        let faults = [try FaultSpec.parse("rst=headers,times=1")]
        try await withMockProviderServer(MockConfiguration(provider: .ollama, physics: .instant, faults: faults)) { server in
            let client = try client(for: server, kind: .ollama, attemptHeader: "x-attempt", extra: ["X-Attempt": "static"])
            let (_, error) = await collect(client.streamChat(ChatRequest(model: "llama3.2:3b", messages: [.user("hi")], maxTokens: 3)))
            #expect(error == nil, "\(String(describing: error))")
            let entries = server.journal().filter { $0.path == "/api/chat" }
            #expect(entries.count == 2)
            #expect(entries.map { $0.header("X-Attempt") } == ["1", "2"])
            #expect(entries.allSatisfy { e in e.headers.filter { $0.name.lowercased() == "x-attempt" }.count == 1 })
        }
    }

    @Test func noAttemptHeaderByDefault() async throws {
        try await withMockProviderServer(MockConfiguration(provider: .openai, physics: .instant)) { server in
            let client = try client(for: server, kind: .openaiCompatible, attemptHeader: nil)
            _ = try await client.listModels()
            let entry = try #require(server.journal().last)
            #expect(entry.header("X-LLMCheck-Attempt") == nil)
            #expect(!entry.headers.contains { $0.name.lowercased().contains("attempt") })
            #expect(ProviderClientConfiguration().attemptHeaderName == nil)
        }
    }
}
