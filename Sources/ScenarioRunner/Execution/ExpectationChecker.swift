import Foundation
import HTTPWire
import Reporting

// MARK: - ExpectationChecker

/// Checks a step's ``Scenario/Expectation`` against what the client reported, the journal and the findings.
public struct ExpectationChecker: Sendable {
    public init() {}

    /// One ``Check`` per checked item and request (named `step 0: attempts [s0.r1]`).
    public func check(
        step: Scenario.Step, stepIndex: Int, client: Scenario.Client, outcomes: [RequestOutcome],
        exchanges: [ObservedExchange], findings: [Finding], durationMilliseconds: Double, reply: String? = nil
    ) -> [Check] {
        let e = step.expect
        var results: [Check] = []
        let prefix = "\(step.name)"
        func add(_ kind: Check.Kind, _ detail: String, _ passed: Bool, _ expected: String, _ actual: String) {
            let name = "\(prefix): \(kind.rawValue)\(detail)"
            results.append(Check(kind: kind, result: ExpectationResult(name: name, passed: passed, expected: expected, actual: actual)))
        }
        for outcome in outcomes {
            let r = outcomes.count > 1 ? " [\(outcome.requestID)]" : ""
            // Outcome class.
            let actualOutcome = outcome.kind.rawValue + (outcome.errorCode.map { " (\($0))" } ?? "")
            add(.outcome, r, e.outcome == .any || outcome.kind.rawValue == e.outcome.rawValue, e.outcome.rawValue, actualOutcome + (outcome.errorMessage.map { ": \($0)" } ?? ""))
            if let code = e.errorCode {
                add(.errorCode, r, outcome.errorCode == code, code, outcome.errorCode ?? "none")
            }
            if let status = e.status {
                add(.status, r, outcome.status == status, String(status), outcome.status.map(String.init) ?? "none")
            }
            // The attempts of the operation itself: a client's side requests (a model list after a 404) are not attempts.
            let group = Self.operationAttempts(exchanges.filter { $0.requestID == outcome.requestID }, operation: step.operation)
            if let bounds = e.attempts {
                let count = outcome.attempts.isEmpty ? group.count : outcome.attempts.count
                let journal = group.isEmpty ? "" : " (journal: \(group.count))"
                add(.attempts, r, bounds.contains(Double(count)), bounds.description, "\(count)\(journal)")
            }
            if let delays = e.retryDelaysMilliseconds {
                let gaps = Self.gaps(group: group, attempts: outcome.attempts)
                if gaps.isEmpty {
                    add(.retryDelays, r, false, delays.map(\.description).joined(separator: ", "), "no retries")
                }
                for (i, gap) in gaps.enumerated() {
                    let bound = delays.count == 1 ? delays[0] : (i < delays.count ? delays[i] : nil)
                    guard let bound else {
                        add(.retryDelays, "[\(i)]" + r, false, "no retry", String(format2: gap))
                        continue
                    }
                    add(.retryDelays, "[\(i)]" + r, bound.contains(gap), bound.description, String(format2: gap))
                }
            }
            if let content = e.content {
                add(.content, r, outcome.content == content, Self.quote(content), Self.quote(outcome.content))
            }
            if let pattern = e.contentPattern {
                let matched = (try? NSRegularExpression(pattern: pattern)).map {
                    $0.firstMatch(in: outcome.content, range: NSRange(outcome.content.startIndex..., in: outcome.content)) != nil
                } ?? false
                add(.contentRegex, r, matched, "/\(pattern)/", Self.quote(outcome.content))
            }
            if let bounds = e.chunks {
                add(.chunks, r, bounds.contains(Double(outcome.chunks)), bounds.description, String(outcome.chunks))
            }
            if let bounds = e.ttftMilliseconds {
                let value = outcome.timing?.ttftMilliseconds
                add(.ttft, r, value.map(bounds.contains) ?? false, bounds.description, value.map { String(format2: $0) } ?? "none")
            }
            if let bounds = e.e2elMilliseconds {
                let value = outcome.timing?.e2elMilliseconds
                add(.e2el, r, value.map(bounds.contains) ?? false, bounds.description, value.map { String(format2: $0) } ?? "none")
            }
            if let models = e.models {
                add(.models, r, outcome.models == models, models.joined(separator: ", "), outcome.models.joined(separator: ", "))
            }
            if let bounds = e.modelCount {
                add(.modelCount, r, bounds.contains(Double(outcome.models.count)), bounds.description, String(outcome.models.count))
            }
            if let server = e.servedBy {
                add(.servedBy, r, outcome.servedBy == server, server, outcome.servedBy ?? "unknown")
            }
            if let discovered = e.discovered {
                let shown = { (d: [String: String]) in d.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") }
                let ok = discovered.allSatisfy { outcome.discovered[$0.key] == $0.value }
                add(.discovered, r, ok, shown(discovered), shown(outcome.discovered))
            }
            if !e.app.isEmpty {
                results += Self.checkApp(e.app, outcome: outcome, reply: reply, prefix: prefix, suffix: r)
            }
            if let bounds = e.embeddingDimensions {
                let value = outcome.embeddingDimensions
                add(.embeddingDimensions, r, value.map { bounds.contains(Double($0)) } ?? false, bounds.description, value.map(String.init) ?? "none")
            }
        }
        if let bounds = e.durationMilliseconds {
            add(.duration, "", bounds.contains(durationMilliseconds), bounds.description, String(format2: durationMilliseconds))
        }
        let found = Set(findings.map(\.id))
        for id in e.findings {
            add(.finding, " \(id)", found.contains(id), "reported", found.contains(id) ? "reported" : "not reported")
        }
        for id in e.noFindings {
            add(.noFinding, " \(id)", !found.contains(id), "not reported", found.contains(id) ? "reported" : "not reported")
        }
        if client.kind == .providerClient || client.kind == .command {
            let tolerated = Set(e.findings + e.allowFindings)
            for finding in findings where !tolerated.contains(finding.id) && !e.noFindings.contains(finding.id) && finding.severity != .info {
                add(.unexpectedFinding, " \(finding.id)", false, "none", finding.message + " " + finding.evidence.joined(separator: "; "))
            }
        }
        return results
    }

    /// Gaps between attempts in ms: server-side (journal) when it saw several attempts, else the client's log.
    static func gaps(group: [ObservedExchange], attempts: [RequestOutcome.Attempt]) -> [Double] {
        if group.count >= 2 {
            let ordered = VerdictEngine.ordered(group)
            return zip(ordered, ordered.dropFirst()).map { VerdictEngine.gap($0, $1) }
        }
        guard attempts.count >= 2 else { return [] }
        return zip(attempts, attempts.dropFirst()).map { a, b in
            if let d = b.delayBeforeMilliseconds { return d }
            let end = a.endedAt ?? a.startedAt
            return b.startedAt > end ? end.duration(to: b.startedAt).milliseconds : 0
        }
    }

    /// The exchanges that perform `operation` (by path), or all of them when none is recognisable.
    static func operationAttempts(_ group: [ObservedExchange], operation: Scenario.Operation) -> [ObservedExchange] {
        let words: [String]
        switch operation {
        case .chat, .failoverChat: words = ["chat", "generate", "completions"]
        case .generate: words = ["generate", "completions"]
        case .embed: words = ["embed"]
        case .listModels: words = ["/models", "/tags"]
        case .showModel: words = ["/show", "/models/"]
        case .discover: return group
        }
        let matching = group.filter { e in words.contains { e.path.contains($0) } }
        return matching.isEmpty ? group : matching
    }

    static func quote(_ s: String) -> String {
        let capped = s.count > 120 ? String(s.prefix(117)) + "…" : s
        return "\"" + capped + "\""
    }
}
