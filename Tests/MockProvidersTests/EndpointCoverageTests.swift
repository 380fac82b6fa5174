import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

/// One request to every route of every personality, checking status and a key of the answer.
@Suite("Every endpoint answers", .timeLimit(.minutes(1)))
struct EndpointCoverageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var provider: MockProviderKind
        var method: String
        var path: String
        var body: String?
        var status: Int
        /// A substring the body must contain.
        var contains: String
        var testDescription: String { "\(provider) \(method) \(path)" }
    }

    static let chat = #"{"model":"M","messages":[{"role":"user","content":"hi"}]}"#
    static func chat(_ model: String, stream: Bool = false) -> String {
        chat.replacingOccurrences(of: "\"M\"", with: "\"\(model)\"").replacingOccurrences(of: "{\"model\"", with: "{\"stream\":\(stream),\"model\"")
    }

    static let cases: [Case] = [
        Case(provider: .ollama, method: "GET", path: "/", status: 200, contains: "Ollama is running"),
        Case(provider: .ollama, method: "GET", path: "/api/version", status: 200, contains: "\"version\""),
        Case(provider: .ollama, method: "GET", path: "/api/tags", status: 200, contains: "\"models\""),
        Case(provider: .ollama, method: "GET", path: "/api/ps", status: 200, contains: "\"size_vram\""),
        Case(provider: .ollama, method: "GET", path: "/api/status", status: 200, contains: "\"cloud\""),
        Case(provider: .ollama, method: "POST", path: "/api/show", body: #"{"name":"qwen2.5:7b"}"#, status: 200, contains: "\"model_info\""),
        Case(provider: .ollama, method: "POST", path: "/api/chat", body: chat("llama3.2:3b"), status: 200, contains: "\"done\":true"),
        Case(provider: .ollama, method: "POST", path: "/api/generate", body: #"{"model":"llama3.2:3b","prompt":"x"}"#, status: 200, contains: "\"response\""),
        Case(provider: .ollama, method: "POST", path: "/api/generate", body: #"{"model":"llama3.2:3b","keep_alive":0}"#, status: 200, contains: "\"done_reason\":\"unload\""),
        Case(provider: .ollama, method: "POST", path: "/api/embed", body: #"{"model":"nomic-embed-text","input":"x"}"#, status: 200, contains: "\"embeddings\":[["),
        Case(provider: .ollama, method: "POST", path: "/api/embeddings", body: #"{"model":"nomic-embed-text","prompt":"x"}"#, status: 200, contains: "\"embedding\":["),
        Case(provider: .ollama, method: "POST", path: "/api/pull", body: #"{"model":"x","stream":false}"#, status: 200, contains: "\"success\""),
        Case(provider: .ollama, method: "DELETE", path: "/api/delete", body: #"{"model":"qwen2.5:7b"}"#, status: 200, contains: ""),
        Case(provider: .ollama, method: "DELETE", path: "/api/delete", body: #"{"model":"zzz"}"#, status: 404, contains: "model 'zzz' not found"),
        Case(provider: .ollama, method: "POST", path: "/api/copy", body: #"{"source":"zzz","destination":"y"}"#, status: 404, contains: "model \\\"zzz\\\" not found"),
        Case(provider: .ollama, method: "POST", path: "/v1/completions", body: #"{"model":"llama3.2:3b","prompt":"x"}"#, status: 200, contains: "\"text_completion\""),
        Case(provider: .ollama, method: "POST", path: "/v1/embeddings", body: #"{"model":"nomic-embed-text","input":"x"}"#, status: 200, contains: "\"embedding\""),
        Case(provider: .ollama, method: "GET", path: "/v1/models/llama3.2:3b", status: 200, contains: "\"owned_by\":\"library\""),
        Case(provider: .ollama, method: "POST", path: "/api/chat", body: #"{"model":"llama3.2:3b","think":"loud","messages":[{"role":"user","content":"x"}]}"#, status: 400, contains: "invalid think value"),
        Case(provider: .lmstudio, method: "GET", path: "/lmstudio-greeting", status: 200, contains: "\"lmstudio\":true"),
        Case(provider: .lmstudio, method: "POST", path: "/v1/completions", body: #"{"model":"qwen2.5-7b-instruct","prompt":"x"}"#, status: 200, contains: "\"text_completion\""),
        Case(provider: .lmstudio, method: "POST", path: "/v1/embeddings", body: #"{"model":"text-embedding-nomic-embed-text-v1.5","input":["a","b"]}"#, status: 200, contains: "\"index\":1"),
        Case(provider: .lmstudio, method: "POST", path: "/api/v0/completions", body: #"{"model":"qwen2.5-7b-instruct","prompt":"x"}"#, status: 200, contains: "\"stats\""),
        Case(provider: .lmstudio, method: "POST", path: "/api/v0/embeddings", body: #"{"model":"text-embedding-nomic-embed-text-v1.5","input":"a"}"#, status: 200, contains: "\"embedding\""),
        Case(provider: .lmstudio, method: "GET", path: "/api/v0/models/nope", status: 404, contains: "not found"),
        Case(provider: .lmstudio, method: "GET", path: "/v1/models/qwen2.5-7b-instruct", status: 200, contains: "\"organization_owner\""),
        Case(provider: .openai, method: "POST", path: "/v1/embeddings", body: #"{"model":"text-embedding-3-small","input":[[1,2,3]],"dimensions":8}"#, status: 200, contains: "\"prompt_tokens\""),
        Case(provider: .openai, method: "POST", path: "/v1/completions", body: #"{"model":"gpt-4o-mini","prompt":"x","stream":true}"#, status: 200, contains: "data: [DONE]"),
        Case(provider: .openai, method: "GET", path: "/v1/nothing", status: 404, contains: "Invalid URL (GET /v1/nothing)"),
        Case(provider: .openai, method: "POST", path: "/v1/chat/completions", body: "{not json", status: 400, contains: "could not parse the JSON body"),
        Case(provider: .openai, method: "POST", path: "/v1/chat/completions", body: #"{"model":"text-embedding-3-small","messages":[]}"#, status: 404, contains: "not a chat model"),
    ]

    @Test(arguments: cases)
    func endpoint(_ c: Case) async throws {
        try await withMock(c.provider) { server in
            let r = try await response(server, c.method, c.path, json: c.body)
            #expect(r.status == c.status, "\(r.text)")
            #expect(c.contains.isEmpty || r.text.contains(c.contains), "\(r.text)")
        }
    }
}

@Suite("Streaming physics", .timeLimit(.minutes(1)))
struct StreamingPhysicsTests {
    @Test func jitterIsSeededAndBounded() {
        let physics = StreamingPhysics(tokensPerSecond: 50, jitter: 0.2)
        var a = SeededRandom(seed: 3)
        var b = SeededRandom(seed: 3)
        let xs = (0..<100).map { _ in physics.jittered(physics.interTokenGap, using: &a) }
        let ys = (0..<100).map { _ in physics.jittered(physics.interTokenGap, using: &b) }
        #expect(xs == ys)
        #expect(xs.allSatisfy { $0 >= .milliseconds(16) && $0 <= .milliseconds(24) })
        #expect(Set(xs).count > 50)
    }

    @Test func timeToFirstTokenAndTokenRateShapeTheStream() async throws {
        try await withMock(.ollama, configure: { $0.physics = StreamingPhysics(timeToFirstToken: .milliseconds(200), tokensPerSecond: 50); $0.replyText = "one two three four five six" }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            let sent = MonotonicClock.now()
            try await connection.send(rawRequest("POST", "/api/chat", json: FaultInjectionTests.ollamaChat))
            let t = await connection.readUntilClose()
            let firstToken = try #require(t.reads.first { String(decoding: $0.bytes, as: UTF8.self).contains("\"content\":\"one\"") })
            let last = try #require(t.reads.last)
            #expect(firstToken.at - sent >= 190_000_000)
            #expect(last.at - sent >= 295_000_000, "200 ms TTFT plus five 20 ms gaps")
            let lines = try ndjsonLines(LenientResponse(t.bytes).body)
            #expect(lines.count == 7)
            // Measured on the server from the first token to the last. Tokens are paced on absolute
            // deadlines, so a first token made late by a loaded machine shortens the rest (the wire
            // timing above is the pacing check): the figure is positive and within the whole exchange.
            let eval = lines.last?["eval_duration"]?.intValue ?? 0
            #expect(eval > 0 && UInt64(eval) <= last.at - sent, "eval_duration \(eval) ns")
        }
    }
}
