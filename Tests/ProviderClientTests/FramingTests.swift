import ProviderClient
import Testing

/// The response framing chosen from the Content-Type, whatever the case and parameters.
@Suite("Framing from the Content-Type", .timeLimit(.minutes(1))) struct FramingTests {
    @Test(arguments: [
        ("text/event-stream; charset=utf-8", "sse"), ("Text/Event-Stream", "sse"), ("application/x-ndjson", "ndjson"),
        ("application/jsonl", "ndjson"), ("application/json-seq", "ndjson"), ("application/json", "json"),
        ("Application/JSON; charset=utf-8", "json"), ("application/problem+json", "json"), ("text/html; charset=utf-8", "refused"),
        ("application/xml", "refused"), ("text/plain", "fallback"), ("", "fallback"), ("js", "fallback"),
    ])
    func contentTypesMapToTheirFraming(contentType: String, expected: String) {
        let framing = ChatStreamDecoder.framing(contentType: contentType, fallback: .sse)
        let name: String = switch framing {
        case .sse?: contentType.lowercased().contains("event-stream") ? "sse" : "fallback"
        case .ndjson?: "ndjson"
        case .json?: "json"
        case nil: "refused"
        }
        #expect(name == expected, "\(contentType)")
    }

    @Test func noContentTypeFallsBack() {
        #expect(ChatStreamDecoder.framing(contentType: nil, fallback: .ndjson) == .ndjson)
        #expect(ChatStreamDecoder.framing(contentType: nil, fallback: .json) == .json)
    }
}
