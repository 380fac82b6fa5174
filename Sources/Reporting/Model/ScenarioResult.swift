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
    /// The program under test, for scenarios run against a command client (`llmcheck-chat`, `openai_client`);
    /// nil for llmcheck's own clients. It becomes the first part of the JUnit classname.
    public var client: String?
    /// The runs of the program under test, for command clients (exit status, output tails).
    public var apps: [AppRun] = []

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
        case findings, expectations, requests, transcript, client, apps
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
        client = try c.decodeIfPresent(String.self, forKey: .client)
        apps = try c.decodeIfPresent([AppRun].self, forKey: .apps) ?? []
    }

    /// Whether the request errors of this scenario were expected: the scenario passed, so every error in it
    /// was an injected fault (timeout, reset, 429…) that the client handled as the scenario requires.
    /// Errors in a failed or errored scenario are unexpected.
    public var errorsAreExpected: Bool { outcome.status == .passed }

    /// JUnit classname: `conformance.<provider>.<capability>`, or `conformance.<client>.<provider>.<capability>` for a
    /// program under test, with each part reduced to `[a-z0-9_-]`.
    public var junitClassName: String {
        let head = client.map { "conformance.\(TextSanitizer.identifierComponent($0))" } ?? "conformance"
        return "\(head).\(TextSanitizer.identifierComponent(provider)).\(TextSanitizer.identifierComponent(capability))"
    }
}
