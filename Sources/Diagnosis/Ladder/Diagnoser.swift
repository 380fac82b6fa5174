import Foundation
import HTTPWire

/// Runs the probe ladder of docs/failures.md §0 over every target and builds a ``DiagnosisReport``.
///
/// Nothing is cached between runs; nothing is written; every probe is bounded by the
/// configured timeouts.
public struct Diagnoser: Sendable {
    public var configuration: DiagnosisConfiguration

    public init(configuration: DiagnosisConfiguration) {
        self.configuration = configuration
    }

    public func run() async -> DiagnosisReport {
        let start = MonotonicInstant.now()
        let targets = TargetPlanner.plan(configuration)
        let runtime = configuration.runtime ?? RuntimeContext.detect(root: configuration.fileSystemRoot, environment: configuration.environment)
        let scan = ScanCache()
        var nodes: [CheckNode] = [environmentNode(), runtimeNode(runtime)]
        var states: [Int: TargetState] = [:]
        for target in targets {
            let state = target.parsed.map { TargetState(target: target, endpoint: $0, configuration: configuration) }
            if let state { states[target.index] = state }
            nodes += ladder(for: target, state: state, runtime: runtime, scan: scan)
        }
        let results = await CheckScheduler.run(nodes)
        var checks = nodes.compactMap { results[$0.key] }
        var reportTargets: [DiagnosisReport.Target] = []
        for target in targets {
            let state = states[target.index]
            let identity = await state?.identity
            let reachable = await state?.workingAddress != nil
            reportTargets.append(
                DiagnosisReport.Target(
                    index: target.index, url: SecretMasking.redactURL(target.input), source: target.source,
                    provider: target.provider.diagnoseName, isDefaultProbe: target.isDefaultProbe,
                    identified: identity.flatMap { $0.kind == .unknown ? nil : $0.displayName }, reachable: reachable,
                    answeredByLLMServer: identity?.isLLMServer ?? false
                )
            )
        }
        // A default-port probe nobody configured is context, not a problem, once anything else answers.
        let anyReachable = reportTargets.contains { $0.reachable }
        if anyReachable {
            for (i, check) in checks.enumerated() {
                guard let t = check.target, reportTargets[t].isDefaultProbe, !reportTargets[t].reachable else { continue }
                checks[i].findings = []
                if checks[i].status == .fail || checks[i].status == .warn {
                    checks[i].status = .info
                    checks[i].summary += " (default port, not configured)"
                }
            }
        }
        checks = StoryEditor.edit(checks, targets: targets)
        let findings = checks.flatMap(\.findings)
        let failed = checks.contains { $0.status == .fail } || findings.contains { $0.severity == .error }
        let verdict: DiagnosisReport.Verdict
        let anyEndpoint = targets.contains { $0.parsed != nil }
        // A target unreachable only because of its URL (no port) is a URL problem, not "nothing reachable".
        let explainedByURL = targets.contains { !$0.isDefaultProbe && StoryEditor.isURLProblemOnly($0) }
        if !anyReachable, anyEndpoint, !explainedByURL {
            verdict = .unreachable
        } else {
            verdict = failed ? .problems : .healthy
        }
        let report = DiagnosisReport(
            verdict: verdict, headline: "", targets: reportTargets, checks: checks, platform: configuration.platform,
            durationMilliseconds: start.elapsed.milliseconds
        )
        var final = report
        final.headline = Self.headline(report)
        return final
    }

    static func headline(_ report: DiagnosisReport) -> String {
        let errors = report.findings.filter { $0.severity == .error }
        let warnings = report.problemCount.warnings
        switch report.verdict {
        case .healthy:
            let ok = report.targets.filter { $0.reachable }.map { "\($0.identified ?? $0.provider) at \($0.url)" }
            let w = warnings == 0 ? "" : " (\(NumberText.count(warnings, "warning")))"
            return "No problems found: \(ok.joined(separator: ", ")) answered\(w)."
        case .problems, .unreachable:
            var ids: [String] = []
            for e in errors where !ids.contains(e.modeID) { ids.append(e.modeID) }
            let first = errors.first?.message ?? report.checks.first { $0.status == .fail }?.summary ?? "a check failed"
            let prefix = report.verdict == .unreachable ? "Nothing reachable" : "\(NumberText.count(max(report.problemCount.problems, 1), "problem")) found"
            return "\(prefix): \(first.sentenceCased)" + (ids.isEmpty ? "" : " [\(ids.joined(separator: ", "))]")
        }
    }

    // MARK: - Machine-wide checks

    private func environmentNode() -> CheckNode {
        let env = configuration.environment
        return CheckNode(key: "environment", id: "environment", target: nil, title: "Environment variables", dependsOn: []) {
            var evidence: [Evidence] = []
            let names = [
                "OLLAMA_HOST", "OLLAMA_ORIGINS", "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_API_KEY", "LM_API_TOKEN",
                "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
                "VLLM_API_KEY", "LLAMA_API_KEY",
            ]
            for name in names {
                guard let value = env[name], !value.isEmpty else { continue }
                let shown = name.contains("KEY") || name.contains("TOKEN") ? SecretMasking.mask(value) : SecretMasking.redactURL(value)
                evidence.append(Evidence(name, shown))
            }
            var findings = EnvironmentLint.variableFindings(env)
            for name in ["VLLM_API_KEY", "LLAMA_API_KEY"] where env[name].map({ !$0.isEmpty }) == true {
                findings.append(
                    Finding(
                        "local-server-key-required", severity: .warning,
                        message: "\(name) is set in this environment: a server started from this shell requires that key from every client.",
                        fix: "Give the app the same key, or unset \(name) before starting the server."
                    )
                )
            }
            let status: CheckStatus = findings.contains { $0.severity == .error } ? .fail : findings.isEmpty ? .pass : .warn
            let summary = evidence.isEmpty ? "no provider or proxy variables set" : "\(evidence.count) relevant variable\(evidence.count == 1 ? "" : "s") set"
            return CheckResult(id: "environment", title: "Environment variables", status: status, summary: summary, evidence: evidence, findings: findings)
        }
    }

    private func runtimeNode(_ runtime: RuntimeContext) -> CheckNode {
        CheckNode(key: "runtime", id: "runtime", target: nil, title: "Runtime context", dependsOn: []) {
            var evidence = runtime.clues.map { Evidence("clue", $0) }
            if let hint = runtime.hostAddressHint { evidence.append(Evidence("host address hint", hint)) }
            let summary: String
            switch runtime.kind {
            case .native: summary = "running natively (no container or WSL detected)"
            case .docker: summary = "running inside a Docker container: localhost is the container"
            case .podman: summary = "running inside a Podman container: localhost is the container"
            case .container: summary = "running inside a container: localhost is the container"
            case .wsl: summary = "running inside WSL: Windows services are on another host in NAT mode"
            }
            return CheckResult(id: "runtime", title: "Runtime context", status: .info, summary: summary, evidence: evidence)
        }
    }

    // MARK: - Per-target ladder

    private func ladder(for target: DiagnosisTarget, state: TargetState?, runtime: RuntimeContext, scan: ScanCache) -> [CheckNode] {
        let t = target.index
        func key(_ id: String) -> String { "t\(t).\(id)" }
        var nodes: [CheckNode] = []
        let configuration = self.configuration
        nodes.append(
            CheckNode(key: key("lint"), id: "lint", target: t, title: "URL and key", dependsOn: []) {
                Self.lint(target, configuration: configuration)
            }
        )
        guard let state else { return nodes }
        let probe = LadderProbes(state: state, configuration: configuration, runtime: runtime, scan: scan)
        nodes.append(CheckNode(key: key("proxy"), id: "proxy", target: t, title: "Proxy settings", dependsOn: [key("lint")]) {
            await probe.proxy()
        })
        nodes.append(CheckNode(key: key("dns"), id: "dns", target: t, title: "Name resolution", dependsOn: [key("lint")]) {
            await probe.resolve()
        })
        nodes.append(CheckNode(key: key("connect"), id: "connect", target: t, title: "TCP connect", dependsOn: [key("dns")]) {
            await probe.connect()
        })
        nodes.append(CheckNode(key: key("protocol"), id: "protocol", target: t, title: "Protocol", dependsOn: [key("connect")]) {
            await probe.sniffProtocol()
        })
        nodes.append(CheckNode(key: key("identity"), id: "identity", target: t, title: "Identity", dependsOn: [key("protocol")]) {
            await probe.identify()
        })
        nodes.append(CheckNode(key: key("path"), id: "path", target: t, title: "Path and dialect", dependsOn: [key("identity")]) {
            await probe.checkPath()
        })
        nodes.append(CheckNode(key: key("policy"), id: "policy", target: t, title: "Origin and Host policy", dependsOn: [key("identity")]) {
            await probe.checkPolicy()
        })
        nodes.append(CheckNode(key: key("auth"), id: "auth", target: t, title: "Authentication", dependsOn: [key("identity")]) {
            await probe.checkAuth()
        })
        nodes.append(
            CheckNode(
                key: key("model"), id: "model", target: t, title: "Model", dependsOn: [key("identity"), key("path"), key("auth")],
                requiresSuccess: false
            ) {
                await probe.checkModel()
            }
        )
        if configuration.deep {
            nodes.append(CheckNode(key: key("generation"), id: "generation", target: t, title: "Streamed generation", dependsOn: [key("model")]) {
                await probe.generate()
            })
        }
        return nodes
    }

    static func lint(_ target: DiagnosisTarget, configuration: DiagnosisConfiguration) -> CheckResult {
        var findings = URLLint.findings(for: target)
        let key = configuration.effectiveKey
        findings += EnvironmentLint.keyFindings(key: key?.value, source: key?.source, target: target)
        var evidence = [Evidence("given", SecretMasking.redactURL(target.input)), Evidence("source", target.source)]
        evidence.append(Evidence("provider", target.provider.diagnoseName + (target.isProviderKnown ? "" : " (guessed)")))
        evidence.append(Evidence("client dialect", target.dialect.rawValue))
        if let key { evidence.append(Evidence("api key", "\(SecretMasking.mask(key.value)) from \(key.source)")) }
        guard let endpoint = target.parsed else {
            return CheckResult(
                id: "lint", target: target.index, title: "URL and key", status: .fail,
                summary: findings.first?.message ?? "the URL cannot be parsed", evidence: evidence, findings: findings
            )
        }
        evidence.insert(Evidence("normalized", endpoint.normalized), at: 1)
        let status: CheckStatus = findings.isEmpty ? .pass : .warn
        let summary = findings.isEmpty ? endpoint.normalized : "\(endpoint.normalized) — \(findings.count) issue\(findings.count == 1 ? "" : "s")"
        return CheckResult(id: "lint", target: target.index, title: "URL and key", status: status, summary: summary, evidence: evidence, findings: findings)
    }
}
