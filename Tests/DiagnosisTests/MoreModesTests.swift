import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("More staged modes", .timeLimit(.minutes(1)))
struct MoreModesTests {
    @Test func regionBlocked() async throws {
        try await withMock(.openai, { $0.faults = [try FaultSpec.parse("status=403,path=/v1/models")] }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) { $0.apiKey = "sk-test-0123456789abcdef" }
            expectDiagnosed(report, "region-blocked")
            #expect(!report.modeIDs.contains("openai-invalid-key"))
        }
    }

    @Test func mixedContentFromAnHTTPSPage() async throws {
        try await withMock(.ollama, { $0.allowedOrigins = ["https://chat.example.com"]; $0.checksHost = false }) { mock in
            let report = await diagnose(["http://my-nas.lan:\(mock.port)"], provider: .ollama) {
                $0.resolveOverrides = ["my-nas.lan": ["127.0.0.1"]]
                $0.origin = "https://chat.example.com"
            }
            expectDiagnosed(report, "mixed-content")
            #expect(!report.modeIDs.contains("ollama-origin-403"))
        }
    }

    @Test func twoOllamaInstancesOnTheLoopbackFamilies() async throws {
        try await withMock(.ollama, { $0.ollamaVersion = "0.5.1" }) { v4 in
            var second = MockConfiguration(provider: .ollama, ollamaVersion: "0.12.6")
            second.server.host = "::1"
            second.server.port = v4.port
            let other = MockProviderServer(configuration: second)
            guard (try? other.start()) != nil else {
                Issue.record("could not bind [::1]:\(v4.port)")
                return
            }
            let report = await diagnose(["http://127.0.0.1:\(v4.port)"], provider: .ollama)
            await other.shutdown(grace: .milliseconds(100))
            expectDiagnosed(report, "multiple-ollama-instances", severity: .warning)
            #expect(report.findings.first { $0.modeID == "multiple-ollama-instances" }?.message.contains("0.12.6") == true)
        }
    }

    @Test func nginxGatewayTimeoutDuringGeneration() async throws {
        let page = RawTestServer.http(504, "text/html", "<html><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center></html>", headers: ["Server: nginx/1.25.3"])
        let routes: [String: [UInt8]] = [
            "/": RawTestServer.http(200, "text/plain; charset=utf-8", "Ollama is running"),
            "/api/version": RawTestServer.http(200, "application/json", #"{"version":"0.12.6"}"#),
            "/api/tags": RawTestServer.http(200, "application/json", #"{"models":[{"name":"llama3.2:3b"}]}"#),
            "/api/ps": RawTestServer.http(200, "application/json", #"{"models":[]}"#),
            "/api/show": RawTestServer.http(200, "application/json", #"{"capabilities":["completion"]}"#),
            "/api/chat": page,
        ]
        try await withRawServer(RawTestServer.routes(routes)) { server in
            let report = await diagnose([server.url], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
            }
            expectDiagnosed(report, "gateway-timeout-504")
        }
    }

    @Test func streamErrorLineIsClassified() async throws {
        try await withMock(.ollama, {
            $0.faults = [try FaultSpec.parse(#"stream_error=after:2,message="model requires more system memory (5.0 GiB) than is available (3.9 GiB)",path=/api/chat"#)]
        }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
            }
            expectDiagnosed(report, "model-too-large-oom")
            #expect(!report.modeIDs.contains("midstream-disconnect"))
        }
    }

    @Test func legacyBaseURLVariable() async throws {
        try await withMock(.lmstudio) { mock in
            let report = await diagnose([]) {
                $0.environment = ["OPENAI_API_BASE": mock.baseURL + "/v1", "OPENAI_API_KEY": "lm-studio"]
                $0.provider = .openaiCompatible
            }
            expectDiagnosed(report, "base-url-env-ignored", severity: .warning)
            #expect(report.targets.first?.source == "OPENAI_API_BASE")
        }
    }

    @Test func dummyKeyWarningForLocalOpenAIClients() async throws {
        try await withMock(.lmstudio) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio)
            expectDiagnosed(report, "client-requires-dummy-key", severity: .warning)
            #expect(report.verdict == .healthy, "a warning does not fail the run")
        }
    }

    @Test func everyTargetRunsConcurrentlyAndIndependently() async throws {
        try await withMock(.ollama) { ollama in
            try await withMock(.lmstudio) { lmstudio in
                let dead = freePort()
                let report = await diagnose([ollama.baseURL, lmstudio.baseURL + "/v1", "http://127.0.0.1:\(dead)"])
                #expect(report.targets.map(\.reachable) == [true, true, false])
                #expect(report.verdict == .problems)
                #expect(check(report, "identity", target: 0)?.status == .pass)
                #expect(check(report, "identity", target: 1)?.status == .pass)
                #expect(check(report, "identity", target: 2)?.status == .skip)
            }
        }
    }
}
