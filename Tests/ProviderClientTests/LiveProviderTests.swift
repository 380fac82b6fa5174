import Foundation
import HTTPWire
import ProviderClient
import Testing

/// Opt-in checks against a real OpenAI-compatible server (llama.cpp `llama-server`, vLLM, LM
/// Studio, Ollama `/v1`): `LLMCHECK_LIVE_URL=http://127.0.0.1:PORT swift test --filter LiveProviderTests`.
/// `LLMCHECK_LIVE_MODEL` picks the model (default: the first listed); `LLMCHECK_LIVE_KEY` the key.
@Suite(
    "Live provider (LLMCHECK_LIVE_URL)", .enabled(if: ProcessInfo.processInfo.environment["LLMCHECK_LIVE_URL"] != nil),
    .timeLimit(.minutes(1)))
struct LiveProviderTests {
    let environment = ProcessInfo.processInfo.environment

    func makeClient() throws -> ProviderClient {
        let url = environment["LLMCHECK_LIVE_URL"] ?? ""
        let endpoint = try ProviderEndpoint.parse(url, kind: .openaiCompatible, apiKey: environment["LLMCHECK_LIVE_KEY"])
        return ProviderClient(endpoint: endpoint, configuration: ProviderClientConfiguration(timeouts: ProviderTimeouts(connect: .seconds(3), headers: .seconds(50), idle: .seconds(30))))
    }

    @Test func listsModelsAndStreamsAChat() async throws {
        let client = try makeClient()
        let models = try await client.listModels()
        #expect(!models.isEmpty, "the server lists no model")
        let model = try #require(environment["LLMCHECK_LIVE_MODEL"] ?? models.first?.id)
        let request = ChatRequest(model: model, messages: [.user("Say hello in five words.")], temperature: 0, maxTokens: 24, seed: 1)
        var deltas = 0
        var result: ChatResult?
        for try await event in client.streamChat(request) {
            switch event {
            case .delta: deltas += 1
            case .completed(let value): result = value
            case .started: break
            }
        }
        let answer = try #require(result)
        #expect(deltas > 0)
        #expect(!answer.content.isEmpty || !answer.reasoning.isEmpty)
        #expect(answer.finishReason != nil)
        #expect(answer.timing.timeToFirstToken != nil && answer.timing.endToEndLatency != nil)
        #expect(answer.timing.outputTokens ?? 0 > 0)
        print("live: \(client.endpoint) model \(model): \(answer.content.debugDescription)")
        print("live: \(answer.timing.summaryLine); provider timings: \(answer.providerTimings)")
    }

    @Test func nonStreamingAndUnknownModel() async throws {
        let client = try makeClient()
        let listed = try await client.listModels()
        let model = try #require(environment["LLMCHECK_LIVE_MODEL"] ?? listed.first?.id)
        let whole = try await client.chat(ChatRequest(model: model, messages: [.user("Reply with OK.")], temperature: 0, maxTokens: 8))
        #expect(!whole.content.isEmpty || !whole.reasoning.isEmpty)
        #expect(whole.usage?.completionTokens != nil || whole.providerTimings.llamaCpp != nil)
        let health = try await client.checkHealth()
        #expect(health > .zero)
    }
}
