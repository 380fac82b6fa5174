import HTTPWire

// MARK: - SessionJudge

/// Judges what a running mock saw, for `GET /__llmcheck/verdict` (session mode: a test suite drives the mock
/// itself and asks, per `X-Test-Id`, whether the client behaved).
///
/// MockProviders holds no verdict logic: `llmcheck serve` injects the scenario runner's verdicts through
/// ``MockConfiguration/sessionJudge``; without one the endpoint answers 501.
public protocol SessionJudge: Sendable {
    /// The verdict on `entries` (already narrowed to `query.testID` when one was given).
    func verdict(on entries: [JournalEntry], query: SessionVerdictQuery, provider: MockProviderKind) -> SessionVerdictAnswer
}

/// What `GET /__llmcheck/verdict?test_id=…&format=…` asks.
public struct SessionVerdictQuery: Sendable, Hashable {
    /// Judge only requests whose `X-Test-Id` is this; nil judges every test (one verdict per test id).
    public var testID: String?
    /// `json` (default), `text` or `junit`.
    public var format: String
    /// Other query parameters (`idle_ms`, `max_retries` …), passed through to the judge.
    public var parameters: [String: String]

    public init(testID: String? = nil, format: String = "json", parameters: [String: String] = [:]) {
        self.testID = testID
        self.format = format
        self.parameters = parameters
    }
}

/// A verdict ready to send.
public struct SessionVerdictAnswer: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int = 200, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}
