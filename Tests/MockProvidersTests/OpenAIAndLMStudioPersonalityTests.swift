import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

@Suite("OpenAI personality", .timeLimit(.minutes(1)))
struct OpenAIPersonalityTests {
    let chat = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}"#

    @Test func chatCompletionHasOpenAIShapeAndHeaders() async throws {
        try await withMock(.openai) { server in
            let (r, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: chat)
            #expect(r.status == 200)
            #expect(body.keys == ["id", "object", "created", "model", "system_fingerprint", "choices", "usage", "service_tier"])
            #expect(body["object"]?.stringValue == "chat.completion")
            #expect(body["choices"]?[0]?["finish_reason"]?.stringValue == "stop")
            #expect(r.headers["x-request-id"]?.hasPrefix("req_") == true)
            #expect(r.headers["openai-processing-ms"] != nil)
            #expect(r.headers["x-ratelimit-limit-requests"] == "10000")
            let usage = try #require(body["usage"])
            #expect(usage["total_tokens"]?.intValue == (usage["prompt_tokens"]?.intValue ?? 0) + (usage["completion_tokens"]?.intValue ?? 0))
        }
    }

    @Test func streamingIsSSEWithRoleUsageAndDone() async throws {
        try await withMock(.openai) { server in
            let r = try await response(server, "POST", "/v1/chat/completions", json: #"{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"ping"}]}"#)
            #expect(r.headers["Content-Type"] == "text/event-stream; charset=utf-8")
            #expect(!r.text.contains("id:"))
            let events = sseData(r.body)
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map { try JSONValue.parse($0) }
            #expect(chunks[0]["choices"]?[0]?["delta"]?["role"]?.stringValue == "assistant")
            let finish = chunks[chunks.count - 2]
            #expect(finish["choices"]?[0]?["finish_reason"]?.stringValue == "stop")
            #expect(finish["choices"]?[0]?["delta"]?.keys == [])
            let usage = try #require(chunks.last?["usage"])
            let contentChunks = chunks.count - 3
            #expect(usage["completion_tokens"]?.intValue == contentChunks)
            #expect(Set(chunks.compactMap { $0["id"]?.stringValue }).count == 1)
        }
    }

    @Test func completionsAndModels() async throws {
        try await withMock(.openai) { server in
            let (_, c) = try await jsonResponse(server, "POST", "/v1/completions", json: #"{"model":"gpt-4o-mini","prompt":"Say","max_tokens":5}"#)
            #expect(c["object"]?.stringValue == "text_completion")
            #expect(c["usage"]?["completion_tokens"]?.intValue == 5)
            let (_, m) = try await jsonResponse(server, "GET", "/v1/models")
            #expect(m["data"]?[0]?.keys == ["id", "object", "created", "owned_by"])
            let (one, _) = try await jsonResponse(server, "GET", "/v1/models/gpt-4o")
            #expect(one.status == 200)
            let (missing, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: #"{"model":"gpt-x","messages":[]}"#)
            #expect(missing.status == 404)
            #expect(body["error"]?["code"]?.stringValue == "model_not_found")
            #expect(body["error"]?.keys == ["message", "type", "param", "code"])
        }
    }

    @Test func embeddingsFloatAndBase64Agree() async throws {
        try await withMock(.openai) { server in
            let (_, floats) = try await jsonResponse(server, "POST", "/v1/embeddings", json: #"{"model":"text-embedding-3-small","input":"hello","encoding_format":"float"}"#)
            let (_, b64) = try await jsonResponse(server, "POST", "/v1/embeddings", json: #"{"model":"text-embedding-3-small","input":"hello","encoding_format":"base64"}"#)
            let values = floats["data"]?[0]?["embedding"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(values.count == 1536)
            let text = try #require(b64["data"]?[0]?["embedding"]?.stringValue)
            let data = try #require(Data(base64Encoded: text))
            #expect(data.count == 1536 * 4)
            let bytes = [UInt8](data)
            var decoded: [Float] = []
            for i in stride(from: 0, to: bytes.count, by: 4) {
                var bits = UInt32(bytes[i])
                bits |= UInt32(bytes[i + 1]) << 8
                bits |= UInt32(bytes[i + 2]) << 16
                bits |= UInt32(bytes[i + 3]) << 24
                decoded.append(Float(bitPattern: bits))
            }
            for (a, b) in zip(values, decoded) { #expect(abs(Float(a) - b) < 1e-6) }
        }
    }

    @Test func bearerKeyIsChecked() async throws {
        try await withMock(.openai, configure: { $0.apiKey = "sk-right-key-1234" }) { server in
            let (missing, m) = try await jsonResponse(server, "GET", "/v1/models")
            #expect(missing.status == 401)
            #expect(m["error"]?["message"]?.stringValue?.hasPrefix("You didn't provide an API key") == true)
            let (wrong, w) = try await jsonResponse(server, "GET", "/v1/models", headers: [("Authorization", "Bearer sk-wrong-key-abcd9876")])
            #expect(wrong.status == 401)
            #expect(w["error"]?["code"]?.stringValue == "invalid_api_key")
            #expect(w["error"]?["message"]?.stringValue?.contains("sk-wrong-key-abcd9876") == false)
            let (ok, _) = try await jsonResponse(server, "GET", "/v1/models", headers: [("Authorization", "Bearer sk-right-key-1234")])
            #expect(ok.status == 200)
        }
    }

    @Test func generationIsDeterministicUnderASeed() async throws {
        let a = try await withMock(.openai) { server in try await jsonResponse(server, "POST", "/v1/chat/completions", json: chat).1["choices"]?[0]?["message"]?["content"] }
        let b = try await withMock(.openai) { server in try await jsonResponse(server, "POST", "/v1/chat/completions", json: chat).1["choices"]?[0]?["message"]?["content"] }
        let c = try await withMock(.openai, configure: { $0.seed = 8 }) { server in try await jsonResponse(server, "POST", "/v1/chat/completions", json: chat).1["choices"]?[0]?["message"]?["content"] }
        #expect(a == b)
        #expect(a != c)
    }
}

@Suite("LM Studio personality", .timeLimit(.minutes(1)))
struct LMStudioPersonalityTests {
    @Test func modelsListsAndRestV0State() async throws {
        try await withMock(.lmstudio) { server in
            let (r, models) = try await jsonResponse(server, "GET", "/v1/models")
            #expect(r.headers["X-Powered-By"] == "Express")
            #expect(models.keys == ["data", "object"])
            #expect(models["data"]?[0]?["created"] == nil)
            let (_, v0) = try await jsonResponse(server, "GET", "/api/v0/models")
            let states = v0["data"]?.arrayValue?.compactMap { $0["state"]?.stringValue } ?? []
            #expect(states == ["loaded", "not-loaded", "loaded"])
            let types = v0["data"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
            #expect(types == ["llm", "llm", "embeddings"])
            let (_, one) = try await jsonResponse(server, "GET", "/api/v0/models/meta-llama-3.1-8b-instruct")
            #expect(one["max_context_length"]?.intValue == 131_072)
            #expect(one["quantization"]?.stringValue == "Q4_K_M")
            // JIT loading flips the state.
            let (chat, _) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: #"{"model":"meta-llama-3.1-8b-instruct","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(chat.status == 200)
            let (_, after) = try await jsonResponse(server, "GET", "/api/v0/models/meta-llama-3.1-8b-instruct")
            #expect(after["state"]?.stringValue == "loaded")
        }
    }

    /// With JIT loading off, LM Studio's OpenAI-compatible list shows only what is loaded; the REST list
    /// still shows every downloaded model with its state (diagnose tells "not loaded" from the two).
    @Test func withJITOffTheOpenAIListShowsOnlyLoadedModels() async throws {
        try await withMock(.lmstudio, configure: { $0.lmStudio.isJITLoadingEnabled = false }) { server in
            let (_, models) = try await jsonResponse(server, "GET", "/v1/models")
            let listed = models["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(!listed.contains("meta-llama-3.1-8b-instruct"))
            #expect(listed.count == 2)
            let (_, v0) = try await jsonResponse(server, "GET", "/api/v0/models")
            #expect(v0["data"]?.arrayValue?.count == 3)
        }
    }

    @Test func restV0ChatHasStatsModelInfoRuntime() async throws {
        try await withMock(.lmstudio) { server in
            let (_, body) = try await jsonResponse(server, "POST", "/api/v0/chat/completions", json: #"{"model":"qwen2.5-7b-instruct","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(body["stats"]?["tokens_per_second"]?.doubleValue != nil)
            #expect(body["stats"]?["time_to_first_token"]?.doubleValue != nil)
            #expect(body["stats"]?["generation_time"]?.doubleValue != nil)
            #expect(body["stats"]?["stop_reason"]?.stringValue == "eosFound")
            #expect(body["model_info"]?["arch"]?.stringValue == "qwen2")
            #expect(body["runtime"]?["supported_formats"]?.arrayValue == ["gguf"])
            let (_, v1) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: #"{"model":"qwen2.5-7b-instruct","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(v1["stats"]?.keys == [])
            #expect(v1["system_fingerprint"]?.stringValue == "qwen2.5-7b-instruct")
        }
    }

    @Test func quirks() async throws {
        try await withMock(.lmstudio) { server in
            let (r, body) = try await jsonResponse(server, "GET", "/foo")
            #expect(r.status == 200)
            #expect(body["error"]?.stringValue == "Unexpected endpoint or method. (GET /foo)")
            let (bad, badBody) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: #"{"model":"o4-mini","messages":[]}"#)
            #expect(bad.status == 400)
            #expect(badBody["error"]?["code"]?.stringValue == "model_not_found")
        }
        let none = [MockModel(name: "a", isLoaded: false)]
        try await withMock(.lmstudio, configure: { $0.models = none; $0.lmStudio.isJITLoadingEnabled = false; $0.lmStudio.returns200ForUnknownEndpoints = false }) { server in
            let (r, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: #"{"model":"a","messages":[]}"#)
            #expect(r.status == 400)
            #expect(body["error"]?.stringValue?.hasPrefix("No models loaded.") == true)
            let (unknown, _) = try await jsonResponse(server, "GET", "/foo")
            #expect(unknown.status == 404)
        }
        try await withMock(.lmstudio, configure: { $0.apiKey = "lm-token" }) { server in
            let (r, body) = try await jsonResponse(server, "GET", "/v1/models")
            #expect(r.status == 401)
            #expect(body["error"]?["code"]?.stringValue == "invalid_api_key")
            let (ok, _) = try await jsonResponse(server, "GET", "/v1/models", headers: [("Authorization", "Bearer lm-token")])
            #expect(ok.status == 200)
        }
    }
}
