import HTTPWire
import Testing

/// Seeded, bounded chunk-boundary fuzzing of the SSE and NDJSON framers with generated *valid*
/// streams (mixed line endings, comments, multi-line data, multibyte text, a BOM): the events
/// must be exactly the generated ones, however the bytes are split.
@Suite("Framer chunk boundaries") struct FramingBoundaryFuzzTests {
    static let words = ["hello", "wörld", "日本", "🙂", "[DONE]x", "a:b", " lead", "{\"k\":1}", ""]

    static func pieces(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            let size = Int.random(in: 1...max(1, min(23, bytes.count - start)), using: &rng)
            out.append(bytes[start..<start + size])
            start += size
        }
        return out
    }

    @Test func sseEventsSurviveEverySplit() throws {
        var rng = SeededGenerator(seed: 0x55E)
        for iteration in 0..<400 {
            var text = Bool.random(using: &rng) ? "\u{FEFF}" : ""
            var expected: [SSEEvent] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let eol = ["\n", "\r\n", "\r"].randomElement(using: &rng)!
                if Bool.random(using: &rng) { text += ": keep-alive\(eol)" }
                let lines = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.words.randomElement(using: &rng)! }
                let type = Bool.random(using: &rng) ? "delta" : nil
                if let type { text += "event: \(type)\(eol)" }
                var values: [String] = []
                for line in lines {
                    let spaced = Bool.random(using: &rng)
                    text += (spaced ? "data: " : "data:") + line + eol
                    // Exactly one space after the colon is dropped.
                    values.append(!spaced && line.hasPrefix(" ") ? String(line.dropFirst()) : line)
                }
                text += eol
                expected.append(SSEEvent(type: type ?? "message", data: values.joined(separator: "\n")))
            }
            let bytes = Array(text.utf8)
            var parser = SSEParser()
            var events: [SSEEvent] = []
            for piece in Self.pieces(bytes, using: &rng) { events += try parser.consume(Array(piece)) }
            events += try parser.finish()
            #expect(events == expected, "iteration \(iteration): \(text.debugDescription)")
        }
    }

    @Test func ndjsonLinesSurviveEverySplit() throws {
        var rng = SeededGenerator(seed: 0x4D5)
        for iteration in 0..<400 {
            var text = ""
            var expected: [[UInt8]] = []
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let line = #"{"message":{"content":"\#(Self.words.randomElement(using: &rng)!)"},"done":false}"#
                text += line + (Bool.random(using: &rng) ? "\r\n" : "\n")
                if Int.random(in: 0..<5, using: &rng) == 0 { text += "\n" }  // blank lines are skipped
                expected.append(Array(line.utf8))
            }
            let bytes = Array(text.utf8)
            var framer = NDJSONFramer()
            var lines: [[UInt8]] = []
            for piece in Self.pieces(bytes, using: &rng) { lines += try framer.consume(Array(piece)) }
            lines += try framer.finish()
            #expect(lines == expected, "iteration \(iteration): \(text.debugDescription)")
        }
    }
}
