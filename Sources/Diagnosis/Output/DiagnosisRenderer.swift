import Foundation
import HTTPWire
import ProviderClient

/// Renders a ``DiagnosisReport`` as text (doctor style) or JSON. Every string passes through
/// HTTPWire's `SecretMasking` first: the known ``secrets`` by value, then token shapes.
public struct DiagnosisRenderer: Sendable {
    /// Colour (ANSI) only on a terminal.
    public var useColor: Bool
    /// Show evidence under every check (-v).
    public var verbose: Bool
    /// Secrets known by value (the keys in use); every occurrence is masked, also without
    /// surrounding white space.
    public var secrets: [String]

    public init(useColor: Bool = false, verbose: Bool = false, secrets: [String] = []) {
        self.useColor = useColor
        self.verbose = verbose
        self.secrets = secrets + secrets.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// `text` (diagnose's own prose) with the known keys masked wherever they occur, and
    /// key-shaped tokens (`sk-…`, `Bearer …`, URL passwords): secrets, not the words after a
    /// variable or flag name (`from --api-key: 401` keeps its 401).
    func scrub(_ text: String) -> String {
        SecretMasking.redactTokens(SecretMasking.redact(text, secrets: secrets), credentialFields: false)
    }

    /// An evidence value, which may quote what a server sent: credential fields are masked too.
    func scrubEvidence(_ text: String) -> String {
        SecretMasking.redactTokens(SecretMasking.redact(flatten(text), secrets: secrets))
    }

    /// One line: raw line breaks and tabs shown as `\n`, `\r`, `\t` so `-v` keeps its layout.
    func flatten(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Text

    private func paint(_ text: String, _ code: String) -> String { useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    private func symbol(_ status: CheckStatus) -> String {
        switch status {
        case .pass: paint("✓", "32")
        case .warn: paint("!", "33")
        case .fail: paint("✗", "31")
        case .skip, .info: paint("–", "2")
        }
    }

    public func text(_ report: DiagnosisReport) -> String {
        // Scrubbed line by line; an evidence line key by key and value by value (as in JSON), so a
        // label such as `OPENAI_API_KEY` never makes the masker take the value after it for a key.
        var lines: [String] = []
        func add(_ line: String) { lines.append(scrub(flatten(line))) }
        let verdictSymbol = report.verdict == .healthy ? symbol(.pass) : symbol(.fail)
        add("\(verdictSymbol) \(paint(report.headline, "1"))")
        add("")
        let machine = report.checks.filter { $0.target == nil }
        let healthyShort = report.verdict == .healthy && !verbose
        add(paint("This machine", "1"))
        for check in machine where !(healthyShort && check.status == .pass && check.findings.isEmpty) {
            lines += render(check)
        }
        for target in report.targets {
            add("")
            // A heading names an LLM server, or the provider configured and what answered instead.
            let name = target.answeredByLLMServer ? target.identified ?? providerName(target.provider) : providerName(target.provider)
            var header = "\(paint(name, "1"))  \(target.url)"
            if !target.answeredByLLMServer, let other = target.identified { header += "  — answered by \(other)" }
            header += "  (\(target.source)\(target.isDefaultProbe ? ", default port" : ""))"
            add(header)
            let checks = report.checks.filter { $0.target == target.index }
            if healthyShort {
                let passed = checks.filter { $0.status == .pass && $0.findings.isEmpty }
                let rest = checks.filter { !($0.status == .pass && $0.findings.isEmpty) }
                if !passed.isEmpty {
                    add("  \(symbol(.pass)) \(passed.map(\.title).joined(separator: ", ")) — all fine")
                }
                for check in rest { lines += render(check) }
            } else {
                for check in checks { lines += render(check) }
            }
        }
        let findings = report.findings
        if !findings.isEmpty {
            add("")
            add(paint(findings.contains { $0.severity == .error } ? "What to fix" : "Worth knowing", "1"))
            for (i, finding) in findings.enumerated() {
                let mode = FailureCatalog.mode(finding.modeID)
                let mark = finding.severity == .error ? symbol(.fail) : symbol(.warn)
                add("\(i + 1). \(mark) \(finding.message.sentenceCased) [\(finding.modeID)]")
                if let mode, verbose { add("     Why: \(mode.explanation)") }
                let fix = finding.fix ?? mode?.fix.text(for: report.platform)
                if let fix { add("     Fix: \(fix)") }
                if verbose {
                    for e in finding.evidence { lines.append(evidenceLine("     ", e)) }
                    if let looks = mode?.lookAlikes, !looks.isEmpty { add("     Not: \(looks.joined(separator: ", ")) (ruled out by the checks above)") }
                }
            }
        }
        add("")
        let counts = Dictionary(grouping: report.checks, by: \.status).mapValues(\.count)
        let tally = [CheckStatus.pass, .warn, .fail, .skip].compactMap { s in counts[s].map { "\($0) \(label(s))" } }.joined(separator: ", ")
        let (problems, warnings) = report.problemCount
        let story = "\(NumberText.count(problems, "problem")), \(NumberText.count(warnings, "warning"))"
        add(paint("\(story) · checks: \(tally) · \(ConnectAttempt.format(report.durationMilliseconds))\(verbose ? "" : " · -v for evidence, --json for machines")", "2"))
        return lines.joined(separator: "\n")
    }

    private func label(_ s: CheckStatus) -> String {
        switch s {
        case .pass: "passed"
        case .warn: "with warnings"
        case .fail: "failed"
        case .skip: "skipped"
        case .info: "info"
        }
    }

    private func providerName(_ raw: String) -> String { ProviderKind(argument: raw)?.displayName ?? raw }

    private func render(_ check: CheckResult) -> [String] {
        let pad = check.title.count < 24 ? String(repeating: " ", count: 24 - check.title.count) : " "
        var lines = [scrub(flatten("  \(symbol(check.status)) \(check.title)\(pad)\(check.summary)"))]
        if verbose {
            for e in check.evidence { lines.append(evidenceLine("      ", e)) }
        }
        return lines
    }

    /// `· key: value`, each side scrubbed on its own.
    private func evidenceLine(_ indent: String, _ e: Evidence) -> String {
        "\(indent)· \(scrub(flatten(e.key))): \(scrubEvidence(e.value))"
    }

    // MARK: - JSON

    /// The `--json` document (schema in docs/diagnose.md, `schemaVersion` 1).
    public func json(_ report: DiagnosisReport, toolVersion: String) -> JSONValue {
        func s(_ text: String) -> JSONValue { .string(scrub(text)) }
        func evidence(_ list: [Evidence]) -> JSONValue {
            .array(list.map { .object([("key", s($0.key)), ("value", .string(scrubEvidence($0.value)))]) })
        }
        func finding(_ f: Finding, check: CheckResult?) -> JSONValue {
            let mode = FailureCatalog.mode(f.modeID)
            var pairs: [(String, JSONValue)] = [
                ("mode", .string(f.modeID)), ("severity", .string(f.severity.rawValue)),
                ("title", mode.map { .string($0.title) } ?? .null), ("message", s(f.message)),
                ("explanation", mode.map { .string($0.explanation) } ?? .null),
                ("fix", (f.fix ?? mode?.fix.text(for: report.platform)).map { s($0) } ?? .null),
                ("look_alikes", .array((mode?.lookAlikes ?? []).map { .string($0) })),
                ("evidence", evidence(f.evidence)),
            ]
            if let check {
                pairs.append(("check", .string(check.id)))
                pairs.append(("target", check.target.map { .int($0) } ?? .null))
            }
            return .object(pairs)
        }
        let exitCode: Int = switch report.verdict {
        case .healthy: 0
        case .problems: 1
        case .unreachable: 69
        }
        var seen = Set<String>()
        var findings: [JSONValue] = []
        for check in report.checks {
            for f in check.findings where seen.insert(f.modeID + "\u{0}" + f.message).inserted {
                findings.append(finding(f, check: check))
            }
        }
        return .object([
            ("schema_version", 2),
            ("tool", "llmcheck"),
            ("tool_version", .string(toolVersion)),
            ("command", "diagnose"),
            ("verdict", .string(report.verdict.rawValue)),
            ("exit_code", .int(exitCode)),
            ("headline", s(report.headline)),
            ("platform", .string(report.platform.rawValue)),
            ("duration_ms", .number((report.durationMilliseconds * 10).rounded() / 10)),
            ("targets", .array(report.targets.map { t in
                .object([
                    ("index", .int(t.index)), ("url", s(t.url)), ("source", .string(t.source)), ("provider", .string(t.provider)),
                    ("default_probe", .bool(t.isDefaultProbe)), ("identified", t.identified.map { .string($0) } ?? .null),
                    ("reachable", .bool(t.reachable)),
                ])
            })),
            ("checks", .array(report.checks.map { c in
                .object([
                    ("id", .string(c.id)), ("target", c.target.map { .int($0) } ?? .null), ("title", .string(c.title)),
                    ("status", .string(c.status.rawValue)), ("summary", s(c.summary)),
                    ("duration_ms", .number((c.durationMilliseconds * 10).rounded() / 10)),
                    ("evidence", evidence(c.evidence)),
                    ("findings", .array(c.findings.map { .string($0.modeID) })),
                ])
            })),
            ("findings", .array(findings)),
        ])
    }
}
