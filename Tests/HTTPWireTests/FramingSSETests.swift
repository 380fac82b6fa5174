import HTTPWire
import Testing

/// One SSE fixture: the raw stream and the events a WHATWG parser must dispatch.
struct SSEFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var expected: [SSEEvent]
    var comments = 0
    var retry: Int?
    var discardsIncomplete = false

    var testDescription: String { name }

    static func text(_ name: String, _ text: String, _ expected: [SSEEvent], comments: Int = 0, retry: Int? = nil, discards: Bool = false) -> SSEFixture {
        SSEFixture(name: name, bytes: Array(text.utf8), expected: expected, comments: comments, retry: retry, discardsIncomplete: discards)
    }

    static let all: [SSEFixture] = [
        .text("openai chunks + [DONE]", "data: {\"a\":1}\n\ndata: [DONE]\n\n", [.init(data: "{\"a\":1}"), .init(data: "[DONE]")]),
        .text("CRLF", "data: x\r\n\r\ndata: y\r\n\r\n", [.init(data: "x"), .init(data: "y")]),
        .text("CR only", "data: x\r\rdata: y\r\r", [.init(data: "x"), .init(data: "y")]),
        .text("mixed terminators", "data: a\r\ndata: b\rdata: c\n\r\n", [.init(data: "a\nb\nc")]),
        .text("multibyte UTF-8", "data: héllo 😀 日本\n\n", [.init(data: "héllo 😀 日本")]),
        .text("missing final blank line", "data: a\n\ndata: b", [.init(data: "a")], discards: true),
        .text("final line without blank line", "data: a\n\ndata: b\n", [.init(data: "a")], discards: true),
        SSEFixture(name: "BOM at start", bytes: [0xEF, 0xBB, 0xBF] + Array("data: a\n\n".utf8), expected: [.init(data: "a")]),
        SSEFixture(
            name: "BOM mid-stream is not stripped", bytes: Array("data: a\n\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("data: b\n\n".utf8),
            expected: [.init(data: "a")]),
        .text("data without space", "data:x\n\n", [.init(data: "x")]),
        .text("only one space removed", "data:  x\n\n", [.init(data: " x")]),
        .text("multi-line data", "data: a\ndata: b\ndata:\n\n", [.init(data: "a\nb\n")]),
        .text("comments", ": ping\n\n: keep-alive\ndata: a\n\n", [.init(data: "a")], comments: 2),
        .text(
            "retry and id", "retry: 3000\nid: 7\ndata: a\n\nid: 8\u{0}x\ndata: b\n\nretry: 12a\n\n",
            [.init(data: "a", lastEventID: "7"), .init(data: "b", lastEventID: "7")], retry: 3000),
        .text("named event", "event: error\ndata: {\"error\":{}}\n\ndata: z\n\n", [.init(type: "error", data: "{\"error\":{}}"), .init(data: "z")]),
        .text("empty data dispatches empty string", "data:\n\n", [.init(data: "")]),
        .text("field without colon", "data\n\n", [.init(data: "")]),
        .text("blank lines without data dispatch nothing", "\n\n\r\n: c\n\nevent: x\n\n", [], comments: 1),
        .text("unknown fields ignored", "foo: bar\ndata: a\nbaz\n\n", [.init(data: "a")]),
        .text("empty stream", "", []),
    ]
}

/// Splits `bytes` into chunks of `size`, optionally inserting empty chunks between them.
func chunked(_ bytes: [UInt8], size: Int, insertingEmpty: Bool = false) -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
        let end = min(index + size, bytes.count)
        chunks.append(Array(bytes[index..<end]))
        if insertingEmpty { chunks.append([]) }
        index = end
    }
    return chunks
}

@Suite("SSE parser") struct FramingSSETests {
    @Test(arguments: SSEFixture.all)
    func everyChunkSizeGivesTheSameEvents(fixture: SSEFixture) throws {
        for size in 1...max(1, fixture.bytes.count) {
            for withEmpty in [false, true] {
                var parser = SSEParser()
                var events: [SSEEvent] = []
                for chunk in chunked(fixture.bytes, size: size, insertingEmpty: withEmpty) {
                    events += try parser.consume(chunk)
                }
                events += try parser.finish()
                #expect(events == fixture.expected, "chunk size \(size), empty chunks \(withEmpty)")
                #expect(parser.commentCount == fixture.comments, "chunk size \(size)")
                #expect(parser.reconnectionTime == fixture.retry, "chunk size \(size)")
                #expect(parser.discardedIncompleteEvent == fixture.discardsIncomplete, "chunk size \(size)")
            }
        }
    }

    @Test func crAtChunkEndFollowedByLineFeedIsOneTerminator() throws {
        var parser = SSEParser()
        #expect(try parser.consume(Array("data: a\r".utf8)).isEmpty)
        // The \n completes the CRLF of "data: a"; it must not count as the blank line.
        #expect(try parser.consume(Array("\n".utf8)).isEmpty)
        #expect(try parser.consume(Array("\r\n".utf8)) == [SSEEvent(data: "a")])
    }

    @Test func splitMultibyteCharacterIsDecodedWhole() throws {
        let bytes = Array("data: 😀\n\n".utf8)
        // Split inside the 4-byte emoji.
        var parser = SSEParser()
        var events = try parser.consume(bytes[0..<8])
        events += try parser.consume(bytes[8...])
        #expect(events.map(\.data) == ["😀"])
    }

    @Test func invalidUTF8BecomesReplacementCharacter() throws {
        var parser = SSEParser()
        let events = try parser.consume(Array("data: a".utf8) + [0xFF] + Array("\n\n".utf8))
        #expect(events.map(\.data) == ["a\u{FFFD}"])
    }

    @Test func lineTooLongIsReportedAtEveryChunkSize() throws {
        let bytes = Array(("data: " + String(repeating: "x", count: 100) + "\n\n").utf8)
        for size in [1, 7, 50, 200] {
            var parser = SSEParser(maximumLineLength: 64)
            let error = #expect(throws: FramingError.self) {
                for chunk in chunked(bytes, size: size) { _ = try parser.consume(chunk) }
                _ = try parser.finish()
            }
            #expect(error?.code == .lineTooLong)
            // The parser stays failed.
            #expect(throws: FramingError.self) { _ = try parser.consume(Array("data: a\n\n".utf8)) }
        }
    }

    @Test func eventTooLargeIsReported() throws {
        var parser = SSEParser(maximumLineLength: 64, maximumEventSize: 100)
        let line = Array(("data: " + String(repeating: "y", count: 40) + "\n").utf8)
        let error = #expect(throws: FramingError.self) {
            for _ in 0..<5 { _ = try parser.consume(line) }
        }
        #expect(error?.code == .eventTooLarge)
    }

    @Test func doneSentinelMatchesOpenAIPrefixRule() {
        #expect(SSEEvent(data: "[DONE]").isDoneSentinel)
        #expect(SSEEvent(data: "[DONE] trailing").isDoneSentinel)
        #expect(!SSEEvent(data: " [DONE]").isDoneSentinel)
    }
}
