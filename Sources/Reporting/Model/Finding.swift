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
