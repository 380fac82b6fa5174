import HTTPWire
import Reporting
import Testing
import MockProviders
@testable import ScenarioRunner

@Suite("Verdict engine on synthetic journals")
struct VerdictEngineTests {
    let engine = VerdictEngine()
    /// The instant `n` milliseconds after the clock's origin.
    func ms(_ n: UInt64) -> MonotonicInstant { MonotonicInstant(nanoseconds: n * 1_000_000) }

    func exchange(
        _ attempt: Int, at start: UInt64, ends end: UInt64, status: Int? = 200, retryAfter: Double? = nil,
        server: String = "main", path: String = "/v1/chat/completions", faults: [ObservedExchange.FaultEffect] = [],
        silence: Double? = nil, chunks: Int = 10, ending: ObservedExchange.Ending = .completed, credential: String? = nil,
        request: String? = "s0.r0"
    ) -> ObservedExchange {
        ObservedExchange(
            server: server, sequence: attempt, path: path, requestID: request, attemptNumber: request == nil ? nil : attempt,
            credential: credential, receivedAt: ms(start), endedAt: ms(end), status: status, retryAfterMilliseconds: retryAfter,
            faults: faults, longestSilenceMilliseconds: silence, chunksSent: chunks, ending: ending
        )
    }

    func ids(_ exchanges: [ObservedExchange], step: Scenario.Step = Scenario.Step(name: "s", operation: .chat), client: Scenario.Client = Scenario.Client(), outcome: RequestOutcome.Kind = .success, chunks: Int = 10) -> Set<String> {
        let outcome = RequestOutcome(requestID: "s0.r0", kind: outcome, errorCode: outcome == .error ? "rateLimited" : nil, chunks: chunks)
        return Set(engine.judge(exchanges: exchanges, step: step, client: client, outcomes: [outcome]).map(\.id))
    }

    // MARK: - retry-after-ignored

    @Test func retryAfterIgnoredFiresWhenRetriedTooSoon() {
        let j = [exchange(1, at: 0, ends: 1, status: 429, retryAfter: 200), exchange(2, at: 30, ends: 40)]
        #expect(ids(j).contains("retry-after-ignored"))
    }

    @Test func retryAfterHonouredIsFine() {
        let j = [exchange(1, at: 0, ends: 1, status: 429, retryAfter: 200), exchange(2, at: 200, ends: 210)]
        #expect(ids(j).isEmpty)
    }

    @Test func retryAfterBeyondTheCapIsNotJudged() {
        var client = Scenario.Client()
        client.retry.maxRetryAfterMilliseconds = 100
        let j = [exchange(1, at: 0, ends: 1, status: 429, retryAfter: 5000), exchange(2, at: 30, ends: 40)]
        #expect(!ids(j, client: client).contains("retry-after-ignored"))
    }

    // MARK: - non-retryable-retried

    @Test(arguments: [400, 401, 403, 404, 422])
    func nonRetryableRetriedFires(status: Int) {
        let j = [exchange(1, at: 0, ends: 1, status: status), exchange(2, at: 50, ends: 51, status: status)]
        #expect(ids(j, outcome: .error).contains("non-retryable-retried"))
    }

    @Test func failoverAfter401ToAnotherServerIsNotARetry() {
        let j = [exchange(1, at: 0, ends: 1, status: 401, server: "a"), exchange(2, at: 50, ends: 51, server: "b")]
        #expect(!ids(j, step: Scenario.Step(name: "s", operation: .failoverChat)).contains("non-retryable-retried"))
    }

    @Test func singleNonRetryableAttemptIsFine() {
        #expect(ids([exchange(1, at: 0, ends: 1, status: 404)], outcome: .error).isEmpty)
    }

    // MARK: - no-backoff, retry-storm

    @Test func noBackoffFiresWithoutBackoff() {
        let j = [exchange(1, at: 0, ends: 1, status: 500), exchange(2, at: 1, ends: 2, status: 500), exchange(3, at: 2, ends: 3, status: 500)]
        #expect(ids(j, outcome: .error).contains("no-backoff"))
        #expect(!ids(j, outcome: .error).contains("retry-storm"))
    }

    @Test func retryStormFiresBeyondThePolicy() {
        var j: [ObservedExchange] = []
        for n in 0..<5 {
            let start = UInt64(n) * 50
            j.append(exchange(n + 1, at: start, ends: start + 1, status: 500))
        }
        #expect(ids(j, outcome: .error).contains("retry-storm"))
    }

    @Test func duplicateAfterSuccessFires() {
        let j = [exchange(1, at: 0, ends: 1, status: 200), exchange(2, at: 30, ends: 31, status: 200)]
        #expect(ids(j, outcome: .success).contains("duplicate-after-success"))
        #expect(!ids([exchange(1, at: 0, ends: 1, status: 200)], outcome: .success).contains("duplicate-after-success"))
    }

    @Test func withoutIdsADifferentBodyIsADifferentRequest() {
        func plain(_ n: Int, at start: UInt64, body: UInt64) -> ObservedExchange {
            ObservedExchange(server: "main", sequence: n, path: "/v1/chat/completions", bodyFingerprint: body,
                             receivedAt: ms(start), endedAt: ms(start + 1), status: 200)
        }
        let twoQuestions = [plain(1, at: 0, body: 1), plain(2, at: 30, body: 2)]
        #expect(!ids(twoQuestions).contains("duplicate-after-success"))
        let sameTwice = [plain(1, at: 0, body: 1), plain(2, at: 30, body: 1)]
        #expect(ids(sameTwice).contains("duplicate-after-success"))
    }

    @Test func keptReadingAfterFailureFires() {
        // The client reported failure at 100 ms but the mock wrote the stream to its end until 900 ms.
        var failed = RequestOutcome(requestID: "s0.r0", kind: .error, errorCode: "idleTimeout")
        failed.timing = RequestOutcome.Timing(send: ms(0), end: ms(100))
        let late = [exchange(1, at: 0, ends: 900, status: 200)]
        #expect(engine.judge(exchanges: late, step: Scenario.Step(name: "s", operation: .chat), client: Scenario.Client(), outcomes: [failed]).map(\.id).contains("kept-reading-after-failure"))
        let closed = [exchange(1, at: 0, ends: 110, status: 200, ending: .clientClosed(chunks: 2))]
        #expect(engine.judge(exchanges: closed, step: Scenario.Step(name: "s", operation: .chat), client: Scenario.Client(), outcomes: [failed]).isEmpty)
    }

    @Test func llmockAliasesNameOurFindings() {
        #expect(FindingCatalog.canonicalID("retry_after_ignored") == "retry-after-ignored")
        #expect(FindingCatalog.canonicalID("retried_non_retryable") == "non-retryable-retried")
        #expect(FindingCatalog.canonicalID("no_read_timeout") == "no-idle-timeout")
        #expect(FindingCatalog.canonicalID("gave_up") == "gave-up-early")
        #expect(FindingCatalog.canonicalID("made_up_code") == nil)
    }

    @Test func backoffIsFine() {
        let j = [exchange(1, at: 0, ends: 1, status: 500), exchange(2, at: 20, ends: 21, status: 500), exchange(3, at: 60, ends: 61, status: 500)]
        #expect(ids(j, outcome: .error).isEmpty)
    }

    // MARK: - gave-up-early

    @Test func gaveUpEarlyFiresWhenRetriesRemain() {
        let j = [exchange(1, at: 0, ends: 1, status: 503)]
        #expect(ids(j, outcome: .error) == ["gave-up-early"])
    }

    @Test func usingEveryRetryIsNotGivingUp() {
        let j = [exchange(1, at: 0, ends: 1, status: 503), exchange(2, at: 20, ends: 21, status: 503), exchange(3, at: 60, ends: 61, status: 503)]
        #expect(ids(j, outcome: .error).isEmpty)
    }

    @Test func givingUpOnATooLongRetryAfterIsCorrect() {
        var client = Scenario.Client()
        client.retry.maxRetryAfterMilliseconds = 100
        #expect(ids([exchange(1, at: 0, ends: 1, status: 429, retryAfter: 60_000)], client: client, outcome: .error).isEmpty)
    }

    // MARK: - streams

    @Test func truncatedStreamAcceptedFires() {
        let j = [exchange(1, at: 0, ends: 5, faults: [.truncate], chunks: 3, ending: .serverClosed(chunks: 3))]
        #expect(ids(j, outcome: .success) == ["truncated-stream-accepted"])
        #expect(ids(j, outcome: .error).isEmpty)
    }

    @Test func resetMidStreamAcceptedFires() {
        let j = [exchange(1, at: 0, ends: 5, faults: [.reset], chunks: 3, ending: .reset(chunks: 3))]
        #expect(ids(j, outcome: .success).contains("truncated-stream-accepted"))
    }

    @Test func resetBeforeTheHeadIsNotATruncatedStream() {
        let j = [exchange(1, at: 0, ends: 1, status: nil, faults: [.reset], chunks: 0, ending: .reset(chunks: 0)), exchange(2, at: 30, ends: 40)]
        #expect(!ids(j, outcome: .success).contains("truncated-stream-accepted"))
    }

    @Test func onlyTheServingProviderIsJudgedForAcceptedStreams() {
        let step = Scenario.Step(name: "s", operation: .failoverChat)
        let j = [
            exchange(1, at: 0, ends: 5, server: "a", faults: [.truncate], chunks: 0, ending: .serverClosed(chunks: 0)),
            exchange(1, at: 10, ends: 20, server: "b", path: "/api/chat"),
        ]
        var outcome = RequestOutcome(requestID: "s0.r0", kind: .success, chunks: 10)
        outcome.servedBy = "b"
        let found = engine.judge(exchanges: j, step: step, client: Scenario.Client(), outcomes: [outcome]).map(\.id)
        #expect(!found.contains("truncated-stream-accepted"))
        outcome.servedBy = "a"
        let blamed = engine.judge(exchanges: j, step: step, client: Scenario.Client(), outcomes: [outcome]).map(\.id)
        #expect(blamed.contains("truncated-stream-accepted"))
    }

    @Test func malformedChunkIgnoredFires() {
        let j = [exchange(1, at: 0, ends: 5, faults: [.malformed])]
        #expect(ids(j, outcome: .success) == ["malformed-chunk-ignored"])
        #expect(ids(j, outcome: .error).isEmpty)
    }

    @Test func noIdleTimeoutFiresOnLongSilence() {
        var client = Scenario.Client()
        client.timeouts.idleMilliseconds = 100
        #expect(ids([exchange(1, at: 0, ends: 900, faults: [.stall], silence: 800)], client: client).contains("no-idle-timeout"))
        #expect(ids([exchange(1, at: 0, ends: 120, faults: [.stall], silence: 110, ending: .clientClosed(chunks: 2))], client: client, outcome: .error).isEmpty)
    }

    @Test func cancelledStreamKeptReadingFires() {
        let step = Scenario.Step(name: "s", operation: .chat, cancelAfterChunks: 3)
        #expect(ids([exchange(1, at: 0, ends: 100, chunks: 40, ending: .completed)], step: step, outcome: .cancelled) == ["cancelled-stream-kept-reading"])
        #expect(ids([exchange(1, at: 0, ends: 100, chunks: 5, ending: .clientClosed(chunks: 5))], step: step, outcome: .cancelled).isEmpty)
        // Late but not read to the end (a loaded machine): tolerated up to N + 20.
        #expect(ids([exchange(1, at: 0, ends: 100, chunks: 12, ending: .clientClosed(chunks: 12))], step: step, outcome: .cancelled).isEmpty)
        #expect(ids([exchange(1, at: 0, ends: 100, chunks: 30, ending: .clientClosed(chunks: 30))], step: step, outcome: .cancelled) == ["cancelled-stream-kept-reading"])
    }

    // MARK: - secret-to-wrong-host

    @Test func secretToWrongHostFiresOnLeakedKey() {
        let client = Scenario.Client(providers: [
            Scenario.Provider(server: "a", apiKey: "sk-primary-key-000000001111"),
            Scenario.Provider(server: "b", apiKey: "sk-backup-key-0000000002222"),
        ])
        let step = Scenario.Step(name: "s", operation: .failoverChat)
        let leaked = [
            exchange(1, at: 0, ends: 1, status: 503, server: "a", credential: "Bearer …1111"),
            exchange(2, at: 30, ends: 31, server: "b", credential: "Bearer …1111"),
        ]
        #expect(ids(leaked, step: step, client: client).contains("secret-to-wrong-host"))
        let clean = [
            exchange(1, at: 0, ends: 1, status: 503, server: "a", credential: "Bearer …1111"),
            exchange(2, at: 30, ends: 31, server: "b", credential: "Bearer …2222"),
        ]
        #expect(ids(clean, step: step, client: client).isEmpty)
    }

    @Test func maskMatching() {
        #expect(SecretMasking.matches(masked: "Bearer …1111", secret: "sk-primary-key-000000001111"))
        #expect(SecretMasking.matches(masked: "…1111", secret: "sk-primary-key-000000001111"))
        #expect(!SecretMasking.matches(masked: "Bearer …2222", secret: "sk-primary-key-000000001111"))
        #expect(!SecretMasking.matches(masked: "***", secret: "sk-primary-key-000000001111"))
        #expect(SecretMasking.maskHeaderValue("sk-primary-key-000000001111") == "…1111")
    }

    // MARK: - linking

    @Test func attemptsWithoutHarnessHeadersAreLinkedByServerAndPath() {
        // Discovery-like probes of different paths are not retries of each other.
        let probes = [
            exchange(1, at: 0, ends: 1, status: 404, path: "/api/version", request: nil),
            exchange(2, at: 1, ends: 2, status: 404, path: "/api/v0/models", request: nil),
            exchange(3, at: 2, ends: 3, status: 200, path: "/v1/models", request: nil),
        ]
        #expect(ids(probes, step: Scenario.Step(name: "s", operation: .discover)).isEmpty)
        let retried = [exchange(1, at: 0, ends: 1, status: 401, request: nil), exchange(2, at: 1, ends: 2, status: 401, request: nil)]
        #expect(ids(retried, outcome: .error).contains("non-retryable-retried"))
    }

    @Test func everyFindingHasAdvice() {
        for entry in FindingCatalog.all {
            #expect(!entry.advice.isEmpty)
            #expect(!entry.summary.isEmpty)
        }
        #expect(Set(FindingCatalog.allIDs).count == FindingCatalog.all.count)
    }
}
