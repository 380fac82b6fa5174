import Foundation
import HTTPWire
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("URL, environment and key lint")
struct LintTests {
    func target(_ url: String, provider: ProviderKind = .ollama, source: String = "argument") -> DiagnosisTarget {
        var configuration = DiagnosisConfiguration(urls: [url], provider: provider)
        if source != "argument" {
            configuration.urls = []
            configuration.environment = [source: url]
        }
        return TargetPlanner.plan(configuration)[0]
    }

    func modes(_ url: String, provider: ProviderKind = .ollama, source: String = "argument") -> [String] {
        URLLint.findings(for: target(url, provider: provider, source: source)).map(\.modeID)
    }

    @Test(arguments: [
        ("http://127.0.0.1:11434", "127.0.0.1", 11434, ""),
        ("http://localhost:11434/", "localhost", 11434, ""),
        ("https://api.openai.com/v1", "api.openai.com", 443, "/v1"),
        ("http://[::1]:1234/v1/", "::1", 1234, "/v1"),
        ("127.0.0.1:8080/v1", "127.0.0.1", 8080, "/v1"),
        ("HTTP://LOCALHOST:11434", "localhost", 11434, ""),
        ("  \"http://127.0.0.1:11434\"  ", "127.0.0.1", 11434, ""),
    ])
    func parsesEndpoints(input: String, host: String, port: Int, path: String) throws {
        let e = try Endpoint.parse(input, defaultPort: 11434).get()
        #expect(e.host == host)
        #expect(Int(e.port) == port)
        #expect(e.path == path)
    }

    @Test func ollamaHostSemantics() throws {
        #expect(try Endpoint.parse("0.0.0.0", defaultPort: 11434, ollamaHostSemantics: true).get().port == 11434)
        #expect(try Endpoint.parse(":11435", defaultPort: 11434, ollamaHostSemantics: true).get().host == "127.0.0.1")
        #expect(try Endpoint.parse("http://example.com", defaultPort: 11434, ollamaHostSemantics: true).get().port == 80)
        #expect(try Endpoint.parse("https://example.com", defaultPort: 11434, ollamaHostSemantics: true).get().port == 443)
    }

    @Test(arguments: [
        ("", "empty"), ("ftp://host/x", "unsupported scheme"), ("http://host:99999", "not a valid port"),
        ("http://host:abc", "not a valid port"), ("C:/Users/me/.ollama", "file path"), ("/usr/share/ollama", "file path"),
        ("http://::1:11434", "need brackets"), ("http://[::1:11434", "unterminated"), ("http://ho st:1", "white space"),
        ("http://exa$mple.com", "not a valid host"), ("http://:11434", "no host"),
    ])
    func rejectsMalformedURLsWithAReason(input: String, reason: String) {
        guard case .failure(let error) = Endpoint.parse(input, defaultPort: 11434) else {
            Issue.record("\(input) should not parse")
            return
        }
        #expect(error.message.contains(reason), "\(input): \(error.message)")
        #expect(modes(input).contains("url-malformed") || input.isEmpty)
    }

    @Test func lintFindsTheStaticModes() {
        #expect(modes("http://0.0.0.0:11434") == ["wildcard-client-host"])
        #expect(modes("http://[::]:11434") == ["wildcard-client-host"])
        #expect(modes("http://127.0.0.0:11434") == ["url-malformed"])
        #expect(modes("http://localhost:11434//api") .contains("url-malformed"))
        #expect(modes("http://localhost") == ["url-malformed"], "no port → port 80, not 11434")
        #expect(modes("localhost:11434") == ["url-malformed"], "no scheme")
        #expect(modes("127.0.0.1:11434", source: "OLLAMA_HOST").isEmpty, "OLLAMA_HOST may omit the scheme")
        #expect(modes("http://127.0.0.1:1234/v1/chat/completions", provider: .lmstudio) == ["base-url-doubled-path"])
        #expect(modes("http://127.0.0.1:1234/v1/v1", provider: .lmstudio) == ["base-url-doubled-path"])
        #expect(modes("http://localhost:11434/v1/api") == ["base-url-doubled-path"])
        #expect(modes("https://api.openai.com/v1", provider: .openaiCompatible).isEmpty)
        #expect(modes("http://127.0.0.1:11434").isEmpty)
    }

    @Test func doubledPathSuggestsTheBase() {
        let finding = URLLint.findings(for: target("http://127.0.0.1:1234/v1/chat/completions", provider: .lmstudio))[0]
        #expect(finding.fix == "Use only the base: http://127.0.0.1:1234/v1.")
    }

    @Test func dialectFollowsProviderAndPath() {
        #expect(target("http://127.0.0.1:11434").dialect == .ollamaNative)
        #expect(target("http://127.0.0.1:11434/v1").dialect == .openAI)
        #expect(target("http://127.0.0.1:1234", provider: .lmstudio).dialect == .openAI)
        let planned = TargetPlanner.plan(DiagnosisConfiguration(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:11434"]))
        #expect(planned[0].dialect == .openAI)
        #expect(planned[0].source == "OPENAI_BASE_URL")
    }

    @Test func planWithoutURLs() {
        let none = TargetPlanner.plan(DiagnosisConfiguration())
        #expect(none.map(\.input) == ["http://127.0.0.1:11434", "http://127.0.0.1:1234/v1"])
        #expect(none.allSatisfy { $0.isDefaultProbe })
        let cloud = TargetPlanner.plan(DiagnosisConfiguration(environment: ["OPENAI_API_KEY": "sk-x"]))
        #expect(cloud.first?.input == "https://api.openai.com/v1")
        let legacy = TargetPlanner.plan(DiagnosisConfiguration(environment: ["OPENAI_API_BASE": "http://127.0.0.1:1234/v1"]))
        #expect(legacy.first?.source == "OPENAI_API_BASE")
        #expect(legacy.count == 2, "LM Studio's port is already covered")
    }

    @Test func proxyRouting() throws {
        let local = try Endpoint.parse("http://127.0.0.1:11434", defaultPort: 11434).get()
        let tls = try Endpoint.parse("https://api.openai.com/v1", defaultPort: 443).get()
        #expect(EnvironmentLint.proxyRoute(for: local, environment: [:]) == nil)
        #expect(EnvironmentLint.proxyRoute(for: local, environment: ["HTTP_PROXY": "http://p:3128"])?.variable == "HTTP_PROXY")
        #expect(EnvironmentLint.proxyRoute(for: local, environment: ["HTTPS_PROXY": "http://p:3128"]) == nil, "https proxy only for https")
        #expect(EnvironmentLint.proxyRoute(for: tls, environment: ["https_proxy": "http://p:3128"])?.variable == "https_proxy")
        #expect(EnvironmentLint.proxyRoute(for: local, environment: ["ALL_PROXY": "socks5://p:1080", "NO_PROXY": "*"]) == nil)
        for noProxy in ["127.0.0.1", "localhost,127.0.0.1", "127.0.0.0/8", "127.0.0.1:11434", " 127.0.0.1 "] {
            #expect(EnvironmentLint.proxyRoute(for: local, environment: ["http_proxy": "http://p:1", "no_proxy": noProxy]) == nil, "\(noProxy)")
        }
        #expect(EnvironmentLint.proxyRoute(for: local, environment: ["http_proxy": "http://p:1", "no_proxy": "127.0.0.1:80"]) != nil)
        #expect(ProxySettings.isExempt(host: "api.openai.com", port: 443, noProxy: [".openai.com"], convention: .anyCommonClient))
        #expect(ProxySettings.isExempt(host: "api.openai.com", port: 443, noProxy: ["openai.com"], convention: .anyCommonClient))
        #expect(!ProxySettings.isExempt(host: "notopenai.com", port: 443, noProxy: ["openai.com"], convention: .anyCommonClient))
        let masked = EnvironmentLint.proxyRoute(for: local, environment: ["HTTP_PROXY": "http://bob:hunter2@p:3128"])
        #expect(masked?.url.contains("hunter2") == false)
    }

    @Test func environmentVariableNames() {
        #expect(EnvironmentLint.variableFindings(["OPENAI_API_BASE": "http://x:1/v1"]).map(\.modeID) == ["base-url-env-ignored"])
        #expect(EnvironmentLint.variableFindings(["OPENAI_API_BASE": "http://x:1/v1", "OPENAI_BASE_URL": "http://x:1/v1"]).isEmpty)
        #expect(EnvironmentLint.variableFindings(["OPENAI_API_BASE": "http://a:1/v1", "OPENAI_BASE_URL": "http://b:1/v1"]).count == 1)
    }

    @Test func keyLintNeverPrintsTheKey() {
        let cloud = target("https://api.openai.com/v1", provider: .openaiCompatible)
        let key = "sk-or-v1-0123456789abcdefghij"
        let findings = EnvironmentLint.keyFindings(key: key, source: "OPENAI_API_KEY", target: cloud)
        #expect(findings.map(\.modeID) == ["openai-invalid-key"])
        #expect(findings[0].message.contains("OpenRouter"))
        #expect(!findings[0].message.contains(key))
        #expect(EnvironmentLint.keyFindings(key: " sk-abcdefghijklmnop\n", source: "--api-key", target: cloud).count == 1)
        #expect(EnvironmentLint.keyFindings(key: "https://api.openai.com", source: "--api-key", target: cloud).contains { $0.message.contains("URL") })
        #expect(EnvironmentLint.keyFindings(key: nil, source: nil, target: cloud).map(\.modeID) == ["openai-invalid-key"])
        let local = target("http://127.0.0.1:1234/v1", provider: .lmstudio)
        #expect(EnvironmentLint.keyFindings(key: nil, source: nil, target: local).map(\.modeID) == ["client-requires-dummy-key"])
        #expect(EnvironmentLint.keyFindings(key: "lm-studio", source: "OPENAI_API_KEY", target: local).isEmpty)
    }

    @Test func resolveAndPortOptionsExplainBadInput() throws {
        #expect(try DiagnosisConfiguration.parseResolve(["nas=192.168.1.2,[::1]"]) == ["nas": ["192.168.1.2", "::1"]])
        for bad in ["nas", "=1.2.3.4", "nas=", "nas=not-an-ip", "nas=1.2.3.4,999.1.1.1"] {
            #expect(throws: DiagnosisInputError.self, "\(bad)") { try DiagnosisConfiguration.parseResolve([bad]) }
        }
        do {
            _ = try DiagnosisConfiguration.parseResolve(["nas=nope"])
        } catch {
            #expect(error.message.contains("'nope' is not an IPv4 or IPv6 address"))
        }
        #expect(try DiagnosisConfiguration.parsePorts("11434, 1234,8000-8002") == [11434, 1234, 8000, 8001, 8002])
        for bad in ["", "0", "70000", "a", "9-1", "1-5000"] {
            #expect(throws: DiagnosisInputError.self, "\(bad)") { try DiagnosisConfiguration.parsePorts(bad) }
        }
    }

    @Test func effectiveKeyPrecedence() {
        var c = DiagnosisConfiguration(environment: ["OPENAI_API_KEY": "env-key", "LM_API_TOKEN": "lm"])
        #expect(c.effectiveKey?.source == "OPENAI_API_KEY")
        c.apiKey = "flag"
        #expect(c.effectiveKey?.source == "--api-key")
        #expect(DiagnosisConfiguration(environment: ["LM_API_TOKEN": "lm"]).effectiveKey?.source == "LM_API_TOKEN")
    }

    @Test func runtimeContextDetection() throws {
        let root = NSTemporaryDirectory() + "llmcheck-rt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/proc/1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/proc/net", withIntermediateDirectories: true)
        #expect(RuntimeContext.detect(root: root, environment: [:]).kind == .native)
        #expect(RuntimeContext.detect(root: root, environment: ["WSL_DISTRO_NAME": "Ubuntu"]).kind == .wsl)
        // Containers without a marker file (cgroup v2), CI job containers, pods and dev containers.
        #expect(RuntimeContext.detect(root: root, environment: ["container": "podman"]).kind == .podman)
        #expect(RuntimeContext.detect(root: root, environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1"]).kind == .container)
        #expect(RuntimeContext.detect(root: root, environment: ["REMOTE_CONTAINERS": "true"]).clues == ["REMOTE_CONTAINERS is set"])
        #expect(RuntimeContext.detect(root: root, environment: ["CODESPACES": "false"]).kind == .native)
        try "0::/system.slice/docker-0123abcd.scope\n".write(toFile: root + "/proc/1/cgroup", atomically: true, encoding: .utf8)
        try "Iface\tDestination\tGateway\tFlags\nen0\t00000000\t010011AC\t0003\n".write(toFile: root + "/proc/net/route", atomically: true, encoding: .utf8)
        let docker = RuntimeContext.detect(root: root, environment: [:])
        #expect(docker.kind == .docker)
        #expect(docker.hostAddressHint == "172.17.0.1")
        try "".write(toFile: root + "/run.containerenv", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/run", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: root + "/run/.containerenv", contents: Data()))
        #expect(RuntimeContext.detect(root: root, environment: [:]).kind == .podman)
    }

    @Test func listenerTableDecoding() throws {
        let root = NSTemporaryDirectory() + "llmcheck-net-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/proc/net", withIntermediateDirectories: true)
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1
               1: 0100007F:04D2 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 2 1
            """
        let tcp6 = """
              sl  local_address                         remote_address                        st
               0: 00000000000000000000000001000000:2CAA 00000000000000000000000000000000:0000 0A
               1: 00000000000000000000000000000000:04D2 00000000000000000000000000000000:0000 0A
            """
        try tcp.write(toFile: root + "/proc/net/tcp", atomically: true, encoding: .utf8)
        try tcp6.write(toFile: root + "/proc/net/tcp6", atomically: true, encoding: .utf8)
        #expect(RuntimeContext.listeners(port: 11434, root: root) == ["127.0.0.1", "::1"])
        #expect(RuntimeContext.listeners(port: 1234, root: root) == ["::"], "the ESTABLISHED row is not a listener")
        #expect(RuntimeContext.listeners(port: 9, root: root) == [])
        #expect(RuntimeContext.listeners(port: 9, root: root + "/missing") == nil)
    }
}
