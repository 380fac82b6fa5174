import HTTPWire
// MARK: - JUnitWriter

/// Writes `junit.xml` for CI readers (GitLab, Jenkins, GitHub reporters), as docs/reports.md describes.
///
/// Shape: `<testsuites>` → one `<testsuite>` per provider × capability (sorted) with counts, `time`,
/// `timestamp` (XSD form, UTC), `hostname`, `id`, `package` and `<properties>` → one `<testcase>` per
/// scenario (sorted by id) with `classname="conformance.<provider>.<capability>"`, `name=<scenario id>`,
/// `time`, `file`, at most one of `<failure>`, `<error>`, `<skipped>`, and a capped `<system-out>`.
/// All text is stripped of ANSI/control characters, secrets are masked, and decimals use '.'.
public struct JUnitWriter: Sendable {
    /// Limits that keep the file readable by CI (defaults suit GitHub check-run and GitLab limits).
    public struct Configuration: Sendable, Hashable {
        /// Longest `message` attribute; details go into the element body (default 200 characters).
        public var maxMessageCharacters: Int
        /// Cap of each testcase `<system-out>` in UTF-8 bytes (default 16 KiB).
        public var maxSystemOutBytes: Int
        /// Whether passing testcases get a `<system-out>` too (default false: only failures, errors and skips).
        public var includeSystemOutForPasses: Bool

        public init(maxMessageCharacters: Int = 200, maxSystemOutBytes: Int = 16 * 1024, includeSystemOutForPasses: Bool = false) {
            self.maxMessageCharacters = maxMessageCharacters
            self.maxSystemOutBytes = maxSystemOutBytes
            self.includeSystemOutForPasses = includeSystemOutForPasses
        }

        public static let `default` = Configuration()
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    /// The complete XML document.
    public func render(_ report: RunReport) -> String {
        let groups = Dictionary(grouping: report.results, by: \.junitClassName)
        let suiteNames = groups.keys.sorted()
        let counts = report.counts
        let totalTime = report.results.reduce(0) { $0 + max(0, $1.durationSeconds.isFinite ? $1.durationSeconds : 0) }
        let timestamp = NumberText.junitTimestamp(report.startedAt)
        let hostname = report.environment.hostname.isEmpty ? "localhost" : report.environment.hostname

        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += "<testsuites" + attributes([
            ("name", "llmcheck"),
            ("tests", String(counts.total)),
            ("failures", String(counts.failed)),
            ("errors", String(counts.errors)),
            ("skipped", String(counts.skipped)),
            ("time", NumberText.seconds(report.durationSeconds.isFinite ? report.durationSeconds : totalTime)),
            ("timestamp", timestamp),
        ]) + ">\n"

        var usedIdentities: Set<String> = []
        for (index, name) in suiteNames.enumerated() {
            let cases = (groups[name] ?? []).sorted { $0.id < $1.id }
            let suiteCounts = OutcomeCounts(cases.map(\.outcome.status))
            let time = cases.reduce(0) { $0 + max(0, $1.durationSeconds.isFinite ? $1.durationSeconds : 0) }
            xml += "  <testsuite" + attributes([
                ("name", name),
                ("id", String(index)),
                ("package", name),
                ("tests", String(suiteCounts.total)),
                ("failures", String(suiteCounts.failed)),
                ("errors", String(suiteCounts.errors)),
                ("skipped", String(suiteCounts.skipped)),
                ("time", NumberText.seconds(time)),
                ("timestamp", timestamp),
                ("hostname", hostname),
            ]) + ">\n"
            xml += "    <properties>\n"
            for (key, value) in properties(report, first: cases.first) + errorProperties(cases) {
                xml += "      <property" + attributes([("name", key), ("value", value)]) + "/>\n"
            }
            xml += "    </properties>\n"
            for result in cases {
                xml += testcase(result, usedIdentities: &usedIdentities)
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    // MARK: - Pieces

    private func properties(_ report: RunReport, first: ScenarioResult?) -> [(String, String)] {
        var list: [(String, String)] = []
        if let first {
            list.append(("provider", first.provider))
            list.append(("capability", first.capability))
            if let url = report.environment.baseURLs[first.provider] {
                list.append(("base_url", TextSanitizer.redactURL(url)))
            }
            if let model = first.requests.compactMap(\.model).first { list.append(("model", model)) }
        }
        list.append(("harness_version", report.toolVersion))
        list.append(("run_id", report.runID))
        if let seed = report.seed { list.append(("seed", String(seed))) }
        if let shard = report.shard { list.append(("shard", shard.description)) }
        if let sha = report.environment.gitSHA { list.append(("git_sha", sha)) }
        if !report.environment.operatingSystem.isEmpty { list.append(("os", report.environment.operatingSystem)) }
        for key in report.environment.properties.keys.sorted() where !list.contains(where: { $0.0 == key }) {
            list.append((key, TextSanitizer.redactSecrets(report.environment.properties[key] ?? "")))
        }
        return list
    }

    /// Failed requests of the suite, split into expected (injected faults the client handled: the scenario
    /// passed) and unexpected (in scenarios that failed or errored).
    private func errorProperties(_ cases: [ScenarioResult]) -> [(String, String)] {
        func failed(_ results: [ScenarioResult]) -> Int {
            results.flatMap(\.requests).filter { !$0.isWarmup && !$0.isCompleted }.count
        }
        return [
            ("requests_failed_expected", String(failed(cases.filter(\.errorsAreExpected)))),
            ("requests_failed_unexpected", String(failed(cases.filter { !$0.errorsAreExpected }))),
        ]
    }

    private func testcase(_ result: ScenarioResult, usedIdentities: inout Set<String>) -> String {
        // Identity is classname + name; GitLab keeps only the first of duplicates, so make them unique.
        var name = TextSanitizer.stripTerminalEscapes(result.id)
        var suffix = 2
        while usedIdentities.contains(result.junitClassName + "\u{0}" + name) {
            name = "\(TextSanitizer.stripTerminalEscapes(result.id))#\(suffix)"
            suffix += 1
        }
        usedIdentities.insert(result.junitClassName + "\u{0}" + name)

        var attrs: [(String, String)] = [
            ("classname", result.junitClassName),
            ("name", name),
            ("time", NumberText.seconds(result.durationSeconds.isFinite ? result.durationSeconds : 0)),
        ]
        if let file = result.filePath { attrs.append(("file", file)) }
        let xml = "    <testcase" + attributes(attrs)
        let outcome = result.outcome
        let message = TextSanitizer.headline(
            TextSanitizer.clean(outcome.message ?? defaultMessage(outcome.status)),
            maxCharacters: configuration.maxMessageCharacters
        )
        var body = ""
        switch outcome.status {
        case .passed:
            break
        case .failed:
            body += "      <failure" + attributes([("message", message), ("type", outcome.kind ?? "assertion")]) + ">"
            body += Escaping.xml(details(result)) + "</failure>\n"
        case .error:
            body += "      <error" + attributes([("message", message), ("type", outcome.kind ?? "error")]) + ">"
            body += Escaping.xml(details(result)) + "</error>\n"
        case .skipped:
            body += "      <skipped" + attributes([("message", message)]) + "/>\n"
        }
        if outcome.status != .passed || configuration.includeSystemOutForPasses {
            let out = systemOut(result)
            if !out.isEmpty { body += "      <system-out>" + Escaping.xml(out) + "</system-out>\n" }
        }
        if body.isEmpty { return xml + "/>\n" }
        return xml + ">\n" + body + "    </testcase>\n"
    }

    private func defaultMessage(_ status: ScenarioOutcome.Status) -> String {
        switch status {
        case .passed: return "passed"
        case .failed: return "expectation failed"
        case .error: return "scenario error"
        case .skipped: return "skipped"
        }
    }

    /// Body of `<failure>`/`<error>`: full message, failed expectations, findings with advice.
    private func details(_ result: ScenarioResult) -> String {
        var lines: [String] = []
        if let message = result.outcome.message { lines.append(TextSanitizer.clean(message, maxBytes: 4096)) }
        let failed = result.expectations.filter { !$0.passed }
        if !failed.isEmpty {
            lines.append("")
            lines.append("Failed expectations:")
            for e in failed {
                lines.append("- \(e.name): expected \(TextSanitizer.clean(e.expected, maxBytes: 512)), got \(TextSanitizer.clean(e.actual, maxBytes: 512))")
            }
        }
        for finding in result.findings {
            lines.append("")
            lines.append("Finding \(finding.id) [\(finding.severity.rawValue)]: \(TextSanitizer.clean(finding.message, maxBytes: 1024))")
            for evidence in finding.evidence.prefix(10) { lines.append("  evidence: \(TextSanitizer.clean(evidence, maxBytes: 512))") }
            if !finding.advice.isEmpty { lines.append("  advice: \(TextSanitizer.clean(finding.advice, maxBytes: 1024))") }
        }
        if let file = result.filePath { lines.append(""); lines.append("Scenario file: \(file)") }
        return lines.joined(separator: "\n")
    }

    /// Testcase `<system-out>`: request lines then the transcript, sanitized and capped.
    private func systemOut(_ result: ScenarioResult) -> String {
        var lines: [String] = []
        for request in result.requests {
            var line = "\(request.requestID) \(request.endpoint) status=\(request.status.map(String.init) ?? "none") attempts=\(max(request.attempts.count, request.attempt))"
            if let ttft = request.effectiveTTFTMs { line += " ttft_ms=\(NumberText.fixed(ttft, digits: 1))" }
            if let e2el = request.effectiveE2ELMs { line += " e2el_ms=\(NumberText.fixed(e2el, digits: 1))" }
            if let error = request.error {
                let nature = result.errorsAreExpected ? "expected, injected and handled" : "unexpected"
                line += " error=\(error.code) (\(nature)): \(TextSanitizer.headline(error.message, maxCharacters: 160))"
            }
            lines.append(line)
        }
        if let transcript = result.transcript, !transcript.isEmpty {
            if !lines.isEmpty { lines.append("") }
            lines.append(transcript)
        }
        return TextSanitizer.clean(lines.joined(separator: "\n"), maxBytes: configuration.maxSystemOutBytes)
    }

    private func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(Escaping.xmlAttribute(TextSanitizer.redactSecrets($0.1)))\"" }.joined()
    }
}
