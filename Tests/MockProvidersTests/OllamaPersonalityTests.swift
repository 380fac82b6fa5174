import HTTPWire
import MockProviders
import TestSupport
import Testing

@Suite("Ollama personality", .timeLimit(.minutes(1)))
struct OllamaPersonalityTests {
    @Test func rootAndHeadSayOllamaIsRunning() async throws {
        try await withMock(.ollama) { server in
            let r = try await response(server, "GET", "/")
            #expect(r.status == 200)
            #expect(r.text == "Ollama is running")
            #expect(r.headers["Content-Type"] == "text/plain; charset=utf-8")
            let h = try await response(server, "HEAD", "/")
            #expect(h.status == 200)
            #expect(h.body.isEmpty)
            let v = try await response(server, "HEAD", "/api/version")
            #expect(v.status == 200)
        }
    }

    @Test func versionTagsPsShow() async throws {
        try await withMock(.ollama) { server in
            let (_, version) = try await jsonResponse(server, "GET", "/api/version")
            #expect(version["version"]?.stringValue == "0.12.6")
            let (tagsResponse, tags) = try await jsonResponse(server, "GET", "/api/tags")
            #expect(tagsResponse.headers["Content-Type"] == "application/json; charset=utf-8")
            let names = tags["models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == ["llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest"])
            let first = try #require(tags["models"]?[0])
            #expect(first["details"]?.keys == ["parent_model", "format", "family", "families", "parameter_size", "quantization_level"])
            #expect(first["digest"]?.stringValue?.count == 64)
            let (_, ps) = try await jsonResponse(server, "GET", "/api/ps")
            #expect(ps["models"]?.arrayValue?.count == 2)
            #expect(ps["models"]?[0]?["expires_at"]?.stringValue != nil)
            let (showResponse, show) = try await jsonResponse(server, "POST", "/api/show", json: #"{"model":"llama3.2:3b"}"#)
            #expect(showResponse.status == 200)
            #expect(show["model_info"]?["general.architecture"]?.stringValue == "llama")
            #expect(show["capabilities"]?.arrayValue?.contains("completion") == true)
            let (missing, missingBody) = try await jsonResponse(server, "POST", "/api/show", json: #"{"model":"llava"}"#)
            #expect(missing.status == 404)
            #expect(missingBody["error"]?.stringValue == "model 'llava:latest' not found")
        }
    }

    @Test func chatStreamsNDJSONByDefaultWithConsistentMetrics() async throws {
        try await withMock(.ollama) { server in
            let r = try await response(server, "POST", "/api/chat", json: #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"why is the sky blue?"}]}"#)
            #expect(r.status == 200)
            #expect(r.headers["Content-Type"] == "application/x-ndjson")
            #expect(r.isChunked)
            #expect(!r.text.contains("\n\n"))
            #expect(r.text.hasSuffix("\n"))
            let lines = try ndjsonLines(r.body)
            let last = try #require(lines.last)
            #expect(last["done"]?.boolValue == true)
            #expect(last["done_reason"]?.stringValue == "stop")
            #expect(last["message"]?["content"]?.stringValue == "")
            for key in ["total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration"] {
                #expect((last[key]?.intValue ?? 0) > 0, "\(key)")
            }
            #expect(last["eval_count"]?.intValue == lines.count - 1)
            for line in lines.dropLast() {
                #expect(line.keys == ["model", "created_at", "message", "done"])
                #expect(line["message"]?["role"]?.stringValue == "assistant")
            }
            let streamed = lines.compactMap { $0["message"]?["content"]?.stringValue }.joined()
            let (plain, whole) = try await jsonResponse(server, "POST", "/api/chat", json: #"{"model":"llama3.2:3b","stream":false,"messages":[{"role":"user","content":"why is the sky blue?"}]}"#)
            #expect(plain.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(whole["message"]?["content"]?.stringValue == streamed)
            #expect(whole["done"]?.boolValue == true)
            #expect(whole["eval_count"]?.intValue == lines.count - 1)
        }
    }

    @Test func chatErrorsUseOllamaWording() async throws {
        try await withMock(.ollama) { server in
            let (r1, b1) = try await jsonResponse(server, "POST", "/api/chat", json: #"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(r1.status == 404)
            #expect(b1.serialized() == #"{"error":"model 'nope' not found"}"#)
            let (r2, b2) = try await jsonResponse(server, "POST", "/api/chat", json: nil)
            #expect(r2.status == 400)
            #expect(b2["error"]?.stringValue == "missing request body")
            let (r3, b3) = try await jsonResponse(server, "POST", "/api/chat", json: #"{"messages":[]}"#)
            #expect(r3.status == 400)
            #expect(b3["error"]?.stringValue == "model is required")
            let (r4, b4) = try await jsonResponse(server, "POST", "/api/chat", json: #"{"model":"nomic-embed-text","messages":[{"role":"user","content":"x"}]}"#)
            #expect(r4.status == 400)
            #expect(b4["error"]?.stringValue == "\"nomic-embed-text\" does not support chat")
            let (r5, b5) = try await jsonResponse(server, "POST", "/api/chat", json: #"{"model":"llama3.2:3b","messages":[]}"#)
            #expect(r5.status == 200)
            #expect(b5["done_reason"]?.stringValue == "load")
        }
    }

    @Test func generateEmbedAndPull() async throws {
        try await withMock(.ollama) { server in
            let (_, gen) = try await jsonResponse(server, "POST", "/api/generate", json: #"{"model":"qwen2.5:7b","prompt":"hello","stream":false,"options":{"num_predict":3}}"#)
            #expect(gen["done_reason"]?.stringValue == "length")
            #expect(gen["eval_count"]?.intValue == 3)
            #expect(gen["context"]?.arrayValue?.isEmpty == false)
            let (_, embed) = try await jsonResponse(server, "POST", "/api/embed", json: #"{"model":"nomic-embed-text","input":["a","b"]}"#)
            let vectors = try #require(embed["embeddings"]?.arrayValue)
            #expect(vectors.count == 2)
            let norm = (vectors[0].arrayValue ?? []).compactMap(\.doubleValue).reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - 1) < 1e-3)
            #expect(vectors[0].arrayValue?.count == 768)
            let (bad, badBody) = try await jsonResponse(server, "POST", "/api/embed", json: #"{"model":"nomic-embed-text","input":3}"#)
            #expect(bad.status == 400)
            #expect(badBody["error"]?.stringValue == "invalid input type")
            let (_, legacy) = try await jsonResponse(server, "POST", "/api/embeddings", json: #"{"model":"nomic-embed-text","prompt":"a"}"#)
            #expect(legacy["embedding"]?.arrayValue?.count == 768)
            let (legacyMissing, legacyMissingBody) = try await jsonResponse(server, "POST", "/api/embeddings", json: #"{"model":"x","prompt":"a"}"#)
            #expect(legacyMissing.status == 404)
            #expect(legacyMissingBody["error"]?.stringValue == "model \"x\" not found, try pulling it first")
            let pull = try await response(server, "POST", "/api/pull", json: #"{"model":"llama3.2:3b"}"#)
            let statuses = try ndjsonLines(pull.body).compactMap { $0["status"]?.stringValue }
            #expect(statuses.first == "pulling manifest")
            #expect(statuses.last == "success")
        }
    }

    @Test func routingFallbacksAreGinText() async throws {
        try await withMock(.ollama) { server in
            let r404 = try await response(server, "GET", "/api/nothing")
            #expect(r404.status == 404)
            #expect(r404.text == "404 page not found")
            let r405 = try await response(server, "GET", "/api/chat")
            #expect(r405.status == 405)
            #expect(r405.text == "405 method not allowed")
        }
    }

    @Test func originAndHostChecks() async throws {
        try await withMock(.ollama, configure: { $0.allowedOrigins = ["chrome-extension://*"] }) { server in
            let denied = try await response(server, "GET", "/api/tags", headers: [("Origin", "https://evil.example")])
            #expect(denied.status == 403)
            #expect(denied.body.isEmpty)
            let local = try await response(server, "GET", "/api/tags", headers: [("Origin", "http://localhost:3000")])
            #expect(local.status == 200)
            #expect(local.headers["Access-Control-Allow-Origin"] == "http://localhost:3000")
            let ext = try await response(server, "GET", "/api/tags", headers: [("Origin", "chrome-extension://abc")])
            #expect(ext.status == 200)
            let preflight = try await response(server, "OPTIONS", "/api/chat", headers: [("Origin", "app://x"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 204)
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET /api/tags HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")
            let rebinding = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
            #expect(rebinding.status == 403)
        }
    }

    @Test func openAICompatibilityLayer() async throws {
        try await withMock(.ollama) { server in
            let r = try await response(server, "POST", "/v1/chat/completions", json: #"{"model":"llama3.2:3b","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(r.headers["Content-Type"] == "text/event-stream")
            let events = sseData(r.body)
            #expect(events.last == "[DONE]")
            let first = try JSONValue.parse(events[0])
            #expect(first["system_fingerprint"]?.stringValue == "fp_ollama")
            #expect(first["choices"]?[0]?["delta"]?["role"]?.stringValue == "assistant")
            let usage = try JSONValue.parse(events[events.count - 2])
            #expect(usage["choices"]?.arrayValue?.isEmpty == true)
            #expect(usage["usage"]?["completion_tokens"]?.intValue == events.count - 3)
            let (_, models) = try await jsonResponse(server, "GET", "/v1/models")
            #expect(models["data"]?[0]?["owned_by"]?.stringValue == "library")
            let (missing, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: #"{"model":"x","messages":[]}"#)
            #expect(missing.status == 404)
            #expect(body["error"]?["type"]?.stringValue == "not_found_error")
            #expect(body["error"]?["message"]?.stringValue == "model 'x' not found")
        }
    }
}
