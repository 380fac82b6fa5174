import Foundation

/// Makes one run tell one story once every check has finished: check symbols agree with the
/// findings they produced, a URL problem is not blamed on the network as well, and advice that
/// contradicts a stronger finding is dropped. Pure: checks in, checks out.
enum StoryEditor {
    static func edit(_ checks: [CheckResult], targets: [DiagnosisTarget]) -> [CheckResult] {
        var checks = checks
        for target in targets {
            // A URL without a port is a URL problem only: what port 80 did is evidence, not a finding.
            if let fixed = URLLint.missingPortCorrection(target), let endpoint = target.parsed {
                for i in checks.indices where checks[i].target == target.index && checks[i].id != "lint" {
                    guard !checks[i].findings.isEmpty || checks[i].status == .fail || checks[i].status == .warn else { continue }
                    checks[i].findings = []
                    checks[i].status = .info
                    checks[i].summary += " (port \(endpoint.port) only because the URL has no port; use \(fixed.normalized))"
                }
            }
            // A server that requires a key does not "ignore the key".
            let targetFindings = checks.filter { $0.target == target.index }.flatMap(\.findings)
            if targetFindings.contains(where: { $0.modeID == "local-server-key-required" }) {
                for i in checks.indices where checks[i].target == target.index {
                    checks[i].findings.removeAll { $0.modeID == "client-requires-dummy-key" }
                }
            }
        }
        // A check's symbol follows its findings: ✗ when an error came from it, ! for warnings.
        for i in checks.indices {
            if checks[i].findings.contains(where: { $0.severity == .error }) {
                checks[i].status = .fail
            } else if !checks[i].findings.isEmpty, checks[i].status == .pass {
                checks[i].status = .warn
            } else if checks[i].findings.isEmpty, checks[i].id == "lint", checks[i].status == .warn {
                checks[i].status = .pass
            }
        }
        return checks
    }

    /// Whether every unreachable target is explained by its URL alone (then the verdict is
    /// "problems", not "nothing reachable").
    static func isURLProblemOnly(_ target: DiagnosisTarget) -> Bool {
        URLLint.missingPortCorrection(target) != nil
    }
}
