import Foundation
import Reporting

/// Deterministic, realistic run reports for the Reporting tests (and for eyeballing `report.html`).
enum SampleReport {
    /// SplitMix64: tiny seeded generator so samples are the same on every run and platform.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// Roughly log-normal around `median`.
        mutating func latency(median: Double, spread: Double = 0.35) -> Double {
            let u1 = max(unit(), 1e-12)
            let u2 = unit()
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return median * exp(spread * normal)
        }
    }

    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// A streaming request with `tokens` content chunks.
    static func streamingRequest(
        scenario: String, id: String, provider: String, model: String, endpoint: String,
        ttftMs: Double, gapMs: Double, tokens: Int, rng: inout Generator, startNs: Int64 = 0,
        attempts: [AttemptTrace] = [], status: Int = 200, error: TraceError? = nil
    ) -> RequestTrace {
        let send = attempts.last?.startNs ?? startNs
        let first = send + Int64(ttftMs * 1e6)
        var gaps: [Double] = []
        for _ in 0..<max(0, tokens - 1) { gaps.append(rng.latency(median: gapMs, spread: 0.25)) }
        let last = first + Int64(gaps.reduce(0, +) * 1e6)
        let end = last + 400_000
        var allAttempts = attempts
        if allAttempts.isEmpty { allAttempts = [AttemptTrace(attempt: 1, startNs: send, endNs: end, status: status)] }
        return RequestTrace(
            scenarioID: scenario, requestID: id, attempt: allAttempts.count, provider: provider, model: model, endpoint: endpoint,
            status: status, tSendNs: send, tHeadersNs: send + Int64(ttftMs * 0.6e6), tFirstChunkNs: first - 300_000,
            tFirstTokenNs: first, tLastTokenNs: last, tEndNs: end, chunkGapsMs: gaps, outputTokens: tokens,
            tokenSource: provider == "ollama" ? .serverUsage : (provider == "lmstudio" ? .tokenizerEstimate : .serverUsage),
            chunksCount: tokens,
            providerTimings: provider == "ollama" ? ["load_duration_ns": 1.2e6, "eval_count": Double(tokens), "eval_duration_ns": gaps.reduce(0, +) * 1e6] : [:],
            error: error, attempts: allAttempts)
    }

    /// A run of about 30 scenarios across three providers with passes, failures, errors and skips.
    static func make(seed: UInt64 = 42, shard: ShardInfo? = nil, scenarioFilter: ((String) -> Bool)? = nil, ttftScale: Double = 1) -> RunReport {
        var rng = Generator(state: seed)
        var results: [ScenarioResult] = []
        let providers: [(String, String, String)] = [
            ("ollama", "llama3.2:1b", "/api/chat"), ("lmstudio", "qwen2.5-0.5b-instruct", "/v1/chat/completions"),
            ("openai", "gpt-4o-mini", "/v1/chat/completions"),
        ]
        let capabilities = ["chat-stream", "chat", "tools", "models", "errors"]
        for (provider, model, endpoint) in providers {
            for capability in capabilities {
                for n in 1...2 {
                    let id = "\(provider).\(capability).case-\(n)"
                    var requests: [RequestTrace] = []
                    let count = capability == "models" ? 1 : 3
                    var t: Int64 = 0
                    for r in 1...count {
                        let request = streamingRequest(
                            scenario: id, id: "r\(r)", provider: provider, model: model, endpoint: endpoint,
                            ttftMs: rng.latency(median: (provider == "ollama" ? 180 : 95) * ttftScale), gapMs: provider == "openai" ? 22 : 14,
                            tokens: capability == "models" ? 1 : 8 + Int(rng.unit() * 40), rng: &rng, startNs: t)
                        t = (request.tEndNs ?? t) + 2_000_000
                        requests.append(request)
                    }
                    let duration = Double(t) / 1e9 + 0.004
                    results.append(ScenarioResult(
                        id: id, title: "\(provider) \(capability) case \(n)", provider: provider, capability: capability,
                        tags: [capability], filePath: "Scenarios/\(provider)/\(capability).json", outcome: .passed,
                        durationSeconds: duration,
                        expectations: [ExpectationResult(name: "status", passed: true, expected: "200", actual: "200")],
                        requests: requests))
                }
            }
        }
        results += failures(rng: &rng)
        if let scenarioFilter { results = results.filter { scenarioFilter($0.id) } }
        return RunReport(
            runID: "run-\(seed)", toolVersion: "0.1.0", startedAt: start, finishedAt: start.addingTimeInterval(14.25),
            seed: seed, shard: shard,
            environment: RunEnvironment(hostname: "ci-runner-7", operatingSystem: "Ubuntu 24.04", gitSHA: "0f0a3d3c9b1e2f4a5d6c7b8a9e0f1a2b3c4d5e6f",
                                        baseURLs: ["openai": "https://user:hunter2@api.example.test/v1?key=sk-secretsecret1234"],
                                        properties: ["model": "mixed"]),
            serviceLevelObjectives: ServiceLevelObjectives(ttftMs: 250, tpotMs: 50),
            results: results)
    }

    /// The interesting ones: retry-after ignored, stream stall timeout, framing failure, skip, hostile text.
    static func failures(rng: inout Generator) -> [ScenarioResult] {
        var out: [ScenarioResult] = []
        // 429 storm where the client ignores Retry-After.
        let attempts = [
            AttemptTrace(attempt: 1, startNs: 0, endNs: 3_000_000, status: 429, errorCode: "rate_limited"),
            AttemptTrace(attempt: 2, startNs: 53_000_000, endNs: 56_000_000, status: 429, errorCode: "rate_limited", delayBeforeMs: 50),
            AttemptTrace(attempt: 3, startNs: 156_000_000, endNs: 900_000_000, status: 200, delayBeforeMs: 100),
        ]
        let retry = streamingRequest(scenario: "openai.retry.retry-after-429", id: "r1", provider: "openai", model: "gpt-4o-mini",
                                     endpoint: "/v1/chat/completions", ttftMs: 140, gapMs: 20, tokens: 30, rng: &rng, attempts: attempts)
        out.append(ScenarioResult(
            id: "openai.retry.retry-after-429", title: "Retries honour Retry-After on 429", provider: "openai", capability: "retry",
            tags: ["retry", "faults"], filePath: "Scenarios/openai/retry-after.json",
            outcome: .failed("client retried after 50 ms although Retry-After asked for 2 s", kind: "retry"),
            durationSeconds: 0.95,
            findings: [Finding(id: "retry-after-ignored", severity: .error,
                               message: "The client retried before the Retry-After delay elapsed.",
                               advice: "Parse Retry-After (seconds or HTTP date) and wait at least that long; cap with a maximum backoff and add jitter.",
                               evidence: ["attempt 1: HTTP 429, Retry-After: 2", "attempt 2 started 50 ms later", "Authorization: Bearer sk-live-abcdefgh12345678"])],
            expectations: [
                ExpectationResult(name: "delay before attempt 2", passed: false, expected: ">= 2000 ms", actual: "50 ms"),
                ExpectationResult(name: "final status", passed: true, expected: "200", actual: "200"),
            ],
            requests: [retry],
            transcript: "> POST /v1/chat/completions\n> Authorization: Bearer sk-live-abcdefgh12345678\n< HTTP/1.1 429 Too Many Requests\n< Retry-After: 2\n"))
        // Stream stall: error outcome with timeout.
        var stalled = streamingRequest(scenario: "ollama.chat-stream.stall-timeout", id: "r1", provider: "ollama", model: "llama3.2:1b",
                                       endpoint: "/api/chat", ttftMs: 210, gapMs: 15, tokens: 12, rng: &rng)
        stalled.chunkGapsMs.append(5000)
        stalled.tEndNs = (stalled.tLastTokenNs ?? 0) + 5_000_000_000
        stalled.error = TraceError(code: "timeout", type: "idle_timeout", message: "no chunk for 5.0 s after 12 chunks")
        stalled.status = 200
        stalled.attempts = [AttemptTrace(attempt: 1, startNs: 0, endNs: stalled.tEndNs ?? 0, status: 200, errorCode: "timeout")]
        out.append(ScenarioResult(
            id: "ollama.chat-stream.stall-timeout", title: "Idle timeout fires on a stalled stream", provider: "ollama", capability: "chat-stream",
            outcome: .error("idle timeout after 5.0 s with no chunk", kind: "timeout"), durationSeconds: 5.4,
            requests: [stalled], transcript: "{\"message\":{\"content\":\"Hel\"}}\n{\"message\":{\"content\":\"lo\"}}\n"))
        // Framing failure with hostile content.
        var framing = streamingRequest(scenario: "lmstudio.chat-stream.done-marker", id: "r1", provider: "lmstudio", model: "qwen2.5-0.5b-instruct",
                                       endpoint: "/v1/chat/completions", ttftMs: 80, gapMs: 12, tokens: 20, rng: &rng)
        framing.error = TraceError(code: "malformed_stream", type: "sse", message: "stream ended without data: [DONE]")
        out.append(ScenarioResult(
            id: "lmstudio.chat-stream.done-marker", title: "Stream ends with [DONE] <\"&]]>", provider: "lmstudio", capability: "chat-stream",
            outcome: .failed("expected [DONE] terminator, stream closed after finish_reason \u{1B}[31mstop\u{1B}[0m", kind: "stream-framing"),
            durationSeconds: 0.41,
            expectations: [ExpectationResult(name: "terminator", passed: false, expected: "data: [DONE]", actual: "EOF after finish_reason=stop")],
            requests: [framing],
            transcript: "data: {\"choices\":[{\"delta\":{\"content\":\"\u{1B}[1mbold\u{1B}[0m \u{07}bell \u{00}nul\"}}]}\n\ndata: {\"choices\":[{\"finish_reason\":\"stop\"}]}\n"))
        // Skipped.
        out.append(ScenarioResult(
            id: "lmstudio.tools.parallel-calls", title: "Parallel tool calls", provider: "lmstudio", capability: "tools",
            outcome: .skipped("provider does not declare parallel tool calls", kind: "capability"), durationSeconds: 0))
        return out
    }
}
