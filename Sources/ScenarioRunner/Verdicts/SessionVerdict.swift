import HTTPWire
import MockProviders
import Reporting

// MARK: - SessionVerdict

/// The verdicts of session mode: `llmcheck serve` injects this into the mock, and
/// `GET /__llmcheck/verdict?test_id=T` judges the requests a test made (or, without `test_id`, every test id
/// seen, each on its own).
///
/// There is no client report in session mode, only the wire: retries (Retry-After ignored, non-retryable
/// status retried, no backoff, retry storm), duplicates after a success, and the silence a client sat through.
/// Whether the app accepted a truncated stream cannot be seen from the wire; the verdict says so
/// (`inconclusive`) instead of guessing.
///
/// Query parameters: `idle_ms` (longest silence a client may sit through, default 10 000), `max_retries`
/// (retries the client may make, default 2, as the OpenAI SDKs), `initial_delay_ms` (smallest backoff the client
/// is expected to use, default 100). Retry-After hints up to 120 s are judged.
public struct SessionVerdict: SessionJudge {
    public var engine: VerdictEngine

    public init(engine: VerdictEngine = VerdictEngine()) {
        self.engine = engine
    }

    /// One test's verdict.
    public struct TestVerdict: Sendable, Hashable {
        public var testID: String
        public var requests: Int
        public var findings: [Finding]
        /// Facts the wire cannot establish (e.g. whether a truncated stream was accepted).
        public var inconclusive: [String]

        /// No error-severity finding (with `strict`, no warning either).
        public func passed(strict: Bool = false) -> Bool {
            !findings.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        }
    }

    public func verdict(on entries: [JournalEntry], query: SessionVerdictQuery, provider: MockProviderKind) -> SessionVerdictAnswer {
        let verdicts = judge(entries, testID: query.testID, parameters: query.parameters, server: provider.rawValue)
        switch query.format {
        case "text": return SessionVerdictAnswer(contentType: "text/plain; charset=utf-8", body: Self.text(verdicts))
        case "junit": return SessionVerdictAnswer(contentType: "application/xml; charset=utf-8", body: Self.junit(verdicts, provider: provider.rawValue))
        default: return SessionVerdictAnswer(contentType: "application/json", body: Self.json(verdicts).prettySerialized() + "\n")
        }
    }

    /// Verdicts per test id (entries without `X-Test-Id` are judged together as test `""`).
    public func judge(_ entries: [JournalEntry], testID: String?, parameters: [String: String], server: String) -> [TestVerdict] {
        var client = Scenario.Client()
        client.timeouts.idleMilliseconds = parameters["idle_ms"].flatMap { Int($0) }.map { max(1, $0) } ?? 10_000
        client.retry.maxRetries = parameters["max_retries"].flatMap { Int($0) }.map { min(max(0, $0), 100) } ?? 2
        client.retry.initialDelayMilliseconds = parameters["initial_delay_ms"].flatMap { Int($0) }.map { max(0, $0) } ?? 100
        // Any Retry-After hint up to two minutes (openai-python's cap) is one the client had to honour.
        client.retry.maxRetryAfterMilliseconds = 120_000
        var byTest: [String: [ObservedExchange]] = [:]
        for entry in entries {
            let observed = MockProvidersEnvironment.observed(entry, server: server)
            byTest[testID ?? observed.testID ?? "", default: []].append(observed)
        }
        if let testID, byTest[testID] == nil { byTest[testID] = [] }
        return byTest.keys.sorted().map { id in
            let exchanges = byTest[id] ?? []
            // One step per test: attempts are grouped by route, client request id and time order.
            let step = Scenario.Step(name: id.isEmpty ? "requests without X-Test-Id" : id, operation: .chat)
            let findings = engine.judge(exchanges: exchanges, step: step, client: client, outcomes: [])
            var inconclusive: [String] = []
            for e in exchanges where e.wasTruncated || e.faults.contains(.malformed) {
                inconclusive.append("#\(e.sequence) \(e.method) \(e.path): the stream was \(e.wasTruncated ? "cut short" : "sent a malformed chunk"); whether the app accepted it is known only to the app (assert on its result, or use llmcheck run --client)")
            }
            return TestVerdict(testID: id, requests: exchanges.count, findings: findings, inconclusive: inconclusive)
        }
    }

    // MARK: - Formats

    static func json(_ verdicts: [TestVerdict]) -> JSONValue {
        let tests: [JSONValue] = verdicts.map { v in
            [
                "test_id": .string(v.testID), "passed": .bool(v.passed()), "passed_strict": .bool(v.passed(strict: true)),
                "requests": .int(v.requests),
                "findings": .array(v.findings.map { f in
                    [
                        "id": .string(f.id), "severity": .string(f.severity.rawValue), "message": .string(f.message),
                        "advice": .string(f.advice), "evidence": .array(f.evidence.map { .string($0) }),
                    ]
                }),
                "inconclusive": .array(v.inconclusive.map { .string($0) }),
            ]
        }
        return ["passed": .bool(verdicts.allSatisfy { $0.passed() }), "passed_strict": .bool(verdicts.allSatisfy { $0.passed(strict: true) }), "tests": .array(tests)]
    }

    static func text(_ verdicts: [TestVerdict]) -> String {
        var lines: [String] = []
        for v in verdicts {
            let name = v.testID.isEmpty ? "(no X-Test-Id)" : v.testID
            lines.append("\(v.passed() ? (v.passed(strict: true) ? "PASS" : "WARN") : "FAIL") \(name): \(NumberText.count(v.requests, "request")), \(NumberText.count(v.findings.count, "finding"))")
            for f in v.findings {
                lines.append("  \(f.severity.rawValue) \(f.id): \(f.message)")
                for e in f.evidence { lines.append("    - \(e)") }
                lines.append("    fix: \(f.advice)")
            }
            for note in v.inconclusive { lines.append("  inconclusive: \(note)") }
        }
        if verdicts.isEmpty { lines.append("no requests journaled") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func junit(_ verdicts: [TestVerdict], provider: String) -> String {
        let failures = verdicts.filter { !$0.passed() }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"llmcheck-session\" tests=\"\(verdicts.count)\" failures=\"\(failures)\">\n"
        xml += "  <testsuite name=\"llmcheck.session.\(Escaping.xmlAttribute(provider))\" tests=\"\(verdicts.count)\" failures=\"\(failures)\">\n"
        for v in verdicts {
            xml += "    <testcase classname=\"session.\(Escaping.xmlAttribute(provider))\" name=\"\(Escaping.xmlAttribute(v.testID.isEmpty ? "no-test-id" : v.testID))\">\n"
            for f in v.findings where f.severity == .error {
                xml += "      <failure type=\"\(Escaping.xmlAttribute(f.id))\" message=\"\(Escaping.xmlAttribute(f.message))\">\(Escaping.xml(f.evidence.joined(separator: "\n")))</failure>\n"
            }
            xml += "    </testcase>\n"
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }
}
