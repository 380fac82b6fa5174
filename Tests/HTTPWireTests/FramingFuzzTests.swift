import HTTPWire
import Testing

/// A small deterministic generator (SplitMix64) so fuzz runs are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Framer fuzzing") struct FramingFuzzTests {
    /// Bytes biased towards the characters framers care about.
    static func randomBytes(count: Int, using rng: inout SeededGenerator) -> [UInt8] {
        let alphabet: [UInt8] = Array("data: event:id:retry:[DONE]{}\"\r\n\n\n:".utf8) + [0, 0xEF, 0xBB, 0xBF, 0xF0, 0x9F, 0xFF]
        return (0..<count).map { _ in
            Bool.random(using: &rng) ? alphabet.randomElement(using: &rng) ?? 0 : UInt8.random(in: 0...255, using: &rng)
        }
    }

    @Test func randomInputNeverCrashesAndIsSplitInvariant() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        for iteration in 0..<300 {
            let bytes = Self.randomBytes(count: Int.random(in: 0...400, using: &rng), using: &rng)
            var whole = SSEParser(maximumLineLength: 256, maximumEventSize: 1024)
            let reference: [SSEEvent]? = try? whole.consume(bytes) + whole.finish()
            var split = SSEParser(maximumLineLength: 256, maximumEventSize: 1024)
            let size = Int.random(in: 1...17, using: &rng)
            var events: [SSEEvent] = []
            var failed = false
            do {
                for chunk in chunked(bytes, size: size) { events += try split.consume(chunk) }
                events += try split.finish()
            } catch {
                failed = true
            }
            if let reference {
                #expect(!failed && events == reference, "iteration \(iteration)")
            }
            var framer = NDJSONFramer(maximumLineLength: 256)
            var lines: [[UInt8]] = []
            do {
                for chunk in chunked(bytes, size: size) { lines += try framer.consume(chunk) }
                lines += try framer.finish()
            } catch {}
            #expect(lines.allSatisfy { !$0.isEmpty && !$0.contains(0x0A) && $0.count <= 256 })
            for line in lines { _ = try? JSONValue.parse(line) }
        }
    }

    @Test func memoryStaysBoundedForAnEndlessLine() {
        var parser = SSEParser(maximumLineLength: 4096)
        var failedAt: Int?
        for round in 0..<1000 {
            do { _ = try parser.consume([UInt8](repeating: 0x61, count: 1000)) } catch {
                failedAt = round
                break
            }
        }
        #expect(failedAt == 4)
    }
}
