import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import TestSupport
import Testing

@testable import Diagnosis

@Suite("Reachability modes staged on loopback", .timeLimit(.minutes(1)))
struct ReachabilityTests {
    @Test func serverNotRunningWhenEveryAddressRefuses() async {
        let port = freePort()
        let report = await diagnose(["http://127.0.0.1:\(port)"], provider: .ollama)
        expectDiagnosed(report, "server-not-running")
        #expect(report.verdict == .unreachable)
        #expect(check(report, "connect")?.status == .fail)
        #expect(check(report, "identity")?.status == .skip)
        #expect(check(report, "identity")?.summary.contains("skipped") == true)
    }

    @Test func lmStudioOffIsToldApartFromGenericNotRunning() async {
        let port = freePort()
        let report = await diagnose(["http://127.0.0.1:\(port)/v1"], provider: .lmstudio)
        expectDiagnosed(report, "lmstudio-server-off-or-no-model")
        #expect(!report.modeIDs.contains("server-not-running"))
        #expect(report.findings.first?.message.contains("server is off") == true)
    }

    @Test func wrongPortFoundByScan() async throws {
        try await withMock(.ollama) { mock in
            let dead = freePort()
            let report = await diagnose(["http://127.0.0.1:\(dead)"], provider: .ollama) { $0.scanPorts = [mock.port] }
            expectDiagnosed(report, "wrong-port")
            #expect(!report.modeIDs.contains("server-not-running"))
            #expect(report.findings.first { $0.modeID == "wrong-port" }?.fix?.contains("127.0.0.1:\(mock.port)") == true)
        }
    }

    @Test func scanFindingAnotherProviderIsNotWrongPort() async throws {
        try await withMock(.lmstudio) { mock in
            let dead = freePort()
            let report = await diagnose(["http://127.0.0.1:\(dead)"], provider: .ollama) { $0.scanPorts = [mock.port] }
            expectDiagnosed(report, "server-not-running")
            #expect(check(report, "connect")?.evidence.contains { $0.value.contains("LM Studio") } == true)
        }
    }

    @Test func localhostResolvingToIPv6FirstIsBlamedNotTheServer() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://localhost:\(mock.port)"], provider: .ollama) {
                $0.resolveOverrides = ["localhost": ["::1", "127.0.0.1"]]
            }
            expectDiagnosed(report, "localhost-resolves-ipv6")
            #expect(check(report, "identity")?.status == .pass, "127.0.0.1 answered, so the ladder continues")
        }
    }

    @Test func localhostOnlyIPv6RefusedWhileIPv4Answers() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://localhost:\(mock.port)"], provider: .ollama) {
                $0.resolveOverrides = ["localhost": ["::1"]]
            }
            expectDiagnosed(report, "localhost-resolves-ipv6")
        }
    }

    @Test func ipv6OnlyListener() async throws {
        // Hold 127.0.0.1 on the same port number (bound, not listening) so that no parallel test's
        // server can answer there: the IPv4 connect must be refused.
        let ipv4Side = try ReservedPort(family: .ipv4)
        defer { ipv4Side.release() }
        try await withMock(.ollama, { $0.server.host = "::1"; $0.server.port = ipv4Side.port }) { mock in
            let report = await diagnose(["http://127.0.0.1:\(mock.port)"], provider: .ollama)
            expectDiagnosed(report, "ipv6-only-listener")
            #expect(report.findings.first?.fix?.contains("[::1]:\(mock.port)") == true)
        }
    }

    @Test func boundLoopbackOnlyWhenTheAppUsesAnotherAddressOfThisMachine() async throws {
        // The app uses a name that maps to 127.0.0.2 (standing in for the LAN address); the mock
        // listens on 127.0.0.1 only, which refuses 127.0.0.2 on Linux.
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://my-pc.lan:\(mock.port)"], provider: .ollama) {
                $0.resolveOverrides = ["my-pc.lan": ["127.0.0.2"]]
            }
            expectDiagnosed(report, "bound-loopback-only")
            #expect(report.findings.first?.fix?.contains("OLLAMA_HOST=0.0.0.0") == true)
        }
    }

    @Test func firewallDropIsATimeoutNotARefusal() async throws {
        try await withRawServer(backlog0: true, accepting: false, RawTestServer.silent) { server in
            // Fill the backlog so further SYNs are dropped, as a firewall would.
            let filler = await ProbeNet.connectOnly(server.address, port: server.port, timeout: 1)
            _ = filler
            var held: [ConnectAttempt] = []
            for _ in 0..<2 { held.append(await ProbeNet.connectOnly(server.address, port: server.port, timeout: 0.3)) }
            // Linux drops SYNs once the accept queue (backlog 0 → 1 entry) is full.
            try #require(held.contains { $0.outcome == .timedOut }, "could not stage a SYN drop: \(held.map(\.summary))")
            let report = await diagnose(["http://127.0.0.1:\(server.port)"], provider: .ollama) { $0.connectTimeout = 0.5 }
            expectDiagnosed(report, "firewall-drop-timeout")
            #expect(!report.modeIDs.contains("server-not-running"))
        }
    }

    @Test func dnsFailureForAnUnknownName() async {
        let report = await diagnose(["http://no-such-host.invalid:11434"], provider: .ollama)
        expectDiagnosed(report, "dns-failure")
        #expect(check(report, "connect")?.status == .skip)
    }

    @Test func hostDockerInternalOutsideAContainer() async {
        let report = await diagnose(["http://host.docker.internal:11434"], provider: .ollama) {
            $0.resolveOverrides = [:]
        }
        // Resolves on Docker Desktop; elsewhere it must be reported as the gateway name, not plain DNS.
        if check(report, "dns")?.status == .fail {
            expectDiagnosed(report, "docker-host-gateway-missing")
        }
    }

    @Test func wildcardHostInTheClientURL() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://0.0.0.0:\(mock.port)"], provider: .ollama)
            expectDiagnosed(report, "wildcard-client-host")
            #expect(report.findings.first { $0.modeID == "wildcard-client-host" }?.fix?.contains("127.0.0.1:\(mock.port)") == true)
        }
    }

    @Test func wildcardFromOllamaHostEnvironment() async {
        let report = await diagnose([], provider: .ollama) { $0.environment = ["OLLAMA_HOST": "0.0.0.0"] }
        #expect(report.modeIDs.contains("wildcard-client-host"))
        #expect(report.targets.first?.source == "OLLAMA_HOST")
    }

    @Test func proxyEnvironmentCapturesLocalTraffic() async throws {
        try await withMock(.ollama) { mock in
            let proxyPort = freePort()
            let report = await diagnose(["http://127.0.0.1:\(mock.port)"], provider: .ollama) {
                $0.environment = ["HTTP_PROXY": "http://user:secret@127.0.0.1:\(proxyPort)", "NO_PROXY": "example.com"]
            }
            expectDiagnosed(report, "proxy-env-intercepts")
            let finding = report.findings.first { $0.modeID == "proxy-env-intercepts" }
            #expect(finding?.message.contains("refuses") == true)
            #expect(finding?.message.contains("secret") == false)
            #expect(finding?.fix?.contains("NO_PROXY=localhost,127.0.0.1,::1") == true)
            // The direct path still works, so the rest of the ladder is not blamed.
            #expect(check(report, "identity")?.status == .pass)
        }
    }

    @Test func noProxyExclusionIsHonoured() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://127.0.0.1:\(mock.port)"], provider: .ollama) {
                $0.environment = ["http_proxy": "http://127.0.0.1:9", "no_proxy": "localhost,127.0.0.0/8"]
            }
            #expect(!report.modeIDs.contains("proxy-env-intercepts"))
            #expect(report.verdict == .healthy)
        }
    }

    @Test func containerContextBlamesLoopback() async throws {
        let root = NSTemporaryDirectory() + "llmcheck-container-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: root + "/.dockerenv", contents: Data()))
        let port = freePort()
        var configuration = DiagnosisConfiguration(urls: ["http://localhost:\(port)"], provider: .ollama, scanPorts: [], connectTimeout: 1, readTimeout: 2, platform: .linux, fileSystemRoot: root)
        configuration.resolveOverrides = ["localhost": ["127.0.0.1"]]
        let report = await Diagnoser(configuration: configuration).run()
        // The container is a possible reason, added to what was observed (issue 12 item 1).
        #expect(errorModes(report) == ["server-not-running", "docker-localhost-is-container"])
        #expect(check(report, "runtime", target: nil)?.summary.contains("Docker") == true)
    }

    @Test func containerWithTheProviderOnAnotherPortIsWrongPort() async throws {
        let root = NSTemporaryDirectory() + "llmcheck-container-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: root + "/.dockerenv", contents: Data()))
        try await withMock(.ollama) { mock in
            let configuration = DiagnosisConfiguration(
                urls: ["http://127.0.0.1:\(freePort())"], provider: .ollama, scanPorts: [mock.port], connectTimeout: 1, readTimeout: 2,
                platform: .linux, fileSystemRoot: root
            )
            let report = await Diagnoser(configuration: configuration).run()
            expectDiagnosed(report, "wrong-port")
            #expect(!report.modeIDs.contains("docker-localhost-is-container"))
        }
    }

    @Test func wslContextAddsNATAdvice() async throws {
        let root = NSTemporaryDirectory() + "llmcheck-wsl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "Linux version 5.15.167.4-microsoft-standard-WSL2".write(toFile: root + "/proc/version", atomically: true, encoding: .utf8)
        try "nameserver 172.22.160.1\n".write(toFile: root + "/etc/resolv.conf", atomically: true, encoding: .utf8)
        let port = freePort()
        let configuration = DiagnosisConfiguration(urls: ["http://127.0.0.1:\(port)"], provider: .ollama, scanPorts: [], connectTimeout: 1, platform: .linux, fileSystemRoot: root)
        let report = await Diagnoser(configuration: configuration).run()
        #expect(report.modeIDs.contains("wsl2-nat-boundary"))
        #expect(report.findings.first { $0.modeID == "wsl2-nat-boundary" }?.message.contains("172.22.160.1") == true)
        #expect(check(report, "runtime", target: nil)?.summary.contains("WSL") == true)
    }

    @Test func defaultProbesAreContextWhenSomethingElseAnswers() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose([]) {
                $0.environment = ["OLLAMA_HOST": "127.0.0.1:\(mock.port)"]
            }
            // OLLAMA_HOST answers; the LM Studio default port (1234) is not configured, so its absence is no problem.
            #expect(report.targets.count == 2)
            #expect(report.verdict == .healthy, "\(DiagnosisRenderer(verbose: true).text(report))")
        }
    }

    #if os(Linux)
    @Test func listenerOwnerIsFoundInProc() async throws {
        try await withRawServer(RawTestServer.silent) { server in
            let owners = RuntimeContext.listenerOwners(port: server.port, root: "/")
            try #require(!owners.isEmpty, "/proc/net/tcp lists the listener")
            #expect(owners.contains { $0.address == "127.0.0.1" && $0.pid == Int(ProcessInfo.processInfo.processIdentifier) }, "\(owners)")
        }
    }
    #endif
}
