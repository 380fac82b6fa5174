import Foundation

// MARK: - ScenarioResult

/// The result of one scenario: outcome, checks, findings and the requests it made.
public struct ScenarioResult: Sendable, Hashable, Codable {
    /// Stable scenario id (`openai.stream.retry-after-429`); unique across the whole suite, the JUnit testcase name.
    public var id: String
    /// Human title.
    public var title: String
    /// `ollama`, `lmstudio`, `openai` or `mixed`.
    public var provider: String
    /// Capability or operation under test (`chat-stream`, `retry`, `models`); JUnit classname is
    /// `conformance.<provider>.<capability>`.
    public var capability: String
    public var tags: [String]
    /// Scenario file path relative to the repository, if the scenario came from a file.
    public var filePath: String?
    public var outcome: ScenarioOutcome
    /// Wall time of the scenario in seconds.
    public var durationSeconds: Double
    public var findings: [Finding]
    public var expectations: [ExpectationResult]
    public var requests: [RequestTrace]
    /// Sanitized, capped transcript of the exchange (writers cap it again; secrets are masked again).
    public var transcript: String?

    public init(
        id: String,
        title: String,
        provider: String,
        capability: String,
        tags: [String] = [],
        filePath: String? = nil,
        outcome: ScenarioOutcome,
        durationSeconds: Double,
        findings: [Finding] = [],
        expectations: [ExpectationResult] = [],
        requests: [RequestTrace] = [],
        transcript: String? = nil
    ) {
        self.id = id
        self.title = title
        self.provider = provider
        self.capability = capability
        self.tags = tags
        self.filePath = filePath
        self.outcome = outcome
        self.durationSeconds = durationSeconds
        self.findings = findings
        self.expectations = expectations
        self.requests = requests
        self.transcript = transcript
    }

    enum CodingKeys: String, CodingKey {
        case id, title, provider, capability, tags
        case filePath = "file"
        case outcome
        case durationSeconds = "duration_seconds"
        case findings, expectations, requests, transcript
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? id
        provider = try c.decode(String.self, forKey: .provider)
        capability = try c.decode(String.self, forKey: .capability)
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        filePath = try c.decodeIfPresent(String.self, forKey: .filePath)
        outcome = try c.decode(ScenarioOutcome.self, forKey: .outcome)
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds) ?? 0
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? []
        expectations = try c.decodeIfPresent([ExpectationResult].self, forKey: .expectations) ?? []
        requests = try c.decodeIfPresent([RequestTrace].self, forKey: .requests) ?? []
        transcript = try c.decodeIfPresent(String.self, forKey: .transcript)
    }

    /// JUnit classname: `conformance.<provider>.<capability>` with each part reduced to `[a-z0-9_-]`.
    public var junitClassName: String {
        "conformance.\(TextSanitizer.identifierComponent(provider)).\(TextSanitizer.identifierComponent(capability))"
    }
}

// MARK: - ScenarioOutcome

/// How a scenario ended, with a short message and a machine-readable kind.
public struct ScenarioOutcome: Sendable, Hashable, Codable {
    /// Outcome classes (METRICS.md R3): assertion failure, transport error, skipped.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every expectation held.
        case passed
        /// An expectation about the API shape or an invariant did not hold.
        case failed
        /// Transport error, timeout or crash: the scenario could not reach a verdict.
        case error
        /// Not applicable (capability missing, rate-limited, filtered).
        case skipped
    }

    public var status: Status
    /// One-line reason; nil for a pass.
    public var message: String?
    /// Assertion kind for failures (`status`, `stream-framing`, `retry`), error type for errors
    /// (`timeout`, `transport`, `crash`), reason code for skips.
    public var kind: String?

    public init(status: Status, message: String? = nil, kind: String? = nil) {
        self.status = status
        self.message = message
        self.kind = kind
    }

    public static let passed = ScenarioOutcome(status: .passed)
    public static func failed(_ message: String, kind: String = "assertion") -> ScenarioOutcome {
        ScenarioOutcome(status: .failed, message: message, kind: kind)
    }
    public static func error(_ message: String, kind: String = "transport") -> ScenarioOutcome {
        ScenarioOutcome(status: .error, message: message, kind: kind)
    }
    public static func skipped(_ message: String, kind: String? = nil) -> ScenarioOutcome {
        ScenarioOutcome(status: .skipped, message: message, kind: kind)
    }
}

// MARK: - Finding

/// A diagnosis the runner attached to a scenario (`retry-after-ignored`), with advice for the reader.
public struct Finding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case info, warning, error

        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Stable id, kebab-case (`retry-after-ignored`).
    public var id: String
    public var severity: Severity
    /// What is wrong, one sentence.
    public var message: String
    /// What to do about it (the likely cause and fix).
    public var advice: String
    /// Lines of evidence (header values, timings, attempt numbers).
    public var evidence: [String]

    public init(id: String, severity: Severity = .error, message: String, advice: String = "", evidence: [String] = []) {
        self.id = id
        self.severity = severity
        self.message = message
        self.advice = advice
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey { case id, severity, message, advice, evidence }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        severity = try c.decodeIfPresent(Severity.self, forKey: .severity) ?? .error
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        advice = try c.decodeIfPresent(String.self, forKey: .advice) ?? ""
        evidence = try c.decodeIfPresent([String].self, forKey: .evidence) ?? []
    }
}

// MARK: - ExpectationResult

/// One checked expectation: what was expected, what was seen.
public struct ExpectationResult: Sendable, Hashable, Codable {
    /// What was checked (`status`, `finish_reason`, `attempts`).
    public var name: String
    public var passed: Bool
    public var expected: String
    public var actual: String

    public init(name: String, passed: Bool, expected: String, actual: String) {
        self.name = name
        self.passed = passed
        self.expected = expected
        self.actual = actual
    }
}
