import Foundation
import HTTPWire
/// Outcome of one check.
public enum CheckStatus: String, Sendable, Hashable, CaseIterable {
    /// Worked as expected (✓).
    case pass
    /// Works, but something will bite some apps (!).
    case warn
    /// A problem that stops apps (✗).
    case fail
    /// Not run, because a check it depends on failed or it does not apply (–).
    case skip
    /// Nothing to judge; context only (–).
    case info

    /// Symbol used by the text renderer.
    public var symbol: String {
        switch self {
        case .pass: "✓"
        case .warn: "!"
        case .fail: "✗"
        case .skip, .info: "–"
        }
    }

    /// Ordering by severity (higher is worse).
    public var severity: Int {
        switch self {
        case .skip, .info: 0
        case .pass: 1
        case .warn: 2
        case .fail: 3
        }
    }
}

/// One piece of evidence: what was tried and what came back.
public struct Evidence: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// A diagnosed failure mode, with what was seen and the exact fix.
public struct Finding: Sendable, Hashable {
    /// Whether the mode breaks the app (error) or only some apps / some of the time (warning).
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// Catalog id (``FailureCatalog``).
    public var modeID: String
    public var severity: Severity
    /// The specific observation, e.g. "Nothing is listening on 127.0.0.1:11434".
    public var message: String
    /// The specific fix (commands/settings); catalog fix text is added by the renderer.
    public var fix: String?
    public var evidence: [Evidence]

    public init(_ modeID: String, severity: Severity = .error, message: String, fix: String? = nil, evidence: [Evidence] = []) {
        self.modeID = modeID
        self.severity = severity
        self.message = message
        self.fix = fix
        self.evidence = evidence
    }
}

/// The result of one check of the ladder.
public struct CheckResult: Sendable, Hashable {
    /// Stable check id (see docs/diagnose.md), e.g. `connect`.
    public var id: String
    /// Index of the target this check belongs to; nil for machine-wide checks.
    public var target: Int?
    public var title: String
    public var status: CheckStatus
    /// One line saying what happened.
    public var summary: String
    public var evidence: [Evidence]
    public var findings: [Finding]
    /// Wall time of the check, milliseconds.
    public var durationMilliseconds: Double

    public init(
        id: String, target: Int? = nil, title: String, status: CheckStatus, summary: String, evidence: [Evidence] = [],
        findings: [Finding] = [], durationMilliseconds: Double = 0
    ) {
        self.id = id
        self.target = target
        self.title = title
        self.status = status
        self.summary = summary
        self.evidence = evidence
        self.findings = findings
        self.durationMilliseconds = durationMilliseconds
    }
}
