// MARK: - OutcomeCounts

/// How many scenarios ended in each ``ScenarioOutcome/Status``.
public struct OutcomeCounts: Sendable, Hashable, Codable {
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
    public var skipped: Int

    public init(total: Int = 0, passed: Int = 0, failed: Int = 0, errors: Int = 0, skipped: Int = 0) {
        self.total = total
        self.passed = passed
        self.failed = failed
        self.errors = errors
        self.skipped = skipped
    }

    public init(_ statuses: [ScenarioOutcome.Status]) {
        self.init(total: statuses.count)
        for status in statuses {
            switch status {
            case .passed: passed += 1
            case .failed: failed += 1
            case .error: errors += 1
            case .skipped: skipped += 1
            }
        }
    }
}
