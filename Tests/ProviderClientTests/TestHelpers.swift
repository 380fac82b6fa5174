import Foundation
import HTTPWire
import ProviderClient

/// A virtual clock for retry tests: records requested sleeps and returns at once.
final class VirtualSleeper: Sendable {
    private let recorded = LockedValue<[Double]>([])
    var sleeps: [Double] { recorded.current }
    var sleep: @Sendable (Duration) async throws -> Void {
        { [recorded] duration in recorded.withLock { $0.append(duration.secondsDouble) } }
    }
}

func scriptedClient(
    _ kind: ProviderKind = .openaiCompatible, scripts: [ScriptedTransport.Script], retry: RetryPolicy = .default,
    timeouts: ProviderTimeouts = ProviderTimeouts(), apiKey: String? = nil, sleeper: VirtualSleeper = VirtualSleeper(),
    random: Double = 0.5, now: Date = Date(timeIntervalSince1970: 1_700_000_000)
) -> (ProviderClient, ScriptedTransport) {
    let transport = ScriptedTransport(scripts)
    let endpoint = ProviderEndpoint(kind: kind, apiKey: apiKey)
    let configuration = ProviderClientConfiguration(
        timeouts: timeouts, retry: retry, transport: transport, sleep: sleeper.sleep, random: { random }, now: { now })
    return (ProviderClient(endpoint: endpoint, configuration: configuration), transport)
}

/// Collects every event of a stream, returning the events and the error that ended it.
func collect(_ stream: AsyncThrowingStream<ChatEvent, any Error>) async -> (events: [ChatEvent], error: ProviderError?) {
    var events: [ChatEvent] = []
    do {
        for try await event in stream { events.append(event) }
        return (events, nil)
    } catch let error as ProviderError {
        return (events, error)
    } catch {
        return (events, ProviderError(.unknown, "\(error)"))
    }
}

extension Array where Element == ChatEvent {
    var text: String {
        compactMap { if case .delta(let d) = $0 { d.content } else { nil } }.joined()
    }
    var result: ChatResult? {
        for event in self { if case .completed(let r) = event { return r } }
        return nil
    }
}

let openAIStream = [
    #"data: {"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"# + "\n\n",
    #"data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"# + "\n\n",
    #"data: {"id":"c1","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}],"obfuscation":"x"}"# + "\n\n",
    #"data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n",
    #"data: {"id":"c1","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"# + "\n\n",
    "data: [DONE]\n\n",
]

let ollamaStream = [
    #"{"model":"llama3.2","created_at":"2025-10-26T17:15:24.097767Z","message":{"role":"assistant","content":"The"},"done":false}"# + "\n",
    #"{"model":"llama3.2","created_at":"2025-10-26T17:15:24.109172Z","message":{"role":"assistant","content":" sky"},"done":false}"# + "\n",
    #"{"model":"llama3.2","created_at":"2025-10-26T17:15:24.166576Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":2,"eval_duration":4535599000}"# + "\n",
]

let chatRequest = ChatRequest(model: "m", messages: [.user("hi")])
