import HTTPWire
import MockProviders
import Testing

/// An in-memory writer: the engine's handler runs without sockets and everything it sent is kept.
private final class InMemoryWriter: HTTPResponseWriter {
    let requestHead: HTTPRequestHead
    private(set) var isHeadWritten = false
    private(set) var head: HTTPResponseHead?
    private(set) var body: [UInt8] = []
    private(set) var isFinished = false

    init(_ requestHead: HTTPRequestHead) { self.requestHead = requestHead }

    func writeHead(_ head: HTTPResponseHead) throws {
        self.head = head
        isHeadWritten = true
    }

    func writeBody(_ bytes: [UInt8]) throws { body += bytes }
    func finish() throws { isFinished = true }
    func writeRaw(_ bytes: [UInt8]) throws { body += bytes }
    func close() {}
    func reset() {}
    func pause(for duration: Duration) throws {}
    func waitForPeerClose(timeout: Duration?) -> Bool { false }
}

/// Runs one request through `engine` in memory.
private func handleInMemory(
    _ engine: MockEngine, _ method: HTTPMethod, _ target: String, json: String? = nil, headers: HTTPHeaders = [:]
) throws -> InMemoryWriter {
    var fields = headers
    fields.add(name: "Host", value: "127.0.0.1")
    if json != nil { fields.add(name: "Content-Type", value: "application/json") }
    let head = HTTPRequestHead(method: method, target: target, headers: fields)
    let writer = InMemoryWriter(head)
    try engine.handle(HTTPRequest(head: head, body: Array((json ?? "").utf8), receivedAt: .now()), writer)
    return writer
}

@Suite("Mock hot path: bytes and journal unchanged by the fast paths")
struct HotPathEquivalenceTests {
    /// A prompt that needs every kind of JSON escape, with precomposed `é`.
    static let awkwardPrompt = "quote \" back \\ nl \n tab \t ctl \u{01} é 😀"

    static func chatBody(model: String, prompt: String, extra: String = "") throws -> String {
        let messages: JSONValue = [["role": "user", "content": .string(prompt)]]
        return #"{"model":\#(JSONValue.string(model).serialized()),"messages":\#(messages.serialized())\#(extra)}"#
    }

    /// The expected chat completion, built as a `JSONValue` tree in each provider's key order with
    /// the volatile parts (id, created, content, usage) taken from `actual`.
    static func expectedChat(_ actual: JSONValue, flavor: MockProviderKind, model: String, restV0: Bool = false) -> JSONValue {
        let text = actual["choices"]?[0]?["message"]?["content"] ?? nil
        let finish = actual["choices"]?[0]?["finish_reason"] ?? nil
        let usage = actual["usage"] ?? nil
        var message: [(String, JSONValue)] = [("role", "assistant"), ("content", text)]
        if flavor == .openai { message += [("refusal", nil), ("annotations", [])] }
        var choice: [(String, JSONValue)] = [("index", 0)]
        if flavor == .lmstudio { choice.append(("logprobs", nil)) }
        choice.append(("message", .object(message)))
        if flavor == .openai { choice.append(("logprobs", nil)) }
        choice.append(("finish_reason", finish))
        var body: [(String, JSONValue)] = [
            ("id", actual["id"] ?? nil), ("object", "chat.completion"), ("created", actual["created"] ?? nil), ("model", .string(model)),
        ]
        switch flavor {
        case .openai: body.append(("system_fingerprint", "fp_44709d6fcb"))
        case .ollama: body.append(("system_fingerprint", "fp_ollama"))
        case .lmstudio: break
        }
        body.append(("choices", .array([.object(choice)])))
        body.append(("usage", usage))
        if flavor == .openai { body.append(("service_tier", "default")) }
        if flavor == .lmstudio {
            if restV0 {
                body.append(("stats", actual["stats"] ?? nil))
                body.append(("model_info", actual["model_info"] ?? nil))
                body.append(("runtime", ["name": "llama.cpp-linux-x86_64-avx2", "version": "1.21.0", "supported_formats": ["gguf"]]))
            } else {
                body.append(("stats", [:]))
            }
            body.append(("system_fingerprint", .string(model)))
        }
        return .object(body)
    }

    static func expectedUsage(prompt: Int, completion: Int, flavor: MockProviderKind) -> JSONValue {
        var u: [(String, JSONValue)] = [("prompt_tokens", .int(prompt)), ("completion_tokens", .int(completion)), ("total_tokens", .int(prompt + completion))]
        if flavor == .openai {
            u.append(("prompt_tokens_details", ["cached_tokens": 0, "audio_tokens": 0]))
            u.append(("completion_tokens_details", ["reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0]))
        }
        return .object(u)
    }

    struct ChatCase: Sendable, CustomStringConvertible {
        var provider: MockProviderKind
        var model: String
        var target = "/v1/chat/completions"
        var maximumTokens: Int?
        var reply: String?
        var description: String { "\(provider) \(target) max=\(maximumTokens.map(String.init) ?? "-") reply=\(reply != nil)" }
    }

    @Test(arguments: [
        ChatCase(provider: .openai, model: "gpt-4o-mini"),
        ChatCase(provider: .openai, model: "gpt-4o", maximumTokens: 3),
        ChatCase(provider: .openai, model: "gpt-4o-mini", reply: "Say \"hi\"\n\tthen \\ stop. é 😀"),
        ChatCase(provider: .ollama, model: "llama3.2:3b"),
        ChatCase(provider: .ollama, model: "qwen2.5:7b", maximumTokens: 5),
        ChatCase(provider: .lmstudio, model: "qwen2.5-7b-instruct"),
        ChatCase(provider: .lmstudio, model: "qwen2.5-7b-instruct", target: "/api/v0/chat/completions", maximumTokens: 2),
    ])
    func chatCompletionBytesMatchTheJSONValueTree(_ c: ChatCase) throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: c.provider, seed: 11, replyText: c.reply))
        let extra = c.maximumTokens.map { #","max_tokens":\#($0)"# } ?? ""
        let prompt = HotPathEquivalenceTests.awkwardPrompt
        let w = try handleInMemory(engine, .post, c.target, json: try HotPathEquivalenceTests.chatBody(model: c.model, prompt: prompt, extra: extra))
        let head = try #require(w.head)
        #expect(head.status.code == 200)
        #expect(w.isFinished)
        let actual = try JSONValue.parse(w.body)
        let expected = HotPathEquivalenceTests.expectedChat(actual, flavor: c.provider, model: c.model, restV0: c.target.hasPrefix("/api/v0"))
        #expect(String(decoding: w.body, as: UTF8.self) == expected.serialized())

        // The content is the generator's, for this prompt (the cache must not change it).
        let generated = TextGenerator(seed: 11, fixedReply: c.reply).generate(model: c.model, prompt: prompt, maximumTokens: c.maximumTokens)
        #expect(actual["choices"]?[0]?["message"]?["content"]?.stringValue == generated.text)
        #expect(actual["choices"]?[0]?["finish_reason"]?.stringValue == (generated.hitLimit ? "length" : "stop"))
        #expect(actual["usage"] == HotPathEquivalenceTests.expectedUsage(prompt: generated.promptTokens, completion: generated.tokens.count, flavor: c.provider))

        // Framing: Content-Type and Content-Length last, the length exact.
        let names = head.headers.map(\.name)
        #expect(Array(names.suffix(2)) == ["Content-Type", "Content-Length"])
        #expect(head.headers["Content-Length"] == String(w.body.count))
    }

    /// The expected chunk event, built as a `JSONValue` tree as the streaming code used to.
    static func expectedChunk(
        flavor: MockProviderKind, id: String, created: JSONValue, model: String, includeUsage: Bool, delta: JSONValue, finish: JSONValue = nil
    ) -> String {
        let fingerprint: JSONValue = flavor == .openai ? "fp_44709d6fcb" : flavor == .ollama ? "fp_ollama" : .string(model)
        var choice: [(String, JSONValue)] = [("index", 0), ("delta", delta)]
        if flavor != .ollama { choice.append(("logprobs", nil)) }
        choice.append(("finish_reason", finish))
        var c: [(String, JSONValue)] = [
            ("id", .string(id)), ("object", "chat.completion.chunk"), ("created", created), ("model", .string(model)),
            ("system_fingerprint", fingerprint), ("choices", .array([.object(choice)])),
        ]
        if flavor == .openai { c.insert(("service_tier", "default"), at: 4) }
        if includeUsage, flavor == .openai { c.append(("usage", nil)) }
        return JSONValue.object(c).serialized()
    }

    @Test(arguments: [
        (MockProviderKind.openai, "gpt-4o-mini", false, nil as Int?), (.openai, "gpt-4o", true, 3), (.ollama, "llama3.2:3b", false, nil),
        (.ollama, "llama3.2:3b", true, 4), (.lmstudio, "qwen2.5-7b-instruct", false, nil), (.lmstudio, "qwen2.5-7b-instruct", true, 2),
    ])
    func streamingChunkBytesMatchTheJSONValueTree(_ provider: MockProviderKind, _ model: String, _ includeUsage: Bool, _ maximumTokens: Int?) throws {
        let reply = "Say \"hi\"\n\tthen \\ stop, \u{01} é 😀 now."
        let engine = MockEngine(configuration: MockConfiguration(provider: provider, seed: 13, replyText: reply))
        var extra = #","stream":true"#
        if includeUsage { extra += #","stream_options":{"include_usage":true}"# }
        if let maximumTokens { extra += #","max_tokens":\#(maximumTokens)"# }
        let w = try handleInMemory(engine, .post, "/v1/chat/completions", json: try HotPathEquivalenceTests.chatBody(model: model, prompt: "ping", extra: extra))
        #expect(w.isFinished)
        let text = String(decoding: w.body, as: UTF8.self)
        #expect(text.hasSuffix("data: [DONE]\n\n"))
        let events = text.split(separator: "\n\n").map { String($0.dropFirst("data: ".count)) }
        let first = try JSONValue.parse(try #require(events.first))
        let id = try #require(first["id"]?.stringValue)
        let created = try #require(first["created"])
        let generated = TextGenerator(seed: 13, fixedReply: reply).generate(model: model, prompt: "ping", maximumTokens: maximumTokens)
        var expected: [String] = []
        func chunk(_ delta: JSONValue, finish: JSONValue = nil) -> String {
            HotPathEquivalenceTests.expectedChunk(flavor: provider, id: id, created: created, model: model, includeUsage: includeUsage, delta: delta, finish: finish)
        }
        var tokens = generated.tokens[...]
        if provider == .openai {
            expected.append(chunk(["role": "assistant", "content": "", "refusal": nil]))
        } else {
            expected.append(chunk(["role": "assistant", "content": .string(tokens.popFirst() ?? "")]))
        }
        for token in tokens { expected.append(chunk(["content": .string(token)])) }
        expected.append(chunk([:], finish: .string(generated.hitLimit ? "length" : "stop")))
        let contentEvents = includeUsage ? events.dropLast(2) : events.dropLast(1)
        #expect(Array(contentEvents) == expected)
        if includeUsage {
            let usage = try JSONValue.parse(events[events.count - 2])
            #expect(usage["choices"] == [])
            #expect(usage["usage"] == HotPathEquivalenceTests.expectedUsage(prompt: generated.promptTokens, completion: generated.tokens.count, flavor: provider))
        }
    }

    @Test func repeatedAndCanonicallyEquivalentPromptsKeepTheirOwnReplies() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .openai, seed: 5))
        let precomposed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        #expect(precomposed == decomposed)  // equal as Strings, different bytes: generation differs
        let generator = TextGenerator(seed: 5)
        for prompt in [precomposed, decomposed, precomposed, "ping", decomposed, "ping"] {
            let w = try handleInMemory(engine, .post, "/v1/chat/completions", json: try HotPathEquivalenceTests.chatBody(model: "gpt-4o-mini", prompt: prompt))
            let content = try JSONValue.parse(w.body)["choices"]?[0]?["message"]?["content"]?.stringValue
            #expect(content == generator.generate(model: "gpt-4o-mini", prompt: prompt, maximumTokens: nil).text, "prompt \(Array(prompt.utf8))")
        }
        #expect(generator.generate(model: "gpt-4o-mini", prompt: precomposed, maximumTokens: nil) != generator.generate(model: "gpt-4o-mini", prompt: decomposed, maximumTokens: nil))
    }

    @Test(arguments: ["/api/chat", "/api/generate"])
    func ollamaNativeRepliesAreTheGenerators(_ path: String) throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .ollama, seed: 21))
        let generator = TextGenerator(seed: 21)
        for (prompt, limit) in [("ping", nil), ("ping", 3), (HotPathEquivalenceTests.awkwardPrompt, nil), ("ping", nil)] as [(String, Int?)] {
            let input: JSONValue = path == "/api/chat" ? ["messages": [["role": "user", "content": .string(prompt)]]] : ["prompt": .string(prompt)]
            var body: JSONValue = ["model": "llama3.2:3b", "stream": false]
            for (key, value) in input.objectValue ?? [] { body.set(key, value) }
            if let limit { body.set("options", ["num_predict": .int(limit)]) }
            let w = try handleInMemory(engine, .post, path, json: body.serialized())
            let answer = try JSONValue.parse(w.body)
            let text = path == "/api/chat" ? answer["message"]?["content"]?.stringValue : answer["response"]?.stringValue
            let expected = generator.generate(model: "llama3.2:3b", prompt: prompt, maximumTokens: limit)
            #expect(text == expected.text)
            #expect(answer["eval_count"]?.intValue == expected.tokens.count)
            #expect(answer["done_reason"]?.stringValue == (expected.hitLimit ? "length" : "stop"))
        }
    }

    @Test func manyDistinctPromptsStayCorrectPastTheCacheBound() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .ollama, seed: 3, journalCapacity: 10))
        let generator = TextGenerator(seed: 3)
        for i in 0..<1500 {
            let prompt = "prompt \(i % 1300)"
            let w = try handleInMemory(engine, .post, "/v1/chat/completions", json: try HotPathEquivalenceTests.chatBody(model: "llama3.2:3b", prompt: prompt))
            let content = try JSONValue.parse(w.body)["choices"]?[0]?["message"]?["content"]?.stringValue
            if content != generator.generate(model: "llama3.2:3b", prompt: prompt, maximumTokens: nil).text {
                Issue.record("request \(i): wrong reply for \(prompt)")
                break
            }
        }
        #expect(engine.journal.entries().count == 10)
        #expect(engine.journal.droppedCount == 1490)
        #expect(engine.journal.entries().map(\.id) == Array(1491...1500))
    }

    /// Pins the generator's output as it was before its word tables: a seeded run must replay.
    @Test func generatedTextIsStableAcrossVersions() {
        let output = TextGenerator(seed: 7).generate(model: "gpt-4o-mini", prompt: "ping", maximumTokens: nil)
        #expect(output.text == "With, checks, upon prompt week chunk measures and. Is window answers short over ollama your the chunk done the in retry it client. Loopback. Done going context window air that sunlight runs gracefully retry blue your.")
        #expect(output.tokens.count == 36)
        #expect(output.tokens.prefix(3) == ["With,", " checks,", " upon"])
    }

    /// Pins the seeded ids of earlier versions (request number and stream name mixed into the seed).
    @Test func seededIDsAreStableAcrossVersions() throws {
        let chat = try HotPathEquivalenceTests.chatBody(model: "gpt-4o-mini", prompt: "ping")
        let openai = MockEngine(configuration: MockConfiguration(provider: .openai, seed: 7))
        let w = try handleInMemory(openai, .post, "/v1/chat/completions", json: chat)
        #expect(try JSONValue.parse(w.body)["id"]?.stringValue == "chatcmpl-YTsAIcAFqKlLOBiHuLOVoTi1dI4t3")
        #expect(w.head?.headers["x-request-id"] == "req_d13099f7ba2a2ddcfe397ff4ebe9b887")

        let ollama = MockEngine(configuration: MockConfiguration(provider: .ollama, seed: 7))
        let ollamaChat = try HotPathEquivalenceTests.chatBody(model: "llama3.2:3b", prompt: "ping")
        for _ in 1...3 { _ = try handleInMemory(ollama, .get, "/api/tags") }
        let fourth = try handleInMemory(ollama, .post, "/v1/chat/completions", json: ollamaChat)
        #expect(try JSONValue.parse(fourth.body)["id"]?.stringValue == "chatcmpl-586")

        let lmstudio = MockEngine(configuration: MockConfiguration(provider: .lmstudio, seed: 7))
        let first = try handleInMemory(lmstudio, .post, "/v1/chat/completions", json: try HotPathEquivalenceTests.chatBody(model: "qwen2.5-7b-instruct", prompt: "ping"))
        #expect(try JSONValue.parse(first.body)["id"]?.stringValue == "chatcmpl-ots80iohc0v5ktkz4latov")
    }

    @Test func journalMasksEachKeyAsItsOwn() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .openai))
        let keys = (0..<12).map { "Bearer sk-proj-key-number-\($0)-abcdefgh\($0 % 10)" }
        for round in 0..<2 {
            for key in keys {
                _ = try handleInMemory(engine, .get, "/v1/models", headers: ["Authorization": key])
            }
            let entries = engine.journal.entries().suffix(keys.count)
            for (entry, key) in zip(entries, keys) {
                #expect(entry.header("Authorization") == SecretMasking.mask(key), "round \(round)")
            }
        }
    }

    @Test func faultHeaderAndTestIDStillApply() throws {
        var configuration = MockConfiguration(provider: .openai)
        configuration.faults = [try FaultSpec.parse("status=503,test_id=t-1")]
        let engine = MockEngine(configuration: configuration)
        let chat = try HotPathEquivalenceTests.chatBody(model: "gpt-4o-mini", prompt: "ping")
        #expect(try handleInMemory(engine, .post, "/v1/chat/completions", json: chat).head?.status.code == 200)
        #expect(try handleInMemory(engine, .post, "/v1/chat/completions", json: chat, headers: ["x-test-id": "t-1"]).head?.status.code == 503)
        let w = try handleInMemory(engine, .post, "/v1/chat/completions", json: chat, headers: ["x-llmcheck-fault": "status=429,retry_after=2"])
        #expect(w.head?.status.code == 429)
        #expect(engine.journal.entries().last?.sentRetryAfter == "2")
        #expect(engine.journal.entries().last?.faults.map(\.description) == ["status=429,retry_after=2"])
    }

    @Test func trailingSlashRoutesLikeBefore() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .openai))
        #expect(try handleInMemory(engine, .get, "/v1/models/").head?.status.code == 200)
        #expect(try handleInMemory(engine, .get, "/").head?.status.code == 404)
        #expect(try handleInMemory(engine, .get, "/v1/models/gpt-4o/").head?.status.code == 200)
        // Non-ASCII paths take the Character-based rule.
        #expect(try handleInMemory(engine, .get, "/v1/models/é/").head?.status.code == 404)
    }

    @Test func controlPrefixIsMatchedByCharacters() throws {
        let engine = MockEngine(configuration: MockConfiguration(provider: .openai))
        #expect(try handleInMemory(engine, .get, "/__llmcheck/health").head?.status.code == 200)
        // A combining mark joins the prefix's last "/": not a control path, so the personality answers.
        let w = try handleInMemory(engine, .get, "/__llmcheck/\u{301}health")
        #expect(w.head?.status.code == 404)
        #expect(String(decoding: w.body, as: UTF8.self).contains("Invalid URL"))
        // The bare prefix is the control surface too; a path that only starts like it is not.
        let bare = try handleInMemory(engine, .get, "/__llmcheck")
        #expect(!String(decoding: bare.body, as: UTF8.self).contains("Invalid URL"))
        let longer = try handleInMemory(engine, .get, "/__llmcheckz")
        #expect(longer.head?.status.code == 404)
        #expect(String(decoding: longer.body, as: UTF8.self).contains("Invalid URL"))
    }
}
