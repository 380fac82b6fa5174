import HTTPWire
import Testing

struct NDJSONFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var expected: [String]
    var blanks = 0
    var unterminated = false
    var testDescription: String { name }

    static let all: [NDJSONFixture] = [
        .init(name: "ollama lines", text: "{\"a\":1}\n{\"b\":2}\n", expected: ["{\"a\":1}", "{\"b\":2}"]),
        .init(name: "CRLF", text: "{\"a\":1}\r\n{\"b\":2}\r\n", expected: ["{\"a\":1}", "{\"b\":2}"]),
        .init(name: "missing final newline", text: "{\"a\":1}\n{\"b\":2}", expected: ["{\"a\":1}", "{\"b\":2}"], unterminated: true),
        .init(name: "blank lines skipped", text: "\n{\"a\":1}\n\r\n\n{\"b\":2}\n", expected: ["{\"a\":1}", "{\"b\":2}"], blanks: 3),
        .init(name: "multibyte", text: "{\"c\":\"héllo 😀\"}\n", expected: ["{\"c\":\"héllo 😀\"}"]),
        .init(name: "empty", text: "", expected: []),
        .init(name: "only a CR", text: "\r", expected: []),
    ]
}

@Suite("NDJSON framer") struct FramingNDJSONTests {
    @Test(arguments: NDJSONFixture.all)
    func everyChunkSizeGivesTheSameLines(fixture: NDJSONFixture) throws {
        let bytes = Array(fixture.text.utf8)
        for size in 1...max(1, bytes.count) {
            for withEmpty in [false, true] {
                var framer = NDJSONFramer()
                var lines: [[UInt8]] = []
                for chunk in chunked(bytes, size: size, insertingEmpty: withEmpty) { lines += try framer.consume(chunk) }
                lines += try framer.finish()
                #expect(lines.map { String(decoding: $0, as: UTF8.self) } == fixture.expected, "chunk size \(size)")
                #expect(framer.blankLineCount == fixture.blanks, "chunk size \(size)")
                #expect(framer.finalLineWasUnterminated == fixture.unterminated, "chunk size \(size)")
            }
        }
    }

    @Test func linesParseAsJSON() throws {
        var framer = NDJSONFramer()
        let lines = try framer.consume(Array("{\"message\":{\"content\":\"x\"},\"done\":false}\n".utf8))
        let value = try JSONValue.parse(try #require(lines.first))
        #expect(value["message"]?["content"]?.stringValue == "x")
    }

    @Test func lineTooLongIsReported() {
        let bytes = Array((String(repeating: "x", count: 100) + "\n").utf8)
        for size in [1, 9, 101] {
            var framer = NDJSONFramer(maximumLineLength: 32)
            let error = #expect(throws: FramingError.self) {
                for chunk in chunked(bytes, size: size) { _ = try framer.consume(chunk) }
            }
            #expect(error?.code == .lineTooLong, "chunk size \(size)")
        }
    }
}
