import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

/// Behaviour checked against the real servers: `n`, preflights, `messages` of the wrong type.
@Suite("Provider fidelity", .timeLimit(.minutes(1)))
struct ProviderFidelityTests {
    static func chat(_ model: String, extra: String = "") -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"Say hello"}]\#(extra)}"#
    }

    @Test func openAIReturnsNChoices() async throws {
        try await withMock(.openai) { server in
            let (r, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini", extra: #","n":3"#))
            #expect(r.status == 200)
            let choices = try #require(body["choices"]?.arrayValue)
            #expect(choices.map { $0["index"]?.intValue } == [0, 1, 2])
            let texts = choices.compactMap { $0["message"]?["content"]?.stringValue }
            #expect(texts.count == 3 && Set(texts).count > 1, "each choice has its own text")
            let (_, single) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini"))
            #expect(single["choices"]?[0]?["message"]?["content"] == choices[0]["message"]?["content"], "choice 0 is the n = 1 answer")
            let completion = body["usage"]?["completion_tokens"]?.intValue ?? 0
            #expect(completion > single["usage"]?["completion_tokens"]?.intValue ?? 0)
        }
    }

    @Test func openAIStreamsNChoicesWithTheirIndex() async throws {
        try await withMock(.openai) { server in
            let r = try await response(server, "POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini", extra: #","n":2,"stream":true"#))
            let events = sseData(r.body)
            #expect(events.last == "[DONE]")
            var text: [Int: String] = [:]
            var roles: [Int] = []
            var finishes: [Int] = []
            for event in events.dropLast() {
                let chunk = try JSONValue.parse(Array(event.utf8))
                let choice = try #require(chunk["choices"]?[0])
                let index = try #require(choice["index"]?.intValue)
                if choice["delta"]?["role"]?.stringValue == "assistant" { roles.append(index) }
                if let piece = choice["delta"]?["content"]?.stringValue { text[index, default: ""] += piece }
                if choice["finish_reason"]?.stringValue != nil { finishes.append(index) }
            }
            #expect(roles == [0, 1])
            #expect(finishes == [0, 1])
            #expect(text.keys.sorted() == [0, 1])
            let (_, whole) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini", extra: #","n":2"#))
            #expect(text[1] == whole["choices"]?[1]?["message"]?["content"]?.stringValue)
        }
    }

    @Test(arguments: [(0, "0 is less than the minimum of 1 - 'n'"), (129, "129 is greater than the maximum of 128 - 'n'")])
    func openAIRefusesAnNOutOfRange(n: Int, message: String) async throws {
        try await withMock(.openai) { server in
            let (r, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini", extra: #","n":\#(n)"#))
            #expect(r.status == 400)
            #expect(body["error"]?["message"]?.stringValue == message)
            #expect(body["error"]?["param"]?.stringValue == "n")
        }
    }

    @Test func localServersAnswerOneChoiceWhateverN() async throws {
        try await withMock(.ollama) { server in
            let (_, body) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: Self.chat("llama3.2:3b", extra: #","n":3"#))
            #expect(body["choices"]?.arrayValue?.count == 1)
        }
    }

    @Test func messagesThatIsNotAnArrayGetsEachProvidersMessage() async throws {
        let body = #"{"model":"M","messages":"hello"}"#
        try await withMock(.openai) { server in
            let (r, json) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: body.replacingOccurrences(of: "M", with: "gpt-4o-mini"))
            #expect(r.status == 400)
            #expect(json["error"]?["message"]?.stringValue == "Invalid type for 'messages': expected an array of objects, but got a string instead.")
            #expect(json["error"]?["code"]?.stringValue == "invalid_type")
            #expect(json["error"]?["param"]?.stringValue == "messages")
        }
        try await withMock(.ollama) { server in
            let (r, json) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: body.replacingOccurrences(of: "M", with: "llama3.2:3b"))
            #expect(r.status == 400)
            #expect(json["error"]?["message"]?.stringValue == "json: cannot unmarshal string into Go struct field ChatCompletionRequest.messages of type []openai.Message")
            let (native, nativeJSON) = try await jsonResponse(server, "POST", "/api/chat", json: #"{"model":"llama3.2:3b","messages":{"role":"user"}}"#)
            #expect(native.status == 400)
            #expect(nativeJSON["error"]?.stringValue == "json: cannot unmarshal object into Go struct field ChatRequest.messages of type []api.Message")
        }
        try await withMock(.lmstudio) { server in
            let (r, json) = try await jsonResponse(server, "POST", "/v1/chat/completions", json: body.replacingOccurrences(of: "M", with: "qwen2.5-7b-instruct"))
            #expect(r.status == 400)
            #expect(json["error"]?["message"]?.stringValue?.contains("is not iterable") == true)
        }
    }

    // MARK: Preflights

    static let preflight: [(String, String)] = [
        ("Origin", "http://localhost:5173"), ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "authorization,content-type"),
    ]

    @Test func openAICompatibleAnswersPreflightsAsLlamaServer() async throws {
        try await withMock(.openai, configure: { $0.apiKey = "sk-needed-key-000000000000" }) { server in
            let r = try await response(server, "OPTIONS", "/v1/chat/completions", headers: Self.preflight)
            #expect(r.status == 200)
            #expect(r.headers["Access-Control-Allow-Origin"] == "http://localhost:5173")
            #expect(r.headers["Access-Control-Allow-Methods"] == "GET, POST")
            #expect(r.headers["Access-Control-Allow-Headers"] == "*")
            #expect(r.body.isEmpty)
            let models = try await response(server, "GET", "/v1/models", headers: [("Origin", "http://localhost:5173"), ("Authorization", "Bearer sk-needed-key-000000000000")])
            #expect(models.status == 200)
            #expect(models.headers["Access-Control-Allow-Origin"] == "http://localhost:5173")
        }
    }

    @Test func ollamaAnswersAllowedPreflightsAndRefusesForeignOrigins() async throws {
        try await withMock(.ollama) { server in
            let allowed = try await response(server, "OPTIONS", "/api/chat", headers: Self.preflight)
            #expect(allowed.status == 204)
            #expect(allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:5173")
            #expect(allowed.headers["Access-Control-Allow-Methods"]?.contains("POST") == true)
            let foreign = try await response(server, "OPTIONS", "/api/chat", headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")])
            #expect(foreign.status == 403)
            #expect(foreign.body.isEmpty)
        }
    }

    @Test func lmStudioPreflightsFollowItsCORSSetting() async throws {
        try await withMock(.lmstudio) { server in
            let off = try await response(server, "OPTIONS", "/v1/chat/completions", headers: Self.preflight)
            #expect(off.status == 200)
            #expect(off.headers["Access-Control-Allow-Origin"] == nil)
            #expect(String(decoding: off.body, as: UTF8.self).contains("Unexpected endpoint or method. (OPTIONS /v1/chat/completions)"))
        }
        try await withMock(.lmstudio, configure: { $0.lmStudio.isCORSEnabled = true }) { server in
            let on = try await response(server, "OPTIONS", "/v1/chat/completions", headers: Self.preflight)
            #expect(on.status == 204)
            #expect(on.headers["Access-Control-Allow-Origin"] == "*")
            #expect(on.headers["Access-Control-Allow-Headers"] == "authorization,content-type")
            let models = try await response(server, "GET", "/v1/models", headers: [("Origin", "http://localhost:5173")])
            #expect(models.headers["Access-Control-Allow-Origin"] == "*")
        }
    }
}
