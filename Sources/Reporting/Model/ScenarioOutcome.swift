// MARK: - ScenarioOutcome

/// How a scenario ended, with a short message and a machine-readable kind.
public struct ScenarioOutcome: Sendable, Hashable, Codable {
    /// Outcome classes: assertion failure, transport error, skipped.
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
