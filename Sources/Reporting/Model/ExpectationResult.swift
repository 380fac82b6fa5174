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
