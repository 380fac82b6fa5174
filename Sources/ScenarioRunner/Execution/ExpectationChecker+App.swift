import Foundation
import Reporting

// MARK: - App expectations

extension ExpectationChecker {
    /// Checks a program's exit status, output and wall time (named `step 0: exit`, `step 0: stdout_is_reply` …).
    static func checkApp(_ app: Scenario.AppExpectation, outcome: RequestOutcome, reply: String?, prefix: String, suffix: String) -> [Check] {
        var results: [Check] = []
        func add(_ kind: Check.Kind, _ passed: Bool, _ expected: String, _ actual: String) {
            let name = "\(prefix): \(kind.rawValue)\(suffix)"
            results.append(Check(kind: kind, result: ExpectationResult(name: name, passed: passed, expected: expected, actual: actual)))
        }
        guard let run = outcome.process else {
            add(.exit, false, "a program under test", "no program ran (the client is not a command)")
            return results
        }
        if let exit = app.exit {
            let passed: Bool
            switch (exit, run.ending) {
            case (.zero, .exited(0)): passed = true
            case (.nonZero, .exited(let c)): passed = c != 0
            case (.nonZero, .signalled): passed = true
            case (.code(let want), .exited(let c)): passed = Int(c) == want
            default: passed = false
            }
            add(.exit, passed, exit.description, run.ending.description)
        }
        let stdout = outcome.content
        if let text = app.stdoutContains {
            add(.stdoutContains, stdout.contains(text), quote(text), quote(stdout))
        }
        if let pattern = app.stdoutPattern {
            add(.stdoutRegex, matches(pattern, stdout), "/\(pattern)/", quote(stdout))
        }
        if let wanted = app.stdoutIsReply {
            let full = reply ?? ""
            let isReply = stdout == full
            var actual = isReply ? "the whole reply" : "\(stdout.count) of the reply's \(full.count) characters: \(quote(stdout))"
            if !isReply, !stdout.isEmpty, full.hasPrefix(stdout) { actual = "only the first \(stdout.count) of \(full.count) characters (a truncated answer)" }
            add(.stdoutIsReply, isReply == wanted, wanted ? "the whole reply \(quote(full))" : "not the whole reply", actual)
        }
        let stderr = run.standardError.text
        if let text = app.stderrContains {
            add(.stderrContains, stderr.contains(text), quote(text), quote(stderr))
        }
        if let pattern = app.stderrPattern {
            add(.stderrRegex, matches(pattern, stderr), "/\(pattern)/", quote(stderr))
        }
        if let bounds = app.wallMilliseconds {
            add(.wall, bounds.contains(run.milliseconds), bounds.description, String(format2: run.milliseconds) + " (\(run.ending))")
        }
        return results
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
