import Foundation
import HTTPWire
import Testing
@testable import Reporting

/// Reports that do not cry wolf (issue 11 item 5): injected faults the client handled are *expected*
/// errors, kept apart from the unexpected ones everywhere; meaningless figures are left out.
@Suite struct ExpectedErrorsTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// A request whose only attempt failed with `code` (HTTP `status`).
    static func failedRequest(_ scenario: String, code: String, status: Int?) -> RequestTrace {
        RequestTrace(
            scenarioID: scenario, requestID: "r1", provider: "openai", endpoint: "/v1/chat/completions", status: status,
            tSendNs: 0, tEndNs: 5_000_000, error: TraceError(code: code, message: "\(code) happened"),
            attempts: [AttemptTrace(attempt: 1, startNs: 0, endNs: 5_000_000, status: status, errorCode: code)]
        )
    }

    /// A passing scenario that saw an injected 429, and a failing one with an unexpected timeout.
    static func report(extra: [ScenarioResult] = []) -> RunReport {
        let handled = ScenarioResult(
            id: "openai.retry.429", title: "429 handled", provider: "openai", capability: "retry",
            filePath: "Scenarios/retry/429.json", outcome: .passed, durationSeconds: 0.01,
            expectations: [ExpectationResult(name: "error_code", passed: true, expected: "rateLimited", actual: "rateLimited")],
            requests: [failedRequest("openai.retry.429", code: "rate_limited", status: 429)]
        )
        let broken = ScenarioResult(
            id: "openai.stream.stall", title: "stall", provider: "openai", capability: "stream",
            filePath: "Scenarios/faults/stall.json", outcome: .failed("attempts: expected 1, got 3", kind: "assertion"),
            durationSeconds: 0.02,
            expectations: [ExpectationResult(name: "attempts", passed: false, expected: "1", actual: "3")],
            requests: [failedRequest("openai.stream.stall", code: "timeout", status: nil)]
        )
        return RunReport(runID: "r", toolVersion: "t", startedAt: start, finishedAt: start.addingTimeInterval(1), results: [handled, broken] + extra)
    }

    @Test func summarySplitsExpectedFromUnexpectedErrors() throws {
        let summary = RunSummary(report: Self.report())
        #expect(summary.requests.failed == 2)
        #expect(summary.requests.unexpectedFailed == 1)
        #expect(summary.requests.expectedFailed == 1)
        #expect(summary.errorCodes == ["rate_limited": 1, "timeout": 1])
        #expect(summary.unexpectedErrorCodes == ["timeout": 1])
        // Round trip, and an older summary without the fields still decodes.
        let data = try ReportJSON.makeEncoder().encode(summary)
        #expect(String(decoding: data, as: UTF8.self).contains("\"unexpected_failed\" : 1"))
        let decoded = try ReportJSON.makeDecoder().decode(RunSummary.self, from: data)
        #expect(decoded.requests.unexpectedFailed == 1)
    }

    @Test func everyWriterShowsTheSplit() throws {
        let report = Self.report()
        let summary = RunSummary(report: report)
        let html = HTMLWriter().render(report, summary: summary)
        #expect(html.contains("Unexpected errors"))
        #expect(html.contains("class=\"attempt expected\""), "the handled 429 is drawn as expected")
        #expect(html.contains("class=\"attempt bad\""), "the timeout is drawn as unexpected")
        let markdown = MarkdownWriter().render(report, summary: summary)
        #expect(markdown.contains("Unexpected req. errors | Expected req. errors"))
        #expect(markdown.contains("| `rate_limited` | 0 | 1 |"), "\(markdown)")
        #expect(markdown.contains("| `timeout` | 1 | 0 |"), "\(markdown)")
        #expect(markdown.contains("attempts: expected 1, got 3"), "failures carry expected/actual inline")
        let junit = JUnitWriter().render(report)
        #expect(junit.contains("name=\"requests_failed_unexpected\" value=\"1\""), "\(junit)")
        #expect(junit.contains("error=timeout (unexpected)"), "\(junit)")
    }

    @Test func theTimelineShowsEveryScenario() {
        let many = (0..<250).map { index in
            ScenarioResult(
                id: String(format: "bulk.%03d", index), title: "bulk", provider: "openai", capability: "bulk", outcome: .passed,
                durationSeconds: 0.001, requests: [Self.failedRequest(String(format: "bulk.%03d", index), code: "reset", status: nil)]
            )
        }
        let report = Self.report(extra: many)
        let html = HTMLWriter().render(report, summary: RunSummary(report: report))
        #expect(html.contains("bulk.249"), "the last scenario is drawn too")
        #expect(html.contains("Scenarios 201–252 of 252"), "later rows are in collapsed pages")
    }

    @Test func meaninglessFiguresAreLeftOut() {
        // Two samples make no histogram.
        let report = Self.report()
        let html = HTMLWriter().render(report, summary: RunSummary(report: report))
        #expect(!html.contains("Only the first"))
        let chart = SVGChart.histogram(samples: [1, 2], title: "TTFT", unit: "ms", color: "#000")
        #expect(chart.contains("Too few TTFT samples"))
        // 100 tokens in 0.1 ms from an unpaced mock: no decode rate.
        let burst = RequestTrace(
            scenarioID: "s", requestID: "r1", provider: "openai", endpoint: "/v1/chat/completions", status: 200,
            tSendNs: 0, tFirstTokenNs: 1_000_000, tLastTokenNs: 1_100_000, tEndNs: 1_200_000, outputTokens: 100
        )
        #expect(burst.decodeTokensPerSecond == nil)
        var paced = burst
        paced.tLastTokenNs = 1_000_000 + 99 * 20_000_000  // 20 ms per token: 50 tokens/s
        #expect(abs((paced.decodeTokensPerSecond ?? 0) - 50) < 0.001)
    }

    @Test func anInvalidScenarioFileSaysSoInItsTroubleshooting() {
        let invalid = ScenarioResult(
            id: "invalid-file.x", title: "scenario file Scenarios/x.json", provider: "unknown", capability: "scenario-file",
            filePath: "Scenarios/x.json", outcome: .error("Scenarios/x.json: stepz: unknown key", kind: "invalid-scenario"),
            durationSeconds: 0
        )
        let cause = Troubleshooting.likelyCause(for: invalid)
        #expect(cause.contains("Scenarios/x.json is invalid"))
        #expect(!cause.contains("see the attempts"))
    }
}
