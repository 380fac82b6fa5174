import Foundation
import HTTPWire
import LLMCheckCLI
import TestSupport
import Testing

/// Issue 12 items 9 and 14: what `models`, `chat` and `discover` print about a server.
@Suite(.timeLimit(.minutes(1))) struct ClientOutputTests {
    func run(_ arguments: [String], environment: [String: String] = [:]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }, currentDirectory: "/")
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    static let key = "llama-key-0123456789abcdef"

    /// llama-server started with `--api-key` and `-c 2048` on a model trained for 32768 tokens.
    static let llamaCpp: @Sendable (ScriptedRequest) -> ScriptedAction = { request in
        let server = [("Server", "llama.cpp")]
        if request.path == "/health" { return .reply(.json(#"{"status":"ok"}"#, headers: server)) }
        guard request.headers["authorization"] == "Bearer \(key)" else {
            return .reply(.json(#"{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}"#, status: 401, headers: server))
        }
        switch request.path {
        case "/v1/models":
            return .reply(.json(#"{"object":"list","data":[{"id":"gemma3-270m","object":"model","owned_by":"llamacpp","capabilities":["completion"],"meta":{"n_ctx_train":32768,"size":253231360}}]}"#, headers: server))
        case "/props":
            return .reply(.json(#"{"default_generation_settings":{"n_ctx":2048},"total_slots":1,"build_info":"b6123-abcdef0"}"#, headers: server))
        case "/v1/chat/completions":
            // One JSON body although the request asked for a stream.
            return .reply(.json(#"{"id":"c","object":"chat.completion","model":"gemma3-270m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#, headers: server))
        default:
            return .reply(.json(#"{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}"#, status: 404, headers: server))
        }
    }

    @Test func modelsShowsTheServedContextAndListedCapabilities() async throws {
        let server = try ScriptedHTTPServer(route: Self.llamaCpp)
        defer { server.stop() }
        let (code, out) = await run(["models", "--url", server.baseURL, "--api-key", Self.key, "--connect-timeout", "10"])
        #expect(code == .success, "\(out.standardError)")
        #expect(out.standardError.contains("identified llama.cpp"), "keyed llama.cpp fingerprinted: \(out.standardError)")
        let row = out.standardOutput.split(separator: "\n").first { $0.hasPrefix("gemma3-270m") } ?? ""
        #expect(row.contains("2048 (train 32768)"), "\(out.standardOutput)")
        #expect(row.contains(" completion ") && !row.contains("~"), "capabilities from the server's list: \(row)")
        #expect(!out.standardOutput.contains(Self.key) && !out.standardError.contains(Self.key))

        let (_, json) = await run(["models", "--url", server.baseURL, "--api-key", Self.key, "--connect-timeout", "10", "--json"])
        let document = try JSONValue.parse(json.standardOutput)
        let model = try #require(document["models"]?[0])
        #expect(model["context_length"]?.intValue == 2048)
        #expect(model["training_context_length"]?.intValue == 32768)
        #expect(model["capabilities_source"]?.stringValue == "metadata")
    }

    @Test func discoverRecognisesAKeyedLlamaCppWithoutTheKey() async throws {
        let server = try ScriptedHTTPServer(route: Self.llamaCpp)
        defer { server.stop() }
        let (_, out) = await run(["discover", "--ports", String(server.port), "--connect-timeout", "10", "--json"])
        let document = try JSONValue.parse(out.standardOutput)
        #expect(document["providers"]?[0]?["flavor"]?.stringValue == "llama.cpp", "\(out.standardOutput)")
    }

    @Test func chatSaysWhenAStreamWasAnsweredWithOneJSONBody() async throws {
        let server = try ScriptedHTTPServer(route: Self.llamaCpp)
        defer { server.stop() }
        let (code, out) = await run(["chat", "--url", server.baseURL + "/v1", "--api-key", Self.key, "--connect-timeout", "10", "--model", "gemma3-270m", "Hi"])
        #expect(out.standardOutput.contains("Hello!"))
        #expect(out.standardError.contains("not streamed"), "\(out.standardError)")
        #expect(out.standardError.contains("one JSON body"))
        #expect(!out.standardError.contains("1 chunks"))
        #expect(code == .failure)
    }

    @Test func chatWithAnUnknownModelListsTheClosestNames() async throws {
        let server = try ScriptedHTTPServer { request in
            switch request.path {
            case "/v1/models":
                return .reply(.json(#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","owned_by":"system"},{"id":"gpt-4o","object":"model","owned_by":"system"},{"id":"text-embedding-3-small","object":"model","owned_by":"system"}]}"#))
            default:
                return .reply(.json(#"{"error":{"message":"The model 'gpt-4o-mimi' does not exist or you do not have access to it.","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#, status: 404))
            }
        }
        defer { server.stop() }
        let (code, out) = await run(["chat", "--url", server.baseURL + "/v1", "--model", "gpt-4o-mimi", "--retries", "0", "--connect-timeout", "10", "Hi"], environment: ["OPENAI_API_KEY": "sk-test-0123456789abcdef"])
        #expect(code == .failure)
        #expect(out.standardError.contains("closest served: gpt-4o-mini"), "\(out.standardError)")
    }
}
