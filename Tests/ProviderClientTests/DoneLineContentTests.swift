import HTTPWire
import ProviderClient
import Testing

/// Issue 12 item 4: an Ollama NDJSON line that carries text *and* `"done": true` is token text
/// and the end marker at once, for chat and generate, wherever the bytes are cut.
@Suite("Text in an Ollama done:true line") struct DoneLineContentTests {
    static let chatOnlyLine = #"{"model":"llama3.2","created_at":"x","message":{"role":"assistant","content":"Hello there"},"done":true,"done_reason":"stop","eval_count":2}"# + "\n"
    static let generateLines = [
        #"{"model":"llama3.2","created_at":"x","response":"Once","done":false}"# + "\n",
        #"{"model":"llama3.2","created_at":"x","response":" upon","done":true,"done_reason":"length","eval_count":2}"# + "\n",
    ]

    @Test func chatKeepsTheTextOfItsOnlyLine() async throws {
        let (client, _) = scriptedClient(.ollama, scripts: [.ndjson([Self.chatOnlyLine])])
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil)
        #expect(events.text == "Hello there")
        let result = try #require(events.result)
        #expect(result.content == "Hello there")
        #expect(result.finishReason == "stop")
        #expect(result.timing.timeToFirstToken != nil, "the first token arrived in the done line")
        #expect(result.timing.contentChunksCount == 1)
    }

    @Test func generateKeepsTheTextOfItsLastLine() async throws {
        let (client, _) = scriptedClient(.ollama, scripts: [.ndjson(Self.generateLines)])
        let (events, error) = await collect(client.streamGenerate(GenerateRequest(model: "llama3.2", prompt: "x")))
        #expect(error == nil)
        #expect(events.text == "Once upon")
        #expect(events.result?.content == "Once upon")
        #expect(events.result?.finishReason == "length")
    }

    @Test func everyCutOfTheBytesGivesTheSameText() throws {
        for lines in [[Self.chatOnlyLine], Self.generateLines] {
            let bytes = Array(lines.joined().utf8)
            let expected = lines.count == 1 ? "Hello there" : "Once upon"
            for cut in 0...bytes.count {
                var decoder = ChatStreamDecoder(framing: .ndjson)
                var text = ""
                for item in try decoder.consume(Array(bytes[..<cut])) + decoder.consume(Array(bytes[cut...])) + decoder.finish() {
                    text += item.delta.content
                }
                #expect(text == expected, "cut at \(cut)")
                #expect(decoder.sawTerminator, "cut at \(cut)")
                #expect(decoder.content == expected, "cut at \(cut)")
            }
        }
    }
}
