import Foundation
import HTTPWire
import ProviderClient

/// The rungs of the ladder for one target. Each method is one check.
struct LadderProbes: Sendable {
    let state: TargetState
    let configuration: DiagnosisConfiguration
    let runtime: RuntimeContext
    let scan: ScanCache

    var endpoint: Endpoint { state.endpoint }
    var target: DiagnosisTarget { state.target }
    var index: Int { state.target.index }

    func result(
        _ id: String, _ title: String, _ status: CheckStatus, _ summary: String, evidence: [Evidence] = [], findings: [Finding] = []
    ) -> CheckResult {
        CheckResult(id: id, target: index, title: title, status: status, summary: summary, evidence: evidence, findings: findings)
    }

    // MARK: - Proxy (rung 0)

    func proxy() async -> CheckResult {
        let title = "Proxy settings"
        guard let route = EnvironmentLint.proxyRoute(for: endpoint, environment: configuration.environment) else {
            let any = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
                .contains { configuration.environment[$0].map { !$0.isEmpty } ?? false }
            return result("proxy", title, .pass, any ? "NO_PROXY excludes \(endpoint.host)" : "no proxy variables set")
        }
        var evidence = [Evidence(route.variable, route.url)]
        var reach = ""
        if let p = route.endpoint {
            let resolved = await ProbeNet.resolve(p.host, port: p.port)
            if case .success(let addresses) = resolved, let first = addresses.first {
                let attempt = await ProbeNet.connectOnly(first, port: p.port, timeout: min(configuration.connectTimeout, 2))
                evidence.append(Evidence("proxy connect", attempt.summary))
                switch attempt.outcome {
                case .connected:
                    // Show what the proxy actually answers for the target, as those apps would see it.
                    let asked = endpoint.isHTTPS ? "CONNECT \(endpoint.authority)" : "GET \(endpoint.rootURL("/"))"
                    let request = endpoint.isHTTPS
                        ? ProbeRequest(method: "CONNECT", path: endpoint.authority, hostHeader: endpoint.authority)
                        : ProbeRequest(path: endpoint.rootURL("/"), hostHeader: endpoint.authority)
                    let answer = await ProbeHTTP.send(
                        request, to: first, port: p.port, authority: p.authority, connectTimeout: min(configuration.connectTimeout, 2),
                        readTimeout: min(configuration.readTimeout, 3))
                    evidence.append(Evidence("proxy answer to \(asked)", answer.sketch))
                    var seen = ""
                    if let r = answer.response {
                        let banners = ["Via", "Server"].compactMap { n in r.headers[n].map { "\(n): \($0)" } }
                        seen = " It answered \(asked) with HTTP \(r.status) \(r.reason)\(banners.isEmpty ? "" : " (\(banners.joined(separator: ", ")))")."
                    } else {
                        seen = " Asked for \(asked), it gave: \(answer.sketch)."
                    }
                    reach = " The proxy at \(p.authority) accepts connections, so those apps talk to the proxy instead of the server.\(seen)"
                case .refused: reach = " The proxy at \(p.authority) refuses connections, so those apps fail with 'connection refused' on the proxy's port \(p.port), not \(endpoint.port)."
                default: reach = " The proxy at \(p.authority) is not reachable (\(attempt.summary))."
                }
            }
        }
        let local = endpoint.isLoopback || Endpoint.isPrivate(endpoint.host) || Endpoint.isWildcard(endpoint.host)
        let hosts = (["localhost", "127.0.0.1", "::1"] + (local && !endpoint.isLoopback ? [endpoint.host] : [])).joined(separator: ",")
        let finding = Finding(
            "proxy-env-intercepts", severity: local ? .error : .warning,
            message: "\(route.variable)=\(route.url) is set and NO_PROXY does not exclude \(endpoint.host): apps that honour proxy variables (curl, Python requests/httpx) send requests for \(endpoint.normalized) to the proxy.\(reach) (Go clients skip the proxy for loopback; Node's fetch ignores the variables.)",
            fix: "export NO_PROXY=\(hosts) no_proxy=\(hosts)"
        )
        return result("proxy", title, local ? .fail : .warn, "requests would go through the proxy \(route.url)", evidence: evidence, findings: [finding])
    }

    // MARK: - Resolve (rung 1)

    func resolve() async -> CheckResult {
        let title = "Name resolution"
        let host = endpoint.host
        if let override = configuration.resolveOverrides[host.lowercased()] {
            let addresses = override.compactMap { ProbeNet.parseNumeric($0)?.with(port: endpoint.port) }
            await state.setAddresses(addresses)
            return result("dns", title, .pass, "\(host) → \(addresses.map(\.ipAddress).joined(separator: ", ")) (from --resolve)",
                evidence: [Evidence("addresses", addresses.map(\.ipAddress).joined(separator: ", "))])
        }
        if let literal = ProbeNet.parseNumeric(host)?.with(port: endpoint.port) {
            await state.setAddresses([literal])
            return result("dns", title, .pass, "\(host) is an address literal")
        }
        let start = MonotonicInstant.now()
        switch await ProbeNet.resolve(host, port: endpoint.port) {
        case .success(let addresses) where !addresses.isEmpty:
            await state.setAddresses(addresses)
            return result("dns", title, .pass, "\(host) → \(addresses.map(\.ipAddress).joined(separator: ", "))",
                evidence: [Evidence("addresses (resolver order)", addresses.map(\.ipAddress).joined(separator: ", "))])
        case .success:
            return result("dns", title, .fail, "\(host) resolved to no address",
                findings: [Finding("dns-failure", message: "\(host) resolved to no usable address.", fix: "Check the host name and your DNS/VPN settings.")])
        case .failure(let failure):
            let ms = start.elapsed.milliseconds
            let evidence = [Evidence("getaddrinfo", "\(failure.message) (code \(failure.errno), \(ConnectAttempt.format(ms)))")]
            let special = ["host.docker.internal", "host.containers.internal", "gateway.docker.internal"].contains(host)
            if special {
                let fix = runtime.isContainer
                    ? "Add extra_hosts: [\"\(host):host-gateway\"] to the service (docker run --add-host=\(host):host-gateway), or use the host's address\(runtime.hostAddressHint.map { " (\($0) looks like the host gateway)" } ?? "")."
                    : "\(host) only exists inside containers (and on Docker Desktop). On this machine use http://127.0.0.1:\(endpoint.port)."
                return result("dns", title, .fail, "\(host) does not resolve (\(failure.message))", evidence: evidence,
                    findings: [Finding("docker-host-gateway-missing", message: "\(host) does not resolve here (\(failure.message)).", fix: fix)])
            }
            let what = failure.nameResolutionFailure == .temporary ? "the DNS server did not answer (temporary failure)" : failure.nameResolutionFailure == .noSuchName ? "no such name" : failure.message
            return result("dns", title, .fail, "\(host) does not resolve: \(what)", evidence: evidence,
                findings: [Finding("dns-failure", message: "\(host) could not be resolved: \(what).",
                    fix: failure.nameResolutionFailure == .temporary ? "Check your network/VPN and DNS server, then retry." : "Check the spelling of \(host), your VPN/DNS, or use the IP address.")])
        }
    }

    // MARK: - Connect (rung 2)

    func connect() async -> CheckResult {
        let title = "TCP connect"
        let addresses = await state.addresses
        let port = endpoint.port
        let timeout = configuration.connectTimeout
        let attempts = await withTaskGroup(of: (Int, ConnectAttempt).self) { group in
            for (i, a) in addresses.enumerated() {
                group.addTask { (i, await ProbeNet.connectOnly(a, port: port, timeout: timeout)) }
            }
            var all: [(Int, ConnectAttempt)] = []
            for await x in group { all.append(x) }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let working = attempts.first { $0.outcome == .connected }?.address
        await state.setAttempts(attempts, working: working)
        var evidence = attempts.map { Evidence("connect", $0.summary) }
        let isLocalTarget = addresses.contains { isThisMachine($0) }
        if isLocalTarget, let owners = RuntimeContext.readListenerOwners(port: port, root: configuration.fileSystemRoot) {
            evidence.append(Evidence("listeners on :\(port)", owners.isEmpty ? "none in /proc/net/tcp{,6}" : owners.map(\.description).joined(separator: ", ")))
        }
        let named = ProbeNet.parseNumeric(endpoint.host) == nil
        if working != nil {
            var findings: [Finding] = []
            let refused = attempts.filter { $0.outcome == .refused }
            let v6Refused = refused.filter { $0.address.family == .ipv6 }
            let v4Refused = refused.filter { $0.address.family == .ipv4 }
            let v4OK = attempts.contains { $0.address.family == .ipv4 && $0.outcome == .connected }
            let v6OK = attempts.contains { $0.address.family == .ipv6 && $0.outcome == .connected }
            if named, !v6Refused.isEmpty, v4OK {
                let firstIsV6 = attempts.first?.address.family == .ipv6
                var fixed = endpoint
                fixed.host = attempts.first { $0.outcome == .connected }?.address.ipAddress ?? "127.0.0.1"
                findings.append(Finding(
                    "localhost-resolves-ipv6", severity: firstIsV6 ? .error : .warning,
                    message: "\(endpoint.host) resolves to \(addresses.map(\.ipAddress).joined(separator: ", "))\(firstIsV6 ? " (IPv6 first)" : ""); \(v6Refused.map(\.address.ipAddress).joined(separator: ", ")) refused while \(fixed.host) answered. Clients that try IPv6 first (Node ≥17, many Windows setups) fail with ECONNREFUSED ::1.",
                    fix: "Use \(fixed.normalized) in the app, or make the server listen on IPv6 too (OLLAMA_HOST=[::]:\(port))."
                ))
            } else if named, !v4Refused.isEmpty, v6OK {
                var fixed = endpoint
                fixed.host = attempts.first { $0.outcome == .connected }?.address.ipAddress ?? "::1"
                findings.append(Finding(
                    "ipv6-only-listener", severity: .warning,
                    message: "\(v4Refused.map(\.address.ipAddress).joined(separator: ", ")) refused while \(fixed.host) answered: the server listens on IPv6 only; clients that pick IPv4 fail.",
                    fix: "Use \(fixed.normalized), or restart the server bound to 0.0.0.0 / 127.0.0.1."
                ))
            }
            let status: CheckStatus = findings.contains { $0.severity == .error } ? .fail : findings.isEmpty ? .pass : .warn
            // A failing address does not block the HTTP checks: one address answered.
            return result("connect", title, status == .fail ? .warn : status,
                attempts.count == 1 ? attempts[0].summary : "\(attempts.filter { $0.outcome == .connected }.count) of \(attempts.count) addresses answered",
                evidence: evidence, findings: findings)
        }
        return await diagnoseUnreachable(attempts: attempts, evidence: evidence, isLocalTarget: isLocalTarget)
    }

    /// Whether `address` is loopback or one of this machine's interface addresses.
    func isThisMachine(_ address: SocketAddress) -> Bool {
        if Endpoint.isLoopback(address.ipAddress) || Endpoint.isWildcard(address.ipAddress) { return true }
        return Syscalls.localInterfaceAddresses().contains { $0.addressBytes == address.addressBytes }
    }

    private func diagnoseUnreachable(attempts: [ConnectAttempt], evidence initial: [Evidence], isLocalTarget: Bool) async -> CheckResult {
        let title = "TCP connect"
        var evidence = initial
        let port = endpoint.port
        let allRefused = !attempts.isEmpty && attempts.allSatisfy { $0.outcome == .refused }
        let timedOut = attempts.filter { $0.outcome == .timedOut }
        let summary = attempts.count == 1 ? attempts[0].summary : attempts.map(\.summary).joined(separator: "; ")
        func fail(_ findings: [Finding], _ text: String? = nil) -> CheckResult {
            result("connect", title, .fail, text ?? summary, evidence: evidence, findings: findings)
        }
        let loopbackTarget = attempts.allSatisfy { Endpoint.isLoopback($0.address.ipAddress) || Endpoint.isWildcard($0.address.ipAddress) }

        if allRefused {
            // Siblings on this machine: 127.0.0.1 and ::1 on the same port.
            if isLocalTarget {
                let tried = Set(attempts.map(\.address))
                let siblings = [SocketAddress.loopbackIPv4(port: port), SocketAddress.loopbackIPv6(port: port)]
                    .filter { !tried.contains($0) }
                var sibling: [SocketAddress: ConnectAttempt] = [:]
                for s in siblings {
                    let a = await ProbeNet.connectOnly(s, port: port, timeout: min(configuration.connectTimeout, 1))
                    sibling[s] = a
                    evidence.append(Evidence("sibling", a.summary))
                }
                let v4 = sibling[SocketAddress.loopbackIPv4(port: port)]?.outcome == .connected
                let v6 = sibling[SocketAddress.loopbackIPv6(port: port)]?.outcome == .connected
                let allV6Loopback = attempts.allSatisfy { $0.address.ipAddress == "::1" }
                if v4, allV6Loopback {
                    var fixed = endpoint
                    fixed.host = "127.0.0.1"
                    return fail([Finding(
                        "localhost-resolves-ipv6",
                        message: "\(endpoint.host) → ::1 refused, but 127.0.0.1:\(port) answers: the server listens on IPv4 loopback only.",
                        fix: "Use \(fixed.normalized), or make the server listen on both families (OLLAMA_HOST=[::]:\(port))."
                    )])
                }
                if v4, !loopbackTarget || attempts.contains(where: { $0.address.ipAddress != "127.0.0.1" && $0.address.family == .ipv4 }) {
                    let addrs = attempts.map(\.address.ipAddress).joined(separator: ", ")
                    return fail([Finding(
                        "bound-loopback-only",
                        message: "\(addrs):\(port) is this machine but refuses, while 127.0.0.1:\(port) answers: the server is bound to 127.0.0.1, so other devices, VMs and containers are refused.",
                        fix: FailureCatalog.bindAllInterfacesFix(port: port, platform: configuration.platform)
                    )])
                }
                if v6, !attempts.contains(where: { $0.address.family == .ipv6 }) {
                    var fixed = endpoint
                    fixed.host = "::1"
                    return fail([Finding(
                        "ipv6-only-listener",
                        message: "\(attempts.map(\.address.ipAddress).joined(separator: ", ")):\(port) refused, but [::1]:\(port) answers: the server listens on IPv6 only.",
                        fix: "Use \(fixed.normalized), or restart the server bound to 127.0.0.1 / 0.0.0.0."
                    )])
                }
            }
            var findings: [Finding] = []
            // Scan the well-known ports on loopback for the provider elsewhere.
            if isLocalTarget, !configuration.scanPorts.isEmpty {
                let hits = await scanPorts(excluding: port)
                for hit in hits { evidence.append(Evidence("scan :\(hit.port)", hit.identity.displayName)) }
                if let match = hits.first(where: { matches($0.identity) }) {
                    var fixed = endpoint
                    fixed.port = match.port
                    if fixed.host != "127.0.0.1", !isThisMachine(attempts[0].address) { fixed.host = "127.0.0.1" }
                    // An app speaking the OpenAI dialect needs the /v1 base on the server found.
                    if target.dialect == .openAI, fixed.path.isEmpty { fixed.path = "/v1" }
                    findings.append(Finding(
                        "wrong-port",
                        message: "Nothing listens on \(endpoint.hostForURL):\(port), but \(match.identity.displayName) answers on port \(match.port).",
                        fix: "Change the base URL to \(fixed.normalized) (or start the server on port \(port))."
                    ))
                    return fail(findings)
                }
                if !hits.isEmpty {
                    evidence.append(Evidence("note", "other services answer on \(hits.map { ":\($0.port)" }.joined(separator: ", ")), but not \(target.provider.displayName)"))
                }
            }
            // Inside a container, loopback is the container itself: a possible reason, added to
            // what was observed (nothing listens here), never in its place.
            let inContainer = runtime.isContainer && loopbackTarget
            if inContainer {
                findings.append(Finding(
                    "docker-localhost-is-container",
                    message: "Or the server runs outside this container: this process runs in a container (\(runtime.clues.joined(separator: ", "))), so \(endpoint.host) is the container itself, not the host.",
                    fix: FailureCatalog.mode("docker-localhost-is-container")?.fix.general.replacingOccurrences(of: ":PORT", with: ":\(port)")
                ))
            }
            if runtime.isContainer, endpoint.host.hasPrefix("host."), !loopbackTarget {
                // What was seen is a refusal; the loopback-only bind is one reason, a stopped server the other.
                let addresses = attempts.map(\.address.ipAddress).joined(separator: ", ")
                return fail([
                    Finding(
                        "server-not-running",
                        message: "Nothing answers on \(endpoint.host):\(port) (\(addresses) refused). Either the server on the host is not running (start it), or it listens on 127.0.0.1 only (next finding).",
                        fix: FailureCatalog.mode("server-not-running")?.fix.text(for: configuration.platform)
                    ),
                    Finding(
                        "docker-host-bound-loopback",
                        message: "Or the host's server is bound to 127.0.0.1: \(endpoint.host) resolves to \(addresses), the host seen from this container, which refuses :\(port).",
                        fix: FailureCatalog.mode("docker-host-bound-loopback")?.fix.general.replacingOccurrences(of: "11434", with: String(port))
                    ),
                ])
            }
            if runtime.kind == .wsl, loopbackTarget {
                findings.append(Finding(
                    "wsl2-nat-boundary", severity: .warning,
                    message: "This is WSL: if the server runs on Windows, 127.0.0.1 here is not Windows' loopback (NAT mode)\(runtime.hostAddressHint.map { "; the Windows host is probably \($0)" } ?? "").",
                    fix: FailureCatalog.mode("wsl2-nat-boundary")?.fix.general
                ))
            }
            if isLocalTarget {
                let here = inContainer ? " in this container" : ""
                let alternative = inContainer ? " Either the server is not running here (start it), or it runs on the host (next finding)." : ""
                let local: Finding
                if target.provider == .lmstudio {
                    local = Finding(
                        "lmstudio-server-off-or-no-model",
                        message: "LM Studio's API server is off\(here): nothing listens on \(endpoint.hostForURL):\(port).\(alternative)",
                        fix: "Start it: LM Studio → Developer → Status: Running, or `lms server start --port \(port)`."
                    )
                } else {
                    local = Finding(
                        "server-not-running",
                        message: "Nothing is listening on \(endpoint.hostForURL):\(port)\(here) (every address refused at once).\(alternative)",
                        fix: FailureCatalog.mode("server-not-running")?.fix.text(for: configuration.platform)
                    )
                }
                // What was observed comes first; the container is the alternative explanation.
                findings.insert(local, at: findings.firstIndex { $0.modeID == "docker-localhost-is-container" } ?? findings.endIndex)
            } else {
                findings.append(Finding(
                    "server-not-running",
                    message: "\(endpoint.host):\(port) refused the connection: nothing listens there, or the server on that machine accepts local connections only (then run diagnose on that machine against http://127.0.0.1:\(port)).",
                    fix: "Start the server on \(endpoint.host), and make it listen on the network: \(FailureCatalog.bindAllInterfacesFix(port: port, platform: nil))"
                ))
            }
            return fail(findings)
        }
        if !timedOut.isEmpty, timedOut.count == attempts.count || attempts.allSatisfy({ $0.outcome != .connected }) {
            var findings: [Finding] = []
            if runtime.kind == .wsl {
                findings.append(Finding(
                    "wsl2-nat-boundary", severity: .warning,
                    message: "This is WSL; connections to the Windows host time out when Windows Defender Firewall (Hyper-V firewall) drops them.",
                    fix: FailureCatalog.mode("wsl2-nat-boundary")?.fix.general
                ))
            }
            findings.append(Finding(
                "firewall-drop-timeout",
                message: "Connecting to \(timedOut.map { "\($0.address.urlHost):\(port)" }.joined(separator: ", ")) timed out after \(ConnectAttempt.format(timedOut[0].elapsedMilliseconds)) with no answer (not refused): packets are dropped on the way, typically by a firewall, or the host is down.",
                fix: FailureCatalog.mode("firewall-drop-timeout")?.fix.text(for: configuration.platform)
            ))
            return fail(findings)
        }
        // Other errno values.
        var findings: [Finding] = []
        for a in attempts {
            guard case .failed(let name, _) = a.outcome else { continue }
            if name == "EHOSTUNREACH", configuration.platform == .macOS, Endpoint.isPrivate(a.address.ipAddress) {
                findings.append(Finding(
                    "macos-local-network-privacy",
                    message: "\(a.address.ipAddress) is a local-network address and the connect failed with EHOSTUNREACH (No route to host): on macOS 15+ apps need Local Network permission.",
                    fix: FailureCatalog.mode("macos-local-network-privacy")?.fix.general
                ))
            } else if name == "EHOSTUNREACH" {
                findings.append(Finding(
                    "firewall-drop-timeout",
                    message: "\(a.address.ipAddress):\(port) answered EHOSTUNREACH (No route to host): a firewall REJECT rule or a routing problem.",
                    fix: FailureCatalog.mode("firewall-drop-timeout")?.fix.text(for: configuration.platform)
                ))
            }
        }
        return fail(findings, "could not connect: \(summary)")
    }

    /// Whether a scanned service is the provider this target wants.
    private func matches(_ identity: Identity) -> Bool {
        switch target.provider {
        case .ollama: identity.kind == .ollama
        case .lmstudio: identity.kind == .lmstudio
        case .openaiCompatible: identity.isLLMServer
        }
    }

    func scanPorts(excluding port: UInt16) async -> [ScanHit] {
        let ports = configuration.scanPorts.filter { $0 != port }
        let scan = self.scan
        let connectTimeout = min(configuration.connectTimeout, 0.3)
        let readTimeout = min(configuration.readTimeout, 2)
        let hits = await withTaskGroup(of: ScanHit?.self) { group in
            for p in ports {
                group.addTask { await scan.fingerprint(port: p, connectTimeout: connectTimeout, readTimeout: readTimeout) }
            }
            var all: [ScanHit] = []
            for await hit in group { if let hit { all.append(hit) } }
            return all
        }
        return hits.sorted { (ports.firstIndex(of: $0.port) ?? 0) < (ports.firstIndex(of: $1.port) ?? 0) }
    }
}
