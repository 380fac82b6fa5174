import HTTPWire
import ProviderClient
import Testing

@Suite("Streaming through a scripted transport") struct StreamingTests {
    @Test func openAIStreamGivesTextUsageAndTiming() async throws {
        let (client, transport) = scriptedClient(scripts: [.sse(openAIStream)], apiKey: "sk-test-abcdefghijklmnop")
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil)
        #expect(events.text == "Hello")
        let result = try #require(events.result)
        #expect(result.finishReason == "stop")
        #expect(result.usage?.completionTokens == 2)
        #expect(result.timing.outputTokens == 2 && result.timing.tokenSource == .serverUsage)
        #expect(result.timing.chunksCount == 4, "role chunk, two content chunks, finish chunk")
        #expect(result.timing.contentChunksCount == 2)
        #expect(result.timing.interChunkGaps.count == 1)
        #expect(try #require(result.timing.timeToFirstToken) >= #require(result.timing.timeToFirstChunk))
        #expect(result.timing.ended != nil && result.timing.endToEndLatency != nil)
        let request = try #require(transport.requests.first)
        #expect(request.target == "/v1/chat/completions")
        #expect(request.headers["Authorization"] == "Bearer sk-test-abcdefghijklmnop")
        let body = try JSONValue.parse(request.body)
        #expect(body["stream"] == true && body["stream_options"]?["include_usage"] == true)
    }

    @Test func ollamaStreamGivesTextAndNativeTimings() async throws {
        let (client, transport) = scriptedClient(.ollama, scripts: [.ndjson(ollamaStream)])
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil)
        #expect(events.text == "The sky")
        let result = try #require(events.result)
        #expect(result.finishReason == "stop")
        #expect(result.providerTimings.ollama?.evalDuration == 4_535_599_000)
        #expect(result.providerTimings.ollama?.loadDuration == 1_334_875)
        #expect(result.timing.outputTokens == 2 && result.timing.tokenSource == .serverUsage)
        let request = try #require(transport.requests.first)
        #expect(request.target == "/api/chat")
        #expect(try JSONValue.parse(request.body)["stream"] == true, "stream is always explicit")
    }

    @Test(arguments: [1, 2, 3, 7, 16, 64, 1000])
    func everySplitGivesTheSameAnswer(chunkSize: Int) async throws {
        let bytes = Array(openAIStream.joined().utf8)
        let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map { String(decoding: bytes[$0..<min($0 + chunkSize, bytes.count)], as: UTF8.self) }
        // Re-split on bytes, not characters, by building the script from byte slices.
        let steps: [ScriptedTransport.Step] = [.connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"])]
            + stride(from: 0, to: bytes.count, by: chunkSize).map { .body(Array(bytes[$0..<min($0 + chunkSize, bytes.count)])) } + [.end]
        _ = chunks
        let (client, _) = scriptedClient(scripts: [ScriptedTransport.Script(steps)])
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil)
        #expect(events.text == "Hello")
        #expect(events.result?.usage?.totalTokens == 7)

        let ndjson = Array(ollamaStream.joined().utf8)
        let ollamaSteps: [ScriptedTransport.Step] = [.connect, .head(status: 200, headers: ["Content-Type": "application/x-ndjson"])]
            + stride(from: 0, to: ndjson.count, by: chunkSize).map { .body(Array(ndjson[$0..<min($0 + chunkSize, ndjson.count)])) } + [.end]
        let (ollama, _) = scriptedClient(.ollama, scripts: [ScriptedTransport.Script(ollamaSteps)])
        let (ollamaEvents, ollamaError) = await collect(ollama.streamChat(chatRequest))
        #expect(ollamaError == nil)
        #expect(ollamaEvents.text == "The sky")
    }

    // MARK: - Mid-stream errors

    @Test func ollamaErrorLine() async {
        let (client, _) = scriptedClient(.ollama, scripts: [.ndjson([ollamaStream[0], #"{"error":"llama runner process has terminated"}"# + "\n"])])
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(events.text == "The")
        #expect(error?.code == .streamError)
        #expect(error?.message.contains("llama runner") == true)
        #expect(error?.status == 200)
    }

    @Test func openAIErrorEvent() async {
        let (client, _) = scriptedClient(scripts: [.sse([openAIStream[1], "event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n"])])
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(events.text == "Hel")
        #expect(error?.code == .overloaded)
    }

    @Test func openAIErrorData() async {
        let (client, _) = scriptedClient(scripts: [.sse([openAIStream[1], "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":null}}\n\n"])])
        let (_, error) = await collect(client.streamChat(chatRequest))
        #expect(error?.code == .streamError)
        #expect(error?.message == "boom")
    }

    @Test func lmStudioOKWithErrorBody() async {
        let (client, _) = scriptedClient(.lmstudio, scripts: [.response(status: 200, body: #"{"error":"Unexpected endpoint or method. (POST /chat/completions)"}"#)])
        let (_, error) = await collect(client.streamChat(chatRequest))
        #expect(error?.code == .endpointNotFound)
        let (client2, _) = scriptedClient(.lmstudio, scripts: [.response(status: 200, body: #"{"error":"Unexpected endpoint or method. (GET /x)"}"#)])
        await #expect(throws: ProviderError.self) { try await client2.listModels() }
    }

    // MARK: - End of stream

    @Test func truncatedStreams() async {
        let (openAI, _) = scriptedClient(scripts: [.sse(Array(openAIStream.dropLast()))])
        let (events, error) = await collect(openAI.streamChat(chatRequest))
        #expect(events.text == "Hello")
        #expect(error?.code == .truncatedStream)
        let (ollama, _) = scriptedClient(.ollama, scripts: [.ndjson(Array(ollamaStream.dropLast()))])
        #expect(await collect(ollama.streamChat(chatRequest)).error?.code == .truncatedStream)
        let (unterminated, _) = scriptedClient(scripts: [.sse([openAIStream[1], "data: [DONE]"])])
        #expect(await collect(unterminated.streamChat(chatRequest)).error?.code == .truncatedStream, "[DONE] without its blank line is dropped (openai-python agrees)")
    }

    @Test func malformedData() async {
        let (client, _) = scriptedClient(scripts: [.sse(["data: {not json\n\n"])])
        #expect(await collect(client.streamChat(chatRequest)).error?.code == .malformedStream)
        let (ollama, _) = scriptedClient(.ollama, scripts: [.ndjson(["<html>\n"])])
        #expect(await collect(ollama.streamChat(chatRequest)).error?.code == .malformedStream)
    }

    @Test func htmlIsUnexpectedContentType() async {
        let (client, _) = scriptedClient(scripts: [.response(status: 200, headers: ["Content-Type": "text/html"], body: "<html>login</html>")])
        #expect(await collect(client.streamChat(chatRequest)).error?.code == .unexpectedContentType)
    }

    @Test func jsonAnswerToAStreamingRequestIsDecoded() async {
        let body = #"{"model":"llama3.2","created_at":"x","message":{"role":"assistant","content":""},"done_reason":"load","done":true}"#
        let (client, _) = scriptedClient(.ollama, scripts: [.response(status: 200, body: body)])
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil)
        #expect(events.result?.finishReason == "load")
    }

    // MARK: - Tool calls and reasoning

    @Test func toolCallsAreNormalised() async throws {
        let ollamaLine = #"{"model":"q","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_ab12cd34","function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo"}}}]},"done":false}"# + "\n"
        let (ollama, _) = scriptedClient(.ollama, scripts: [.ndjson([ollamaLine, ollamaStream[2]])])
        let ollamaResult = try #require(await collect(ollama.streamChat(chatRequest)).events.result)
        let openAIChunks = [
            #"data: {"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"# + "\n\n",
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}"# + "\n\n",
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Tokyo\"}"}}]},"finish_reason":null}]}"# + "\n\n",
            #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\n", "data: [DONE]\n\n",
        ]
        let (openAI, _) = scriptedClient(scripts: [.sse(openAIChunks)])
        let (events, error) = await collect(openAI.streamChat(chatRequest))
        #expect(error == nil)
        let openAIResult = try #require(events.result)
        #expect(ollamaResult.toolCalls.first?.arguments == openAIResult.toolCalls.first?.arguments)
        #expect(openAIResult.toolCalls.first?.arguments["city"] == "Tokyo")
        #expect(openAIResult.toolCalls.first?.argumentsText == #"{"city":"Tokyo"}"#)
        #expect(openAIResult.finishReason == "tool_calls")
        #expect(openAIResult.timing.firstToken != nil, "tool-call deltas count as tokens")
    }

    @Test func reasoningIsSeparateFromOutput() async throws {
        let chunks = [
            #"data: {"choices":[{"index":0,"delta":{"reasoning_content":"hmm"},"finish_reason":null}]}"# + "\n\n",
            #"data: {"choices":[{"index":0,"delta":{"content":"42"},"finish_reason":"stop"}]}"# + "\n\n", "data: [DONE]\n\n",
        ]
        let (client, _) = scriptedClient(scripts: [.sse(chunks)])
        let result = try #require(await collect(client.streamChat(chatRequest)).events.result)
        #expect(result.reasoning == "hmm" && result.content == "42")
        #expect(try #require(result.timing.firstOutput) >= #require(result.timing.firstToken))
        #expect(result.timing.tokenSource == .chunks)
    }

    // MARK: - Non-streaming

    @Test func nonStreamingChatAndStats() async throws {
        let body = #"{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5},"stats":{"tokens_per_second":51.4,"time_to_first_token":0.111,"generation_time":0.954,"stop_reason":"eosFound"},"timings":{"prompt_n":3,"prompt_ms":1.5,"predicted_n":2,"predicted_ms":20.0,"predicted_per_second":100.0}}"#
        let (client, transport) = scriptedClient(.lmstudio, scripts: [.response(status: 200, body: body)])
        let result = try await client.chat(chatRequest)
        #expect(result.content == "Hi!")
        #expect(result.providerTimings.lmStudio?.timeToFirstTokenSeconds == 0.111)
        #expect(result.providerTimings.llamaCpp?.predictedTokens == 2)
        #expect(try JSONValue.parse(try #require(transport.requests.first).body)["stream"] == false)
    }

    @Test func listsModelsAcrossProviders() async throws {
        let tags = #"{"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","size":2019393189,"digest":"a","details":{"family":"llama","parameter_size":"3.2B","quantization_level":"Q4_K_M"}},{"name":"nomic-embed-text:latest","size":1,"details":{"family":"nomic-bert"}},{"name":"llava:7b","details":{},"capabilities":["completion","vision"]}]}"#
        let (ollama, _) = scriptedClient(.ollama, scripts: [.response(status: 200, body: tags)])
        let models = try await ollama.listModels()
        #expect(models.map(\.id) == ["llama3.2:latest", "nomic-embed-text:latest", "llava:7b"])
        #expect(models[0].matches("llama3.2") && models[0].capabilities.contains(.tools))
        #expect(models[1].capabilities == .embedding)
        #expect(models[2].capabilities.contains(.vision) && models[2].capabilitiesFromMetadata)

        let v0 = #"{"object":"list","data":[{"id":"qwen2.5-7b-instruct","type":"llm","arch":"qwen2","state":"loaded","max_context_length":32768,"capabilities":["tool_use"]},{"id":"text-embedding-nomic","type":"embeddings","state":"not-loaded"}]}"#
        let (lms, _) = scriptedClient(.lmstudio, scripts: [.response(status: 200, body: v0)])
        let lmModels = try await lms.listModels()
        #expect(lmModels[0].isLoaded == true && lmModels[0].capabilities.contains(.tools) && lmModels[0].contextLength == 32768)
        #expect(lmModels[1].capabilities == .embedding && lmModels[1].isLoaded == false)

        let vllm = #"{"object":"list","data":[{"id":"Qwen/Qwen2.5-1.5B-Instruct","object":"model","owned_by":"vllm","max_model_len":32768}]}"#
        let (openAI, _) = scriptedClient(scripts: [.response(status: 200, body: vllm)])
        let openAIModels = try await openAI.listModels()
        #expect(openAIModels.first?.ownedBy == "vllm" && openAIModels.first?.contextLength == 32768)
    }

    @Test func modelCacheServesStaleAndFallback() async throws {
        let tags = #"{"models":[{"name":"a:latest","details":{}}]}"#
        let (client, transport) = scriptedClient(.ollama, scripts: [.response(status: 200, body: tags), .failure(.connectionRefused)], retry: .none)
        let first = await client.cachedModels()
        #expect(first.source == .live && first.models.count == 1)
        let second = await client.cachedModels()
        #expect(second.source == .cache)
        #expect(transport.requests.count == 1)
        let refreshed = await client.cachedModels(refresh: true)
        #expect(refreshed.source == .staleCache && refreshed.error?.code == .connectionRefused)
        let (empty, _) = scriptedClient(.ollama, scripts: [.failure(.connectionRefused)], retry: .none)
        let fallback = await empty.cachedModels(fallback: [ModelInfo(id: "static")])
        #expect(fallback.source == .fallback && fallback.models.map(\.id) == ["static"])
    }

    @Test func embeddingsDecodeFloatAndBase64() async throws {
        // 1.0 and -2.0 as little-endian float32, base64.
        let body = #"{"object":"list","data":[{"object":"embedding","index":1,"embedding":"AACAPwAAAMA="},{"object":"embedding","index":0,"embedding":[0.5,0.25]}],"model":"e","usage":{"prompt_tokens":4,"total_tokens":4}}"#
        let (client, _) = scriptedClient(scripts: [.response(status: 200, body: body)])
        let result = try await client.embeddings(model: "e", inputs: ["a", "b"])
        #expect(result.vectors == [[0.5, 0.25], [1.0, -2.0]])
        #expect(result.promptTokens == 4)
    }
}
