import Foundation
import HTTPWire
import ProviderClient
import Testing

@Suite("Retry policy") struct RetryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func decide(_ policy: RetryPolicy = .default, code: ProviderError.Code, status: Int?, headers: HTTPHeaders = [:], retries: Int = 0, random: Double = 0) -> RetryPolicy.Decision {
        policy.decide(code: code, status: status, headers: headers, retriesTaken: retries, contentDelivered: false, now: now, random: random)
    }

    @Test func statusRules() {
        for status in [408, 409, 429, 500, 502, 503, 504] { #expect(decide(code: .serverError, status: status).shouldRetry, "\(status)") }
        for status in [400, 401, 403, 404, 422] { #expect(!decide(code: .badRequest, status: status).shouldRetry, "\(status)") }
        #expect(decide(code: .connectionRefused, status: nil).shouldRetry)
        #expect(decide(code: .headersTimeout, status: nil).shouldRetry)
        #expect(!decide(code: .tlsFailure, status: nil).shouldRetry)
        #expect(!decide(code: .cancelled, status: nil).shouldRetry)
    }

    @Test func shouldRetryHeaderOverrides() {
        #expect(decide(code: .badRequest, status: 400, headers: ["x-should-retry": "true"]).shouldRetry)
        #expect(!decide(code: .serverError, status: 500, headers: ["x-should-retry": "false"]).shouldRetry)
        #expect(decide(code: .serverError, status: 500, headers: ["x-should-retry": "TRUE"]).shouldRetry, "only exact lowercase counts; falls back to status")
    }

    @Test func backoffFormula() {
        let policy = RetryPolicy.default
        #expect(policy.backoff(retriesTaken: 0, random: 0) == 0.5)
        #expect(policy.backoff(retriesTaken: 0, random: 1) == 0.375)
        #expect(policy.backoff(retriesTaken: 1, random: 0) == 1)
        #expect(policy.backoff(retriesTaken: 2, random: 0) == 2)
        #expect(policy.backoff(retriesTaken: 5, random: 0) == 8)
        #expect(policy.backoff(retriesTaken: 9, random: 1) == 6)
    }

    @Test func retryAfterHints() {
        #expect(decide(code: .rateLimited, status: 429, headers: ["retry-after-ms": "1500"]).delay == 1.5)
        #expect(decide(code: .rateLimited, status: 429, headers: ["retry-after": "2"]).delay == 2)
        #expect(decide(code: .rateLimited, status: 429, headers: ["retry-after-ms": "0"]).delay == 0.5, "zero falls back to backoff")
        #expect(decide(code: .rateLimited, status: 429, headers: ["retry-after-ms": "250", "retry-after": "9"]).delay == 0.25)
        let date = "Tue, 14 Nov 2023 22:13:30 GMT"  // now + 10 s
        let byDate = decide(code: .rateLimited, status: 429, headers: ["retry-after": date])
        #expect(abs(byDate.delay - 10) < 0.001, "\(byDate)")
        // openai-python 3: beyond 120 s → no retry; 1.x: ≤ 60 s used, else backoff and retry.
        #expect(!decide(code: .rateLimited, status: 429, headers: ["retry-after": "300"]).shouldRetry)
        #expect(decide(code: .rateLimited, status: 429, headers: ["retry-after": "100"]).delay == 100)
        let py1 = RetryPolicy(retryAfterRule: .openAIPython1)
        let long = decide(py1, code: .rateLimited, status: 429, headers: ["retry-after": "300"])
        #expect(long.shouldRetry && long.delay == 0.5)
        #expect(decide(py1, code: .rateLimited, status: 429, headers: ["retry-after": "61"]).delay == 0.5)
        #expect(decide(py1, code: .rateLimited, status: 429, headers: ["retry-after": "60"]).delay == 60)
    }

    @Test func neverAfterContentOrBeyondBudget() {
        let policy = RetryPolicy.default
        #expect(!policy.decide(code: .serverError, status: 500, headers: [:], retriesTaken: 0, contentDelivered: true, now: now, random: 0).shouldRetry)
        #expect(!decide(code: .serverError, status: 500, retries: 2).shouldRetry)
        #expect(!decide(RetryPolicy(retriesQuotaExceeded: false), code: .quotaExceeded, status: 429).shouldRetry)
        #expect(decide(code: .quotaExceeded, status: 429).shouldRetry, "openai-python retries insufficient_quota")
    }

    // MARK: - Through the client, on a virtual clock

    @Test func clientRetriesThenSucceeds() async throws {
        let sleeper = VirtualSleeper()
        let (client, transport) = scriptedClient(
            scripts: [
                .response(status: 429, headers: ["retry-after-ms": "1500"], body: #"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#),
                .failure(.connectionRefused),
                .sse(openAIStream),
            ], sleeper: sleeper, random: 0)
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil)
        #expect(events.text == "Hello")
        #expect(transport.requests.count == 3)
        #expect(sleeper.sleeps == [1.5, 1.0])
        let attempts = try #require(events.result?.attempts)
        #expect(attempts.map(\.outcome) == ["rateLimited", "connectionRefused", "ok"])
        #expect(attempts[0].delayBeforeNext == 1.5 && attempts[0].reason?.contains("retry-after-ms") == true)
        #expect(attempts[1].reason?.contains("backoff n=1") == true)
    }

    @Test func clientGivesUpAfterTwoRetries() async {
        let sleeper = VirtualSleeper()
        let (client, transport) = scriptedClient(scripts: [.response(status: 500, body: #"{"error":"boom"}"#)], sleeper: sleeper, random: 0)
        let (_, error) = await collect(client.streamChat(chatRequest))
        #expect(error?.code == .serverError)
        #expect(error?.status == 500 && error?.attempt == 3)
        #expect(transport.requests.count == 3)
        #expect(sleeper.sleeps == [0.5, 1.0])
        #expect(client.lastAttempts().count == 3)
        #expect(client.lastAttempts().last?.reason?.contains("no retries left") == true)
    }

    @Test func clientDoesNotRetryClientErrors() async {
        let sleeper = VirtualSleeper()
        let (client, transport) = scriptedClient(scripts: [.response(status: 401, body: #"{"error":{"message":"Invalid API Key","type":"authentication_error"}}"#)], sleeper: sleeper)
        let (_, error) = await collect(client.streamChat(chatRequest))
        #expect(error?.code == .unauthorized)
        #expect(transport.requests.count == 1 && sleeper.sleeps.isEmpty)
    }

    @Test func noRetryAfterTheStreamStarted() async {
        let sleeper = VirtualSleeper()
        let broken = ScriptedTransport.Script([
            .connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"]), .body(Array(openAIStream[1].utf8)),
            .fail(TransportError(.connectionReset, "reset", receivedResponseBytes: true)),
        ])
        let (client, transport) = scriptedClient(scripts: [broken, .sse(openAIStream)], sleeper: sleeper)
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error?.code == .connectionReset)
        #expect(events.text == "Hel")
        #expect(transport.requests.count == 1)
    }
}
