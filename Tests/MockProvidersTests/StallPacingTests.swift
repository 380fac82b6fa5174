import HTTPWire
import MockProviders
import TestSupport
import Testing

/// After a stall the stream resumes at its configured pace instead of sending every token it
/// missed at once.
@Suite("Pace after a stall", .timeLimit(.minutes(1)))
struct StallPacingTests {
    @Test func theStreamResumesAtItsPaceAfterAStall() async throws {
        let gap = Duration.milliseconds(50)  // 20 tokens per second
        try await withMock(.openai, configure: {
            $0.physics = StreamingPhysics(tokensPerSecond: 20)
            $0.replyText = "one two three four five six seven eight"
            $0.faults = [try FaultSpec.parse("stall=after:3,for:400ms")]
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            defer { connection.close() }
            try await connection.send(rawRequest("POST", "/v1/chat/completions", json: FaultInjectionTests.openAIStream))
            _ = await connection.readUntilClose(idleTimeout: .seconds(5))
            #expect(await eventually { !server.journal().isEmpty })
            let offsets = try #require(server.journal().first?.bodyWriteOffsets)
            #expect(offsets.count >= 8)
            let gaps = zip(offsets.dropFirst(), offsets).map { $0 - $1 }
            // The stall itself: the fourth write comes ~400 ms after the third.
            let stall = try #require(gaps.dropFirst(2).first)
            #expect(stall >= .milliseconds(350))
            // The next token writes keep their spacing (they were not sent all at once).
            let after = Array(gaps.dropFirst(3).prefix(3))
            #expect(after.allSatisfy { $0 >= gap / 2 }, "gaps after the stall: \(after.map { Int($0.milliseconds) }) ms")
        }
    }
}
