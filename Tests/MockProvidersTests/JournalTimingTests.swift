import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

/// Per-write timing and the sent retry headers in ``JournalEntry`` and `/__llmcheck/journal`.
@Suite("Journal write timing and sent retry headers", .timeLimit(.minutes(1)))
struct JournalTimingTests {
    static let chat = #"{"model":"gpt-4o-mini","stream":true,"max_tokens":6,"messages":[{"role":"user","content":"hi"}]}"#

    @Test func everyBodyWriteIsTimedAndAStallIsTheLongestGap() async throws {
        try await withMock(.openai, configure: {
            $0.faults = [try FaultSpec.parse("stall=after:2,for:300ms")]
        }) { server in
            let r = try await response(server, "POST", "/v1/chat/completions", json: Self.chat)
            #expect(r.status == 200)
            #expect(await eventually(timeout: .seconds(10)) { !server.journal().isEmpty })
            let entry = try #require(server.journal().first)
            #expect(entry.bodyWriteCount == entry.chunksSent, "one write per SSE event without drip")
            #expect(entry.bodyWriteOffsets.count == entry.bodyWriteCount)
            #expect(entry.bodyWriteOffsets == entry.bodyWriteOffsets.sorted(), "monotonic")
            let offsets = entry.bodyWriteOffsets
            try #require(offsets.count > 3)
            // The stall sits between write 2 and write 3; nothing may be shorter than the pause asked for.
            #expect(offsets[2] - offsets[1] >= .milliseconds(300))
            let gap = try #require(entry.longestGap)
            #expect(gap >= offsets[2] - offsets[1], "the stall is at least the longest gap")
            #expect(gap < entry.duration)
            #expect(entry.sentRetryAfter == nil && entry.sentRetryAfterDelayMilliseconds == nil)
        }
    }

    @Test func aClientThatGivesUpDuringAStallIsSilentUntilItCloses() async throws {
        try await withMock(.ollama, configure: {
            $0.faults = [try FaultSpec.parse("stall=after:1")]
        }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send(rawRequest("POST", "/api/chat", json: #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"hi"}]}"#))
            try await Task.sleep(for: .milliseconds(250))
            connection.close()
            #expect(await eventually(timeout: .seconds(10)) { !server.journal().isEmpty })
            let entry = try #require(server.journal().first)
            #expect(entry.bodyWriteCount == 1)
            let last = try #require(entry.bodyWriteOffsets.last)
            let gap = try #require(entry.longestGap)
            // The silence runs from the only write to the close the server noticed.
            #expect(gap == entry.duration - last)
            #expect(gap >= .milliseconds(200))
        }
    }

    @Test func writeTimesAreBoundedButCounted() async throws {
        // A 700-word reply streams as ~700 SSE events, well over the 512 kept times.
        try await withMock(.openai, configure: { $0.replyText = String(repeating: "word ", count: 700) }) { server in
            let json = #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}],"max_tokens":2000}"#
            let r = try await response(server, "POST", "/v1/chat/completions", json: json)
            #expect(r.status == 200)
            #expect(await eventually(timeout: .seconds(10)) { !server.journal().isEmpty })
            let entry = try #require(server.journal().first)
            #expect(entry.bodyWriteCount == entry.chunksSent)
            #expect(entry.bodyWriteCount > JournalEntry.maximumRecordedWrites, "\(entry.bodyWriteCount) writes")
            #expect(entry.bodyWriteOffsets.count == JournalEntry.maximumRecordedWrites)
        }
    }

    @Test(arguments: [
        ("status=429,retry_after=2", "2" as String?, nil as String?, 2000.0),
        ("status=429,retry_after=0.2", "1", nil, 1000.0),
        ("status=503,retry_after_ms=150", nil, "150", 150.0),
        ("status=429,retry_after=3,retry_after_ms=40", "3", "40", 40.0),
    ])
    func sentRetryHeadersAreJournaled(fault: String, seconds: String?, milliseconds: String?, delay: Double) async throws {
        try await withMock(.openai, configure: { $0.faults = [try FaultSpec.parse(fault)] }) { server in
            _ = try await response(server, "GET", "/v1/models")
            #expect(await eventually(timeout: .seconds(10)) { !server.journal().isEmpty })
            let entry = try #require(server.journal().first)
            #expect(entry.sentRetryAfter == seconds)
            #expect(entry.sentRetryAfterMilliseconds == milliseconds)
            #expect(entry.sentRetryAfterDelayMilliseconds == delay)
            #expect(entry.bodyWriteCount == 1, "an error answer is one plain body")
        }
    }

    @Test func controlEndpointExposesTheNewFields() async throws {
        try await withMock(.openai, configure: { $0.faults = [try FaultSpec.parse("status=429,retry_after_ms=25,times=1")] }) { server in
            _ = try await response(server, "GET", "/v1/models")
            _ = try await response(server, "POST", "/v1/chat/completions", json: Self.chat)
            #expect(await eventually(timeout: .seconds(10)) { server.journal().count == 2 })
            let (_, journal) = try await jsonResponse(server, "GET", "/__llmcheck/journal")
            let entries = try #require(journal["entries"]?.arrayValue)
            try #require(entries.count == 2)
            #expect(entries[0]["retry_after_ms"]?.stringValue == "25")
            #expect(entries[0]["retry_after"] == .null)
            let swift = server.journal()
            #expect(entries[1]["retry_after_ms"] == .null)
            #expect(entries[1]["body_writes"]?.intValue == swift[1].bodyWriteCount)
            let offsets = entries[1]["body_write_offsets_ns"]?.arrayValue?.compactMap(\.intValue).map { Duration.nanoseconds($0) }
            #expect(offsets == swift[1].bodyWriteOffsets)
            #expect(entries[1]["longest_gap_ns"]?.intValue.map { Duration.nanoseconds($0) } == swift[1].longestGap)
        }
    }
}
