import Foundation
import HTTPWire
import MockProviders
import Reporting
import TestSupport
import Testing
@testable import ScenarioRunner

/// The runner's use of what the mock measured and sent (write timing, Retry-After headers, attempt header),
/// and the final attempt's end in request traces.
@Suite("Verdicts from measured journal fields", .timeLimit(.minutes(1)))
struct JournalMeasurementTests {
    /// The instant `n` milliseconds after the clock's origin.
    func ms(_ n: UInt64) -> MonotonicInstant { MonotonicInstant(nanoseconds: n * 1_000_000) }

    /// Sends one raw request to a fresh mock with `fault`, and returns its journal entry in the verdicts' form.
    func observe(
        _ provider: MockProviderKind, fault: String, _ method: String, _ target: String, json: String? = nil, closeAfter: Duration? = nil
    ) async throws -> (JournalEntry, ObservedExchange) {
        let configuration = MockConfiguration(provider: provider, seed: 5, physics: .instant, faults: [try FaultSpec.parse(fault)])
        return try await withMockProviderServer(configuration) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-LLMCheck-Scenario: t.s\r\n"
            text += "X-LLMCheck-Request: s0.r0\r\nX-LLMCheck-Attempt: 1\r\n"
            if let json { text += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)" } else { text += "\r\n" }
            try await connection.send(text)
            if let closeAfter {
                try await Task.sleep(for: closeAfter)
                connection.close()
            } else {
                _ = await connection.readUntilClose(idleTimeout: .seconds(5))
            }
            #expect(await eventually(timeout: .seconds(10)) { !server.journal().isEmpty })
            let entry = try #require(server.journal().first)
            return (entry, MockProvidersEnvironment.observed(entry, server: "main"))
        }
    }

    static let chat = #"{"model":"gpt-4o-mini","stream":true,"max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"#

    @Test func silenceIsTheMeasuredLongestGap() async throws {
        let (entry, observed) = try await observe(.openai, fault: "stall=after:3,for:250ms", "POST", "/v1/chat/completions", json: Self.chat)
        let gap = try #require(entry.longestGap)
        #expect(observed.longestSilenceMilliseconds == gap.milliseconds)
        #expect(try #require(observed.longestSilenceMilliseconds) >= 250)
        #expect(observed.scenarioID == "t.s" && observed.requestID == "s0.r0" && observed.attemptNumber == 1)
        var client = Scenario.Client()
        client.timeouts.idleMilliseconds = 100
        let outcome = RequestOutcome(requestID: "s0.r0", kind: .success, chunks: 8)
        let findings = VerdictEngine().judge(exchanges: [observed], step: Scenario.Step(name: "s", operation: .chat), client: client, outcomes: [outcome])
        #expect(findings.map(\.id).contains("no-idle-timeout"))
        client.timeouts.idleMilliseconds = 1000
        let tolerant = VerdictEngine().judge(exchanges: [observed], step: Scenario.Step(name: "s", operation: .chat), client: client, outcomes: [outcome])
        #expect(!tolerant.map(\.id).contains("no-idle-timeout"))
    }

    @Test func aClientThatLeavesDuringAStallWasSilentOnlyUntilItLeft() async throws {
        let (entry, observed) = try await observe(.ollama, fault: "stall=after:1", "POST", "/api/chat",
            json: #"{"model":"llama3.2:3b","messages":[{"role":"user","content":"hi"}]}"#, closeAfter: .milliseconds(150))
        let silence = try #require(observed.longestSilenceMilliseconds)
        #expect(silence >= 100)
        #expect(silence <= entry.duration.milliseconds)
    }

    @Test func noSilenceWithoutAHead() async throws {
        let (_, observed) = try await observe(.openai, fault: "rst=headers", "GET", "/v1/models")
        #expect(observed.longestSilenceMilliseconds == nil)
        #expect(observed.status == nil)
    }

    @Test(arguments: [
        ("status=429,retry_after=2", 2000.0),
        ("status=429,retry_after=0.3", 1000.0),  // the mock rounds seconds up on the wire
        ("status=503,retry_after_ms=120", 120.0),
    ])
    func retryAfterIsTheSentHeader(fault: String, expected: Double) async throws {
        let (entry, observed) = try await observe(.openai, fault: fault, "GET", "/v1/models")
        #expect(observed.retryAfterMilliseconds == expected)
        #expect(observed.retryAfterMilliseconds == entry.sentRetryAfterDelayMilliseconds)
        #expect(observed.faults == [.errorStatus])
    }

    @Test func noRetryAfterWhenNoneWasSent() async throws {
        let (_, observed) = try await observe(.openai, fault: "status=500", "GET", "/v1/models")
        #expect(observed.retryAfterMilliseconds == nil)
    }

    // MARK: - Linking

    func exchange(_ attempt: Int?, at start: UInt64, ends end: UInt64, status: Int, scenario: String = "sc") -> ObservedExchange {
        ObservedExchange(
            server: "main", sequence: Int(start), path: "/v1/chat/completions", scenarioID: scenario, requestID: "s0.r0",
            attemptNumber: attempt, receivedAt: ms(start), endedAt: ms(end), status: status
        )
    }

    @Test func attemptsAreOrderedByTheirNumberNotArrival() {
        // Attempt 2 journaled with an earlier receipt time than attempt 3 but listed after it.
        let list = [exchange(3, at: 400, ends: 410, status: 200), exchange(1, at: 0, ends: 1, status: 500), exchange(2, at: 200, ends: 201, status: 500)]
        let groups = VerdictEngine.groups(list, singleRequest: true, fallbackID: "s0.r0")
        #expect(groups.count == 1)
        #expect(groups.first?.1.compactMap(\.attemptNumber) == [1, 2, 3])
    }

    @Test func theSameRequestIDInTwoScenariosIsTwoRequests() {
        // Two scenarios sharing a server (same request id s0.r0): their first attempts are not retries of each other.
        let list = [exchange(1, at: 0, ends: 1, status: 500, scenario: "a"), exchange(1, at: 2, ends: 3, status: 500, scenario: "b")]
        let groups = VerdictEngine.groups(list, singleRequest: false, fallbackID: nil)
        #expect(groups.count == 2)
        let outcome = RequestOutcome(requestID: "s0.r0", kind: .error, errorCode: "serverError")
        var client = Scenario.Client()
        client.retry.maxRetries = 0
        let ids = VerdictEngine().judge(exchanges: list, step: Scenario.Step(name: "s", operation: .chat), client: client, outcomes: [outcome]).map(\.id)
        #expect(!ids.contains("no-backoff"))
    }

    @Test func withoutAttemptHeadersArrivalOrderIsTheFallback() {
        let list = [exchange(nil, at: 300, ends: 301, status: 200), exchange(nil, at: 0, ends: 1, status: 500)]
        let group = VerdictEngine.groups(list, singleRequest: true, fallbackID: "s0.r0").first?.1 ?? []
        #expect(group.map(\.status) == [500, 200])
    }

    @Test func anIdleTimeoutTheServerNoticedLateIsNotAMissingTimeout() {
        var client = Scenario.Client()
        client.timeouts.idleMilliseconds = 150
        let step = Scenario.Step(name: "s", operation: .chat)
        func judged(attempt: Int?, clientCode: String?) -> [String] {
            let e = ObservedExchange(
                server: "main", sequence: 1, path: "/v1/chat/completions", scenarioID: "sc", requestID: "s0.r0", attemptNumber: attempt,
                receivedAt: ms(0), endedAt: ms(360), status: 200, faults: [.stall], longestSilenceMilliseconds: 350, ending: .clientClosed(chunks: 0))
            let outcome = RequestOutcome(requestID: "s0.r0", kind: .error, errorCode: "idleTimeout", attempts: [
                RequestOutcome.Attempt(number: 1, server: "main", startedAt: ms(0), endedAt: ms(5), status: 200, errorCode: clientCode),
            ])
            return VerdictEngine().judge(exchanges: [e], step: step, client: client, outcomes: [outcome]).map(\.id)
        }
        // The linked attempt timed out on the client's side: it has an idle timeout, the overrun is latency.
        #expect(!judged(attempt: 1, clientCode: "idleTimeout").contains("no-idle-timeout"))
        // It ended otherwise, or cannot be linked without the attempt header: the silence is judged.
        #expect(judged(attempt: 1, clientCode: nil).contains("no-idle-timeout"))
        #expect(judged(attempt: 1, clientCode: "connectionReset").contains("no-idle-timeout"))
        #expect(judged(attempt: nil, clientCode: "idleTimeout").contains("no-idle-timeout"))
    }

    @Test func aStreamThatFailsAfterItsHeadFailsItsFinalAttempt() {
        var attempts = [
            RequestOutcome.Attempt(number: 1, server: "a", startedAt: ms(0), status: 503, errorCode: "serverError"),
            RequestOutcome.Attempt(number: 2, server: "a", startedAt: MonotonicInstant(nanoseconds: 1), status: 200),
        ]
        ProviderClientDriver.markFinalAttempt(&attempts, failedWith: "idleTimeout")
        #expect(attempts.map(\.errorCode) == ["serverError", "idleTimeout"])
        ProviderClientDriver.markFinalAttempt(&attempts, failedWith: "truncatedStream")
        #expect(attempts.last?.errorCode == "idleTimeout", "an attempt's own failure is kept")
    }

    // MARK: - Final attempt end

    @Test func finalAttemptEndsAtTheStreamEnd() {
        var outcome = RequestOutcome(requestID: "s0.r0", kind: .success, attempts: [
            RequestOutcome.Attempt(number: 1, server: "main", startedAt: ms(10), endedAt: ms(11), status: 500, errorCode: "serverError"),
            RequestOutcome.Attempt(number: 2, server: "main", startedAt: ms(20), endedAt: ms(25), status: 200),
        ])
        outcome.timing = RequestOutcome.Timing(send: ms(20), headers: ms(25), end: ms(90))
        #expect(ScenarioRecord.finalAttemptEnd(outcome, exchanges: []) == ms(90))
        // No stream end from the client (the stream broke): the journal's exchange for that attempt.
        outcome.timing = nil
        let journal = [exchange(1, at: 10, ends: 11, status: 500), exchange(2, at: 20, ends: 70, status: 200)]
        #expect(ScenarioRecord.finalAttemptEnd(outcome, exchanges: journal) == ms(70))
        // A failed final attempt keeps its own end.
        outcome.attempts[1].status = 503
        outcome.attempts[1].errorCode = "serverError"
        #expect(ScenarioRecord.finalAttemptEnd(outcome, exchanges: journal) == nil)
    }

    @Test func realClientRunNumbersAttemptsAndDrawsTheLastOneToTheEnd() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("real.json", """
            {"id": "fu.real", "description": "real client retries a 500", "tags": ["real"],
             "servers": [{"name": "main", "personality": "openai", "faults": [{"status": 500, "times": 1}],
                          "generation": {"ttft_ms": 5, "tps": 400}}],
             "steps": [{"operation": "chat", "expect": {"attempts": 2, "status": 200}}]}
            """)
        let run = ConformanceRun(configuration: ConformanceRun.Configuration(paths: [dir.path], options: SuiteRunner.Options(jobs: 1, seed: 3)))
        let result = try #require(try await run.execute().report.results.first)
        let transcript = result.transcript ?? ""
        #expect(result.outcome.status == .passed, "\(transcript)")
        #expect(transcript.contains("attempt=1") && transcript.contains("attempt=2"), "\(transcript)")
        let trace = try #require(result.requests.first)
        let last = try #require(trace.attempts.last)
        let end = try #require(trace.tEndNs)
        #expect(trace.attempts.count == 2)
        #expect(last.endNs == end, "the accepted attempt lasts until the stream end")
        #expect(end > (trace.tHeadersNs ?? 0))
    }
}
