import Foundation
import Testing
@testable import Reporting

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("llmcheck-reporting-\(safe)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Report set and writers")
struct WriterTests {
    @Test("ReportSet writes every file; run.json round-trips the report")
    func writesAll() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = SampleReport.make()
        let written = try ReportSet.write(report, to: dir)
        #expect(written.map(\.lastPathComponent) == ["junit.xml", "summary.json", "requests.jsonl", "summary.md", "summary.csv", "report.html", "run.json", "ctrf.json"])
        let loaded = try ReportMerger.loadRun(from: dir)
        #expect(loaded.results.count == report.results.count)
        #expect(loaded.runID == report.runID)
        #expect(loaded.seed == 42)
        #expect(loaded.shard == nil)
        let original = try #require(report.results.first { $0.id == "openai.retry.retry-after-429" })
        let reloaded = try #require(loaded.results.first { $0.id == original.id })
        // Persisted values are the sanitized ones (ms rounded to whole ns, the clock's resolution).
        #expect(reloaded.requests == ReportSanitizer.sanitized(original).requests)
        #expect(reloaded.expectations == original.expectations)
        // Secrets do not survive into persisted files.
        for url in written {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(!text.contains("sk-live-abcdefgh12345678"), "\(url.lastPathComponent) leaks a key")
            #expect(!text.contains("hunter2"), "\(url.lastPathComponent) leaks a URL password")
            #expect(!text.contains("\u{1B}"), "\(url.lastPathComponent) has ANSI")
        }
        // Writing twice gives identical bytes.
        let again = try makeTemporaryDirectory("again")
        defer { try? FileManager.default.removeItem(at: again) }
        try ReportSet.write(report, to: again)
        for name in ["junit.xml", "summary.json", "requests.jsonl", "summary.md", "report.html", "run.json", "ctrf.json"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == Data(contentsOf: again.appendingPathComponent(name)), "\(name) not deterministic")
        }
    }

    @Test("summary.json carries counts, stats with units, error codes, findings, goodput and snake_case keys")
    func summaryJSON() throws {
        let report = SampleReport.make()
        let data = try JSONSummaryWriter().render(RunSummary(report: report))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(counts["failed"] as? Int == 2)
        #expect(counts["errors"] as? Int == 1)
        #expect(counts["skipped"] as? Int == 1)
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        let ttft = try #require(metrics.first { $0["name"] as? String == "ttft_ms" })
        #expect(ttft["unit"] as? String == "ms")
        let stats = try #require(ttft["stats"] as? [String: Any])
        for key in ["count", "mean", "std", "min", "p50", "p90", "p95", "p99", "max"] { #expect(stats[key] != nil, "missing \(key)") }
        let errors = try #require(object["error_codes"] as? [String: Int])
        #expect(errors["timeout"] == 1)
        #expect(errors["malformed_stream"] == 1)
        let findings = try #require(object["findings"] as? [String: Int])
        #expect(findings["retry-after-ignored"] == 1)
        let goodput = try #require(object["goodput"] as? [String: Any])
        #expect(goodput["good_requests"] as? Int != nil)
        let scenarios = try #require(object["scenarios"] as? [[String: Any]])
        #expect(scenarios.count == report.results.count)
        let ids = scenarios.compactMap { $0["id"] as? String }
        #expect(ids == ids.sorted())
        // Recomputed statistics equal those of the raw samples.
        let summary = try ReportJSON.makeDecoder().decode(RunSummary.self, from: data)
        let raw = report.results.flatMap(\.requests).compactMap(\.effectiveTTFTMs)
        #expect(summary.metric(named: "ttft_ms")?.statistics == Statistics(samples: raw))
    }

    @Test("requests.jsonl has one parseable object per request with the R1 fields")
    func requestsJSONL() throws {
        let report = SampleReport.make()
        let data = try RequestsJSONLWriter().render(report)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == report.results.reduce(0) { $0 + $1.requests.count })
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["scenario_id", "request_id", "attempt", "provider", "endpoint", "t_send_ns", "chunk_gaps_ms", "chunks_count", "attempts"] {
                #expect(object[key] != nil, "missing \(key)")
            }
        }
        #expect(lines.contains { $0.contains("\"token_source\":\"server_usage\"") })
        #expect(lines.contains { $0.contains("\"error\":{\"code\":\"timeout\"") })
    }

    @Test("Markdown has headline counts, a failures table and a ten-column latency table")
    func markdown() throws {
        let report = SampleReport.make()
        let md = MarkdownWriter().render(report, summary: RunSummary(report: report))
        #expect(md.contains("## llmcheck conformance: ❌ failing"))
        #expect(md.contains("| Scenario | Outcome | What broke | Expected / actual | Finding | Advice |"))
        #expect(md.contains("`retry-after-ignored`"))
        let header = "| Metric | n | avg | min | p50 | p90 | p95 | p99 | max | std |"
        #expect(md.contains(header))
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: header))
        var index = start + 2
        var rows = 0
        while index < lines.count, lines[index].hasPrefix("|") {
            // 10 cells → 11 unescaped pipes.
            let pipes = lines[index].replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(pipes == 11, "row \(lines[index])")
            rows += 1
            index += 1
        }
        #expect(rows >= 5)
        #expect(!md.contains("\u{1B}"))
        #expect(md.contains("&lt;") || !md.contains("<\"&"))
    }

    @Test("HTML is self-contained, has SVG charts, the table, timeline and a troubleshooting block per failure")
    func html() throws {
        let report = SampleReport.make()
        let html = HTMLWriter().render(report, summary: RunSummary(report: report))
        for external in ["src=\"http", "href=\"http", "src='http", "href='http", "url(http", "@import", "<link", "xmlns="] {
            #expect(!html.contains(external), "HTML references \(external)")
        }
        // Two histograms, the suite timeline and one mini timeline per failure with requests.
        let failingWithRequests = report.results.filter { ($0.outcome.status == .failed || $0.outcome.status == .error) && !$0.requests.isEmpty }
        #expect(html.components(separatedBy: "<svg").count - 1 == 3 + failingWithRequests.count)
        #expect(html.contains("TTFT distribution"))
        #expect(html.contains("class=\"timeline\""))
        #expect(html.contains("<table id=\"results\">"))
        let failing = report.results.filter { $0.outcome.status == .failed || $0.outcome.status == .error }
        #expect(html.components(separatedBy: "<article class=\"trouble").count - 1 == failing.count)
        for heading in ["What broke", "Evidence", "Likely cause"] {
            #expect(html.components(separatedBy: "<h4>\(heading)</h4>").count - 1 == failing.count)
        }
        #expect(html.contains("Parse Retry-After"))
        #expect(!html.contains("<\"&]]>"))
        #expect(html.contains("&lt;&quot;&amp;]]&gt;"))
        #expect(!html.contains("\u{1B}"))
        #expect(!html.contains("abcdefgh12345678"))
    }

    @Test("ctrf.json follows CTRF: required keys, error mapped to failed with rawStatus, shard id")
    func ctrf() throws {
        let report = SampleReport.make(shard: ShardInfo(index: 2, total: 4))
        let object = try #require(try JSONSerialization.jsonObject(with: CTRFWriter().render(report)) as? [String: Any])
        #expect(object["reportFormat"] as? String == "CTRF")
        #expect(object["specVersion"] as? String == CTRFWriter.specVersion)
        #expect(object["runId"] as? String == "run-42")
        let reportID = try #require(object["reportId"] as? String)
        #expect(reportID.range(of: #"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#, options: .regularExpression) != nil)
        let results = try #require(object["results"] as? [String: Any])
        let summary = try #require(results["summary"] as? [String: Any])
        #expect(summary["tests"] as? Int == report.results.count)
        #expect(summary["failed"] as? Int == 3)
        for key in ["passed", "skipped", "pending", "other", "start", "stop"] { #expect(summary[key] != nil, "missing \(key)") }
        let tests = try #require(results["tests"] as? [[String: Any]])
        let stall = try #require(tests.first { $0["name"] as? String == "ollama.chat-stream.stall-timeout" })
        #expect(stall["status"] as? String == "failed")
        #expect(stall["rawStatus"] as? String == "error")
        #expect(stall["duration"] as? Int == 5400)
        let environment = try #require(results["environment"] as? [String: Any])
        #expect(environment["shardId"] as? String == "2/4")
    }

    @Test("script injection through any text field stays inert in HTML and Markdown")
    func injection() throws {
        let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
        let trace = RequestTrace(scenarioID: evil, requestID: evil, provider: evil, model: evil, endpoint: evil, status: 500,
                                 tSendNs: 0, tEndNs: 1_000_000, error: TraceError(code: evil, type: evil, message: evil),
                                 attempts: [AttemptTrace(attempt: 1, startNs: 0, endNs: 1_000_000, status: 500, errorCode: evil)])
        let result = ScenarioResult(id: evil, title: evil, provider: evil, capability: evil, tags: [evil], filePath: evil,
                                    outcome: .error(evil, kind: evil), durationSeconds: 1,
                                    findings: [Finding(id: evil, message: evil, advice: evil, evidence: [evil])],
                                    expectations: [ExpectationResult(name: evil, passed: false, expected: evil, actual: evil)],
                                    requests: [trace], transcript: evil)
        var environment = RunEnvironment(hostname: evil, operatingSystem: evil, gitSHA: evil)
        environment.properties = [evil: evil]
        let report = RunReport(runID: evil, toolVersion: evil, startedAt: SampleReport.start, finishedAt: SampleReport.start,
                               environment: environment, results: [result])
        let summary = RunSummary(report: report)
        let html = HTMLWriter().render(report, summary: summary)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(html.components(separatedBy: "<script>").count - 1 == 1)  // only the filter script
        let md = MarkdownWriter().render(report, summary: summary)
        #expect(!md.contains("<script>") && !md.contains("<img"))
        let (_, ok) = XMLCollector.parse(JUnitWriter().render(report))
        #expect(ok)
    }

    @Test("an empty run still renders every format")
    func emptyRun() throws {
        let report = RunReport(runID: "empty", toolVersion: "0", startedAt: SampleReport.start, finishedAt: SampleReport.start, results: [])
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ReportSet.write(report, to: dir)
        let (_, ok) = XMLCollector.parse(try String(contentsOf: dir.appendingPathComponent("junit.xml"), encoding: .utf8))
        #expect(ok)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("No TTFT distribution samples"))
    }

    @Test("writes the sample report where LLMCHECK_SAMPLE_REPORT_DIR points (for eyeballing report.html)",
          .enabled(if: ProcessInfo.processInfo.environment["LLMCHECK_SAMPLE_REPORT_DIR"] != nil))
    func writeSample() throws {
        let path = try #require(ProcessInfo.processInfo.environment["LLMCHECK_SAMPLE_REPORT_DIR"])
        let report = SampleReport.make()
        var baselineReport = SampleReport.make(seed: 7, ttftScale: 0.6)
        baselineReport.runID = "run-baseline"
        let comparison = BaselineComparison(baseline: RunSummary(report: baselineReport), current: RunSummary(report: report))
        let files = try ReportSet.write(report, to: URL(fileURLWithPath: path), comparison: comparison)
        #expect(files.count == 8)
    }
}
