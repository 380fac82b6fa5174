import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import TestSupport
import Testing

/// Starts a mock of `provider`, hands a client for it to `body`, and stops the mock.
func withMock<T: Sendable>(
    _ provider: MockProviderKind, apiKey: String? = nil, clientKey: String? = nil, faults: [String] = [],
    physics: StreamingPhysics = .instant, replyText: String? = nil, timeouts: ProviderTimeouts = ProviderTimeouts(connect: .seconds(2), headers: .seconds(10), idle: .seconds(10)),
    retry: RetryPolicy = .default, sleeper: VirtualSleeper = VirtualSleeper(), transport: (any HTTPTransport)? = nil,
    _ body: (ProviderClient, MockProviderServer) async throws -> T
) async throws -> T {
    let specs = try faults.map { text throws in try FaultSpec.parse(text) }
    let configuration = MockConfiguration(provider: provider, apiKey: apiKey, physics: physics, replyText: replyText, faults: specs)
    return try await withMockProviderServer(configuration) { server in
        let kind: ProviderKind = switch provider {
        case .ollama: .ollama
        case .lmstudio: .lmstudio
        case .openai: .openaiCompatible
        }
        let endpoint = try ProviderEndpoint.parse("http://127.0.0.1:\(server.port)", kind: kind, apiKey: clientKey)
        let client = ProviderClient(
            endpoint: endpoint,
            configuration: ProviderClientConfiguration(timeouts: timeouts, retry: retry, transport: transport, sleep: sleeper.sleep, random: { 0 }))
        return try await body(client, server)
    }
}

/// Polls the journal until `predicate` holds for the last entry (bounded).
func waitForJournal(_ server: MockProviderServer, _ predicate: (JournalEntry) -> Bool) async throws -> JournalEntry? {
    for _ in 0..<400 {
        if let last = server.journal().last, predicate(last) { return last }
        try await Task.sleep(for: .milliseconds(10))
    }
    return server.journal().last
}

@Suite("Against the mock providers", .timeLimit(.minutes(1))) struct MockIntegrationTests {
    @Test func ollamaEndToEnd() async throws {
        try await withMock(.ollama) { client, server in
            let models = try await client.listModels()
            #expect(models.contains { $0.matches("llama3.2:3b") })
            #expect(models.first { $0.id.hasPrefix("nomic-embed") }?.capabilities.contains(.embedding) == true)
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "llama3.2:3b", messages: [.user("Say hi")], maxTokens: 12)))
            #expect(error == nil, "\(String(describing: error))")
            let result = try #require(events.result)
            #expect(!result.content.isEmpty && events.text == result.content)
            #expect(result.providerTimings.ollama?.evalCount != nil)
            #expect(result.timing.tokenSource == .serverUsage)
            #expect(try #require(result.timing.tConnected) >= #require(result.timing.tSend))
            let whole = try await client.chat(ChatRequest(model: "llama3.2:3b", messages: [.user("Say hi")], maxTokens: 5))
            #expect(!whole.content.isEmpty)
            let details = try await client.showModel("llama3.2:3b")
            #expect(details.contextLength != nil)
            _ = try await client.runningModels()
            let embedding = try await client.embeddings(model: "nomic-embed-text:latest", inputs: ["a", "b"])
            #expect(embedding.vectors.count == 2 && !(embedding.vectors.first?.isEmpty ?? true))
            let version = try await client.serverVersion()
            #expect(version != nil)
            let generated = try await collect(client.streamGenerate(GenerateRequest(model: "llama3.2:3b", prompt: "Once", maxTokens: 5)))
            #expect(generated.error == nil && !generated.events.text.isEmpty)
            #expect(server.journal().contains { $0.path == "/api/chat" && $0.stream == true })
        }
    }

    @Test func unknownOllamaModelIsModelNotFound() async throws {
        try await withMock(.ollama) { client, _ in
            let (_, error) = await collect(client.streamChat(ChatRequest(model: "nope:1b", messages: [.user("x")])))
            #expect(error?.code == .modelNotFound)
            #expect(error?.status == 404)
            #expect(client.lastAttempts().count == 1, "404 is not retried")
        }
    }

    @Test func lmStudioModelsAndState() async throws {
        try await withMock(.lmstudio) { client, _ in
            let models = try await client.listModels()
            #expect(models.contains { $0.id == "qwen2.5-7b-instruct" && $0.isLoaded == true })
            #expect(models.contains { $0.id == "meta-llama-3.1-8b-instruct" && $0.isLoaded == false })
            #expect(try await client.lmStudioModelState("meta-llama-3.1-8b-instruct") == "not-loaded")
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "qwen2.5-7b-instruct", messages: [.user("hi")], maxTokens: 8)))
            #expect(error == nil, "\(String(describing: error))")
            #expect(!events.text.isEmpty)
        }
    }

    @Test func openAIKeyRequired() async throws {
        let key = "sk-mock-0123456789abcdefghij"
        try await withMock(.openai, apiKey: key) { client, _ in
            let (_, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")])))
            #expect(error?.code == .unauthorized)
        }
        try await withMock(.openai, apiKey: key, clientKey: key) { client, server in
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 8)))
            #expect(error == nil, "\(String(describing: error))")
            #expect(events.result?.usage?.completionTokens != nil, "include_usage gives server token counts")
            let sent = server.journal().last?.header("Authorization") ?? ""
            #expect(!sent.contains("0123456789abcdef"), "the mock's journal masks the key")
        }
    }

    @Test func rateLimitIsRetriedWithTheServerHint() async throws {
        let sleeper = VirtualSleeper()
        try await withMock(.openai, faults: ["status=429,retry_after_ms=1500,times=1"], sleeper: sleeper) { client, server in
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 4)))
            #expect(error == nil, "\(String(describing: error))")
            #expect(sleeper.sleeps == [1.5])
            #expect(events.result?.attempts.map(\.outcome) == ["rateLimited", "ok"])
            #expect(server.journal().filter { $0.path == "/v1/chat/completions" }.count == 2)
        }
    }

    @Test func quotaIsClassifiedApart() async throws {
        try await withMock(.openai, faults: ["status=429,message=insufficient_quota"], retry: .none) { client, _ in
            let (_, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")])))
            #expect(error?.code == .quotaExceeded || error?.code == .rateLimited)
            #expect(error?.status == 429)
        }
    }

    @Test(arguments: [
        (MockProviderKind.ollama, "stream_error=after:2", ProviderError.Code.streamError),
        (.openai, "stream_error=after:2", .streamError),
        (.lmstudio, "stream_error=after:2", .streamError),
        (.ollama, "close=after:2", .truncatedStream),
        (.openai, "close=after:2", .truncatedStream),
        (.openai, "cut=after:2", .truncatedStream),
        (.ollama, "malformed=2", .malformedStream),
        (.openai, "malformed=2", .malformedStream),
        (.openai, "content_type=text/html", .unexpectedContentType),
        (.openai, "bad_chunked=after:1", .malformedResponse),
    ])
    func midStreamFaults(provider: MockProviderKind, fault: String, expected: ProviderError.Code) async throws {
        let model = provider == .ollama ? "llama3.2:3b" : provider == .lmstudio ? "qwen2.5-7b-instruct" : "gpt-4o-mini"
        try await withMock(provider, faults: [fault], retry: .none) { client, _ in
            let (_, error) = await collect(client.streamChat(ChatRequest(model: model, messages: [.user("Tell me a story")], maxTokens: 20)))
            #expect(error?.code == expected, "\(fault): \(String(describing: error))")
        }
    }

    @Test func resetBeforeHeadersIsRetried() async throws {
        try await withMock(.ollama, faults: ["rst=headers,times=1"]) { client, server in
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "llama3.2:3b", messages: [.user("hi")], maxTokens: 4)))
            #expect(error == nil, "\(String(describing: error))")
            #expect(events.result?.attempts.count == 2)
            #expect(events.result?.attempts.first?.outcome == "connectionReset")
            _ = server
        }
    }

    @Test func idleTimeoutClosesTheConnection() async throws {
        let timeouts = ProviderTimeouts(connect: .seconds(2), headers: .seconds(5), idle: .milliseconds(300))
        try await withMock(.openai, faults: ["stall=after:2"], timeouts: timeouts, retry: .none) { client, server in
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("story")], maxTokens: 20)))
            #expect(error?.code == .idleTimeout)
            #expect(error?.timeoutName == "idle")
            #expect(events.contains { if case .started = $0 { true } else { false } })
            let entry = try await waitForJournal(server) { $0.outcome != .completed && $0.path == "/v1/chat/completions" && $0.outcome.name != "failed" }
            #expect(entry?.outcome.name == "client_gave_up" || entry?.outcome.name == "client_closed", "\(String(describing: entry?.outcome))")
        }
    }

    @Test func headersTimeoutFires() async throws {
        let timeouts = ProviderTimeouts(connect: .seconds(2), headers: .milliseconds(200), idle: .seconds(5))
        try await withMock(.ollama, faults: ["delay_headers=3s"], timeouts: timeouts, retry: .none) { client, _ in
            let (_, error) = await collect(client.streamChat(ChatRequest(model: "llama3.2:3b", messages: [.user("x")])))
            #expect(error?.code == .headersTimeout)
        }
    }

    @Test func cancellingStopsTheServerGenerating() async throws {
        let physics = StreamingPhysics(timeToFirstToken: .zero, tokensPerSecond: 50)
        let longReply = Array(repeating: "word", count: 500).joined(separator: " ")
        try await withMock(.ollama, physics: physics, replyText: longReply) { client, server in
            var deltas = 0
            // The stream is not kept in a variable: leaving the loop releases it, which terminates it.
            for try await event in client.streamChat(ChatRequest(model: "llama3.2:3b", messages: [.user("long story")], maxTokens: 2000)) {
                if case .delta = event { deltas += 1 }
                if deltas == 3 { break }
            }
            let entry = try await waitForJournal(server) { $0.path == "/api/chat" && $0.outcome.name != "completed" }
            #expect(entry?.outcome.name == "client_closed", "\(String(describing: entry?.outcome))")
            // 500 tokens at 50/s take 10 s; stopping anywhere well before the end proves the cancel
            // reached the server (a bound of 100 chunks, 2 s, was once missed on two loaded cores).
            #expect((entry?.chunksSent ?? 1000) < 400, "generation stopped early")
        }
    }

    @Test func connectionRefusedIsClassified() async throws {
        let reserved = try ReservedPort()  // nothing listens, and no parallel test can take it
        defer { reserved.release() }
        let endpoint = try ProviderEndpoint.parse("127.0.0.1:\(reserved.port)", kind: .ollama)
        let sleeper = VirtualSleeper()
        let client = ProviderClient(endpoint: endpoint, configuration: ProviderClientConfiguration(sleep: sleeper.sleep))
        await #expect(throws: ProviderError.self) { try await client.listModels() }
        do {
            _ = try await client.listModels()
        } catch {
            #expect(error.code == .connectionRefused)
            #expect(error.errno != nil)
            #expect(error.attempt == 3)
        }
        #expect(sleeper.sleeps.count == 4, "two retries per call")
    }

    @Test func httpsToAPlainHTTPPortFailsAtOnceAsTLSWithTheFix() async throws {
        try await withMockProviderServer(MockConfiguration(provider: .ollama)) { server in
            // Headers timeout far beyond the test's own limit: the answer must come from the server's
            // immediate 400 to the ClientHello, not from a timeout.
            let endpoint = try ProviderEndpoint.parse("https://127.0.0.1:\(server.port)", kind: .ollama)
            let client = ProviderClient(
                endpoint: endpoint,
                configuration: ProviderClientConfiguration(
                    timeouts: ProviderTimeouts(connect: .seconds(5), headers: .seconds(600), idle: .seconds(600)),
                    retry: .none, sleep: VirtualSleeper().sleep))
            let error = try await #require(throws: ProviderError.self) { try await client.listModels() }
            #expect(error.code == .tlsFailure, "\(error)")
            #expect(error.message.contains("use http://"), "\(error.message)")
        }
    }

    @Test func urlSessionTransportStreamsToo() async throws {
        try await withMock(.openai, transport: URLSessionTransport.shared) { client, _ in
            let (events, error) = await collect(client.streamChat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 8)))
            #expect(error == nil, "\(String(describing: error))")
            #expect(!events.text.isEmpty)
            let models = try await client.listModels()
            #expect(!models.isEmpty)
        }
    }

    @Test func plainHTTPThroughAProxyUsesAbsoluteForm() async throws {
        // The mock plays the proxy: the request must arrive with an absolute-form target.
        try await withMock(.ollama) { _, server in
            let origin = try ProviderEndpoint.parse("http://models.internal:11434", kind: .ollama)
            let proxy = ProxySettings(mode: .explicit(ProxyTarget(host: "127.0.0.1", port: server.port)))
            let client = ProviderClient(endpoint: origin, configuration: ProviderClientConfiguration(retry: .none, proxy: proxy))
            _ = try? await client.listModels()
            let entry = server.journal().last
            #expect(entry?.target == "http://models.internal:11434/api/tags", "\(String(describing: entry?.target))")
        }
    }
}
