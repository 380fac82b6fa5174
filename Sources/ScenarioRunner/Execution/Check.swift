import Reporting

// MARK: - Check

/// One checked expectation, typed: what was checked (``Kind``) and the report's text form (``result``).
public struct Check: Sendable, Hashable {
    /// What an expectation checks; its raw value is the expectation key (and the start of the check's name).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case outcome, status, attempts, content, chunks, models, discovered, exit
        case errorCode = "error_code"
        case retryDelays = "retry_delays_ms"
        case contentRegex = "content_regex"
        case ttft = "ttft_ms"
        case e2el = "e2el_ms"
        case modelCount = "model_count"
        case servedBy = "served_by"
        case embeddingDimensions = "embedding_dimensions"
        case duration = "duration_ms"
        case stdoutContains = "stdout_contains"
        case stdoutRegex = "stdout_regex"
        case stdoutIsReply = "stdout_is_reply"
        case stderrContains = "stderr_contains"
        case stderrRegex = "stderr_regex"
        case wall = "wall_ms"
        /// A finding the step requires.
        case finding
        /// A finding the step forbids.
        case noFinding = "no finding"
        /// A finding nobody expected (fails scenarios that judge a real client).
        case unexpectedFinding = "unexpected finding"

        /// The failure kind a scenario reports when this check fails first (`verdict` for every finding check).
        public var failureKind: String {
            switch self {
            case .finding, .noFinding, .unexpectedFinding: "verdict"
            default: rawValue
            }
        }
    }

    public var kind: Kind
    public var result: ExpectationResult

    public init(kind: Kind, result: ExpectationResult) {
        self.kind = kind
        self.result = result
    }

    public var passed: Bool { result.passed }
}
