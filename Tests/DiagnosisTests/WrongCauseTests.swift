import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import TestSupport
import Testing

@testable import Diagnosis

/// Issue 12 items 1–9: diagnose never blames a look-alike and never misses the cause. Each test
/// stages the case on loopback and checks the ids present and absent, the fix and the exit code.
@Suite("Wrong or missed causes", .timeLimit(.minutes(1)))
struct WrongCauseTests {
    // MARK: 1. Container context adds, never replaces

    @Test(arguments: [RuntimeContext.Kind.docker, .container])
    func containerIsAnAlternativeToNothingListening(kind: RuntimeContext.Kind) async {
        let port = freePort()
        let report = await diagnose(["http://127.0.0.1:\(port)"], provider: .ollama) {
            $0.runtime = RuntimeContext(kind: kind, clues: ["/.dockerenv exists"])
        }
        #expect(errorModes(report) == ["server-not-running", "docker-localhost-is-container"], "\(DiagnosisRenderer(verbose: true).text(report))")
        let ids = report.findings.map(\.modeID)
        #expect(ids.firstIndex(of: "server-not-running")! < ids.firstIndex(of: "docker-localhost-is-container")!, "what was observed comes first")
        #expect(fix(report, "server-not-running").contains("ollama serve"))
        #expect(fix(report, "docker-localhost-is-container").contains("host-gateway"))
        #expect(fix(report, "docker-localhost-is-container").contains(":\(port)"), "the fix keeps the port")
        let observed = report.findings.first { $0.modeID == "server-not-running" }?.message ?? ""
        #expect(observed.contains("Either"), "phrased as alternatives: \(observed)")
        #expect(exitCode(report) == 69)
    }

    @Test func containerKeepsLMStudiosOwnFinding() async {
        let report = await diagnose(["http://127.0.0.1:\(freePort())/v1"], provider: .lmstudio) {
            $0.runtime = RuntimeContext(kind: .docker, clues: ["/.dockerenv exists"])
        }
        #expect(errorModes(report) == ["lmstudio-server-off-or-no-model", "docker-localhost-is-container"])
        #expect(fix(report, "lmstudio-server-off-or-no-model").contains("lms server start"))
        #expect(exitCode(report) == 69)
    }

    @Test func hostGatewayRefusalNamesBothReasons() async throws {
        // host.docker.internal → an address of this machine that is not loopback, refusing the port.
        let address = try #require(
            Syscalls.localInterfaceAddresses().first { $0.family == .ipv4 && !$0.ipAddress.hasPrefix("127.") }?.ipAddress,
            "needs a non-loopback IPv4 interface")
        let port = freePort()
        let report = await diagnose(["http://host.docker.internal:\(port)"], provider: .ollama) {
            $0.runtime = RuntimeContext(kind: .docker, clues: ["/.dockerenv exists"])
            $0.resolveOverrides = ["host.docker.internal": [address]]
        }
        #expect(errorModes(report) == ["server-not-running", "docker-host-bound-loopback"], "\(DiagnosisRenderer(verbose: true).text(report))")
        #expect(fix(report, "docker-host-bound-loopback").contains("0.0.0.0:\(port)"))
        #expect(exitCode(report) == 69)
    }

    @Test func nativeRunHasNoContainerFinding() async {
        let report = await diagnose(["http://127.0.0.1:\(freePort())"], provider: .ollama) { $0.runtime = RuntimeContext(kind: .native) }
        #expect(errorModes(report) == ["server-not-running"])
    }

    // MARK: 2. A URL without a port is a URL problem only

    @Test(arguments: [("http://127.0.0.1", ProviderKind.ollama, "http://127.0.0.1:11434"), ("http://localhost/v1", .lmstudio, "http://localhost:1234/v1")])
    func urlWithoutPortIsAURLProblemOnly(url: String, provider: ProviderKind, corrected: String) async {
        let report = await diagnose([url], provider: provider) { $0.resolveOverrides = ["localhost": ["127.0.0.1"]] }
        #expect(errorModes(report) == ["url-malformed"], "\(DiagnosisRenderer(verbose: true).text(report))")
        #expect(report.modeIDs.isDisjoint(with: ["server-not-running", "wrong-service-on-port", "lmstudio-server-off-or-no-model", "accepts-but-hangs"]))
        #expect(fix(report, "url-malformed") == "Use \(corrected).")
        #expect(!report.findings.contains { $0.message.contains(":80") && $0.modeID != "url-malformed" })
        #expect(report.verdict == .problems)
        #expect(exitCode(report) == 1)
    }

    // MARK: 3. A slow first token is not a buffering proxy

    @Test func slowFirstTokenAtANormalCadenceIsNotBuffering() async throws {
        // 2.2 s before the first token on every request, then 200 tokens/s: the model, not a proxy.
        try await withMock(.ollama, { $0.physics = StreamingPhysics(timeToFirstToken: .milliseconds(2200), tokensPerSecond: 200) }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
                $0.readTimeout = 1
            }
            #expect(!report.modeIDs.contains("proxy-buffering-stream"), "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(!report.modeIDs.contains("cold-load-slow-first-request"))
            expectDiagnosed(report, "client-timeout-cap")
            #expect(fix(report, "client-timeout-cap").contains("Raise the app's timeout"))
            #expect(exitCode(report) == 1)
        }
    }

    @Test func slowFirstRequestThenNormalCadenceIsAColdLoad() async throws {
        try await withMock(.ollama, {
            $0.physics = StreamingPhysics(tokensPerSecond: 200)
            $0.faults = [try FaultSpec.parse("delay_headers=2200ms,times=1,path=/api/chat")]
        }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
                $0.readTimeout = 1
            }
            expectDiagnosed(report, "cold-load-slow-first-request")
            #expect(!report.modeIDs.contains("proxy-buffering-stream"))
            #expect(fix(report, "cold-load-slow-first-request").contains("OLLAMA_KEEP_ALIVE"))
            #expect(exitCode(report) == 1)
        }
    }

    @Test func aBufferingProxyDeliversEverythingAtTheEnd() async throws {
        // A real stream (40 tokens/s) behind a proxy that holds the whole answer back.
        try await withMock(.ollama, { $0.physics = StreamingPhysics(tokensPerSecond: 40) }) { mock in
            try await withScripted(upstream: mock.port, { request in
                .forward(holdBack: request.path == "/api/chat" ? .milliseconds(300) : .zero)
            }) { proxy in
                let report = await diagnose([proxy.baseURL], provider: .ollama) {
                    $0.deep = true
                    $0.model = "llama3.2:3b"
                }
                expectDiagnosed(report, "proxy-buffering-stream")
                #expect(!report.modeIDs.contains("client-timeout-cap"))
                #expect(fix(report, "proxy-buffering-stream").contains("proxy_buffering off"))
                #expect(exitCode(report) == 1)
            }
        }
    }

    // MARK: 4. Content in an Ollama done:true line counts

    @Test func answerInTheDoneLineIsTokenText() async throws {
        let line = #"{"model":"llama3.2:3b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"hi"},"done":true,"done_reason":"stop"}"# + "\n"
        try await withMock(.ollama) { mock in
            try await withScripted(upstream: mock.port, { request in
                request.path == "/api/chat"
                    ? .reply(ScriptedReply(headers: [("Content-Type", "application/x-ndjson")], body: Array(line.utf8))) : .forward(holdBack: .zero)
            }) { server in
                let report = await diagnose([server.baseURL], provider: .ollama) {
                    $0.deep = true
                    $0.model = "llama3.2:3b"
                }
                let generation = try #require(check(report, "generation"))
                #expect(generation.status == .pass, "\(DiagnosisRenderer(verbose: true).text(report))")
                #expect(!generation.summary.contains("without any token text"))
                #expect(generation.evidence.contains { $0.key == "first token (TTFT)" })
                #expect(report.modeIDs.isEmpty)
                #expect(exitCode(report) == 0)
            }
        }
    }

    // MARK: 5. A missing scheme is not "No problems found"

    @Test func missingSchemeKeepsTheExitCodeNonZero() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["127.0.0.1:\(mock.port)"], provider: .ollama)
            #expect(errorModes(report) == ["url-malformed"], "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(fix(report, "url-malformed") == "Write it as http://127.0.0.1:\(mock.port).")
            #expect(!report.headline.hasPrefix("No problems found"))
            #expect(check(report, "lint")?.status == .fail)
            #expect(exitCode(report) == 1)
        }
    }

    // MARK: 6. Rate limited now is a problem

    @Test func rateLimitedOnEveryProbeIsAProblem() async throws {
        try await withMock(.openai, { $0.faults = [try FaultSpec.parse("status=429,retry_after=30")] }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) { $0.apiKey = "sk-test-0123456789abcdef" }
            expectDiagnosed(report, "openai-rate-limited")
            #expect(!report.modeIDs.contains("openai-insufficient-quota"))
            #expect(!report.headline.hasPrefix("No problems found"), "\(report.headline)")
            #expect(report.findings.first { $0.modeID == "openai-rate-limited" }?.message.contains("30 s") == true)
            #expect(exitCode(report) == 1)
        }
    }

    // MARK: 7. Capabilities on OpenAI-compatible servers

    @Test func embeddingEndpointThatIsNotSupportedFails() async throws {
        try await withMock(.openai, { $0.faults = [try FaultSpec.parse(#"status=501,message="embeddings are not supported by this server",path=/v1/embeddings"#)] }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) {
                $0.apiKey = "sk-test-0123456789abcdef"
                $0.requiredCapabilities = ["embedding"]
            }
            expectDiagnosed(report, "model-lacks-capability")
            #expect(report.findings.first { $0.modeID == "model-lacks-capability" }?.message.contains("501") == true)
            #expect(fix(report, "model-lacks-capability").contains("--embeddings"))
            #expect(check(report, "model")?.status == .fail)
            #expect(exitCode(report) == 1)
        }
    }

    @Test func workingEmbeddingEndpointPasses() async throws {
        try await withMock(.openai) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) {
                $0.apiKey = "sk-test-0123456789abcdef"
                $0.model = "text-embedding-3-small"
                $0.requiredCapabilities = ["embedding"]
            }
            #expect(!report.modeIDs.contains("model-lacks-capability"), "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(check(report, "model")?.evidence.contains { $0.key.contains("/embeddings") } == true)
            #expect(exitCode(report) == 0)
        }
    }

    @Test func lmStudioListsWhatAModelIs() async throws {
        try await withMock(.lmstudio) { mock in
            let chat = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio) {
                $0.model = "qwen2.5-7b-instruct"
                $0.requiredCapabilities = ["embedding"]
            }
            expectDiagnosed(chat, "model-lacks-capability")
            #expect(exitCode(chat) == 1)
            let embedder = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio) {
                $0.model = "text-embedding-nomic-embed-text-v1.5"
                $0.requiredCapabilities = ["embedding"]
            }
            #expect(!embedder.modeIDs.contains("model-lacks-capability"), "\(DiagnosisRenderer(verbose: true).text(embedder))")
            #expect(exitCode(embedder) == 0)
        }
    }

    // MARK: 8. LM Studio with no model loaded, without --deep

    @Test func lmStudioWithNoModelLoadedAndJITOffIsFoundWithoutDeep() async throws {
        let models = MockModel.defaults(for: .lmstudio).map { model -> MockModel in
            var m = model
            m.isLoaded = false
            return m
        }
        try await withMock(.lmstudio, { $0.models = models }) { mock in
            // JIT loading off: LM Studio's OpenAI list holds loaded models only, so it is empty.
            try await withScripted(upstream: mock.port, { request in
                request.path == "/v1/models" ? .reply(.json(#"{"data":[],"object":"list"}"#, headers: [("X-Powered-By", "Express")])) : .forward(holdBack: .zero)
            }) { server in
                let report = await diagnose([server.baseURL + "/v1"], provider: .lmstudio)
                expectDiagnosed(report, "lmstudio-server-off-or-no-model")
                let advice = fix(report, "lmstudio-server-off-or-no-model")
                #expect(advice.contains("lms load"), "\(advice)")
                #expect(!advice.contains("lms server start") && !advice.contains("Status: Running"), "the server answered: \(advice)")
                #expect(!report.modeIDs.contains("server-not-running"))
                #expect(exitCode(report) == 1)
            }
        }
    }

    @Test func lmStudioFailureDuringGenerationGivesNoStartServerAdvice() async throws {
        var model = MockModel.guessed(from: "qwen2.5-7b-instruct", provider: .lmstudio)
        model.isLoaded = false
        try await withMock(.lmstudio, {
            $0.models = [model]
            $0.lmStudio = LMStudioOptions(isJITLoadingEnabled: false)
        }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio) {
                $0.deep = true
                $0.model = "qwen2.5-7b-instruct"
            }
            expectDiagnosed(report, "lmstudio-server-off-or-no-model")
            for finding in report.findings where finding.modeID == "lmstudio-server-off-or-no-model" {
                #expect(!(finding.fix ?? "").contains("lms server start"), "\(finding)")
            }
        }
    }

    // MARK: 9. Identity behind a key

    @Test func keyedLlamaCppIsRecognisedWithAndWithoutTheKey() async throws {
        let key = "llama-secret-0123456789"
        try await withScripted(keyedLlamaCpp(key: key)) { server in
            let withKey = await diagnose([server.baseURL + "/v1"], provider: .openaiCompatible) { $0.apiKey = key }
            #expect(withKey.targets.first?.identified?.hasPrefix("llama.cpp server") == true, "\(DiagnosisRenderer(verbose: true).text(withKey))")
            #expect(withKey.targets.first?.identified?.contains("b6123") == true, "version from /props with the key")
            #expect(withKey.modeIDs.isEmpty)
            #expect(exitCode(withKey) == 0)

            let withoutKey = await diagnose([server.baseURL + "/v1"], provider: .openaiCompatible)
            #expect(withoutKey.targets.first?.identified == "llama.cpp server", "from the Server header and /health")
            expectDiagnosed(withoutKey, "local-server-key-required")
            #expect(!withoutKey.modeIDs.contains("client-requires-dummy-key"), "a server that requires a key does not ignore it")
            #expect(exitCode(withoutKey) == 1)

            // Generous bounds: a busy test run must not trip the probe's 300 ms connect watchdog.
            let timeouts = ProviderTimeouts(connect: .seconds(10), headers: .seconds(10), idle: .seconds(10), total: .seconds(20))
            let discovery = ProviderDiscovery(host: "127.0.0.1", ports: [server.port], timeouts: timeouts, apiKey: key)
            let found = await discovery.fingerprint(port: server.port)
            #expect(found?.flavor == .llamacpp)
            #expect(found?.version == "b6123-abcdef0")
            let anonymous = await ProviderDiscovery(host: "127.0.0.1", ports: [server.port], timeouts: timeouts).fingerprint(port: server.port)
            #expect(anonymous?.flavor == .llamacpp, "Server: llama.cpp is public")
        }
    }
}
