import Foundation
import HTTPWire
/// Everything one `diagnose` run found.
public struct DiagnosisReport: Sendable {
    /// Overall outcome, which also decides the exit code.
    public enum Verdict: String, Sendable, Hashable {
        /// No problems (warnings allowed). Exit 0.
        case healthy
        /// At least one problem found. Exit 1.
        case problems
        /// No target could be reached at all (DNS/TCP). Exit 69.
        case unreachable
    }

    /// Description of one diagnosed endpoint.
    public struct Target: Sendable, Hashable {
        public var index: Int
        /// The URL as the user or environment gave it (secrets masked).
        public var url: String
        /// Where it came from: `argument`, `OLLAMA_HOST`, `OPENAI_BASE_URL`, `default`.
        public var source: String
        /// Provider the app is configured for (`ollama`, `lmstudio`, `openai`) or guessed.
        public var provider: String
        /// Whether it is a default port probe (not configured by the user): its absence is not a problem.
        public var isDefaultProbe: Bool
        /// What answered, when identified (`ollama 0.5.1`, `lmstudio`, …).
        public var identified: String?
        /// Whether a TCP connection succeeded.
        public var reachable: Bool
        /// Whether what answered is an LLM API (else ``identified`` names what it is instead).
        public var answeredByLLMServer: Bool = false
    }

    public var verdict: Verdict
    /// One-line verdict text.
    public var headline: String
    public var targets: [Target]
    public var checks: [CheckResult]
    public var platform: Platform
    public var durationMilliseconds: Double

    /// Every finding, worst first, duplicates (same mode and message) removed.
    public var findings: [Finding] {
        var seen = Set<String>()
        var result: [Finding] = []
        for check in checks {
            for finding in check.findings where seen.insert(finding.modeID + "\u{0}" + finding.message).inserted {
                result.append(finding)
            }
        }
        return result.sorted { ($0.severity == .error ? 0 : 1) < ($1.severity == .error ? 0 : 1) }
    }

    /// What the headline and the footer count: problems are error findings plus failed checks
    /// that produced none (an unrecognised answer), warnings are warning findings.
    public var problemCount: (problems: Int, warnings: Int) {
        let all = findings
        // A target whose checks failed without naming a mode still counts as one problem.
        let groups = Dictionary(grouping: checks, by: { $0.target ?? -1 })
        let unexplained = groups.values.filter { group in
            group.contains { $0.status == .fail } && !group.contains { $0.findings.contains { $0.severity == .error } }
        }.count
        return (all.filter { $0.severity == .error }.count + unexplained, all.filter { $0.severity == .warning }.count)
    }

    /// Ids of every diagnosed failure mode.
    public var modeIDs: Set<String> { Set(findings.map(\.modeID)) }
}
