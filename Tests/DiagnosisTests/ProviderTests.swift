import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("Path, policy, auth and model modes", .timeLimit(.minutes(1)))
struct ProviderTests {
    @Test func baseURLMissingV1() async throws {
        try await withMock(.lmstudio) { mock in
            let report = await diagnose([mock.baseURL], provider: .lmstudio)
            expectDiagnosed(report, "base-url-missing-v1")
            #expect(report.findings.first { $0.modeID == "base-url-missing-v1" }?.fix?.contains("\(mock.baseURL)/v1") == true)
        }
    }

    @Test func bareOllamaURLWithoutProviderIsNotMissingV1() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose([mock.baseURL])
            #expect(report.verdict == .healthy, "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(!report.modeIDs.contains("base-url-missing-v1"))
            #expect(!report.modeIDs.contains("client-requires-dummy-key"))
        }
    }

    @Test func baseURLMissingV1OnOllamaOpenAIClient() async throws {
        try await withMock(.ollama) { mock in
            var env = ["OPENAI_BASE_URL": mock.baseURL, "OPENAI_API_KEY": "ollama"]
            env["X"] = nil
            let report = await diagnose([]) { $0.environment = env; $0.provider = .openaiCompatible }
            expectDiagnosed(report, "base-url-missing-v1")
        }
    }

    @Test func baseURLDoubledPath() async throws {
        try await withMock(.openai) { mock in
            let report = await diagnose([mock.baseURL + "/v1/chat/completions"], provider: .openaiCompatible)
            expectDiagnosed(report, "base-url-doubled-path")
            #expect(report.findings.first?.fix?.contains("\(mock.baseURL)/v1.") == true)
        }
    }

    @Test func ollamaNativeClientAgainstLMStudio() async throws {
        try await withMock(.lmstudio) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama)
            expectDiagnosed(report, "api-dialect-mismatch")
            #expect(report.findings.first?.fix?.contains("\(mock.baseURL)/v1") == true)
        }
    }

    @Test func tooOldOllamaForTheOpenAIAPI() async throws {
        // Ollama 0.1.20: native API only, /v1 answers 404 page not found.
        let routes: [String: [UInt8]] = [
            "/": RawTestServer.http(200, "text/plain; charset=utf-8", "Ollama is running"),
            "/api/version": RawTestServer.http(200, "application/json", #"{"version":"0.1.20"}"#),
            "/api/tags": RawTestServer.http(200, "application/json", #"{"models":[{"name":"llama2:latest"}]}"#),
        ]
        try await withRawServer(RawTestServer.routes(routes)) { server in
            let report = await diagnose([server.url + "/v1"], provider: .ollama)
            expectDiagnosed(report, "server-too-old-for-endpoint")
            #expect(!report.modeIDs.contains("api-dialect-mismatch"))
        }
    }

    @Test func tooOldOllamaForEmbed() async throws {
        try await withMock(.ollama, { $0.ollamaVersion = "0.3.3" }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) { $0.requiredCapabilities = ["embedding"] }
            expectDiagnosed(report, "server-too-old-for-endpoint")
        }
    }

    @Test func ollamaOriginForbidden() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) { $0.origin = "chrome-extension://abcdefgh" }
            expectDiagnosed(report, "ollama-origin-403")
            #expect(report.findings.first?.fix?.contains("OLLAMA_ORIGINS=chrome-extension://*") == true)
        }
    }

    @Test func ollamaOriginAllowedPassesPolicyAndPreflight() async throws {
        try await withMock(.ollama, { $0.allowedOrigins = ["chrome-extension://*"] }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) { $0.origin = "chrome-extension://abcdefgh" }
            #expect(check(report, "policy")?.status == .pass, "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(report.verdict == .healthy)
        }
    }

    @Test func hostHeaderForbiddenBehindATunnelName() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://my-tunnel.example.com:\(mock.port)"], provider: .ollama) {
                $0.resolveOverrides = ["my-tunnel.example.com": ["127.0.0.1"]]
            }
            expectDiagnosed(report, "host-header-403")
            #expect(!report.modeIDs.contains("ollama-origin-403"))
        }
    }

    @Test func corsPreflightBlockedByLMStudio() async throws {
        try await withMock(.lmstudio) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio) { $0.origin = "https://chat.example.com" }
            expectDiagnosed(report, "cors-preflight-blocked")
        }
    }

    @Test func openAIInvalidKey() async throws {
        try await withMock(.openai, { $0.apiKey = "sk-right-key-0123456789abcdef" }) { mock in
            let wrong = "sk-wrong-key-0123456789abcdef"
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) { $0.apiKey = wrong }
            expectDiagnosed(report, "openai-invalid-key")
            #expect(!report.modeIDs.contains("openai-insufficient-quota"))
            #expect(!report.modeIDs.contains("openai-rate-limited"))
            let text = DiagnosisRenderer(verbose: true, secrets: [wrong]).text(report)
            #expect(!text.contains(wrong))
            #expect(text.contains("…cdef"))
        }
    }

    @Test func openAIRateLimited() async throws {
        try await withMock(.openai, { $0.faults = [try FaultSpec.parse("status=429,retry_after=20,path=/v1/models")] }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) { $0.apiKey = "sk-test-0123456789abcdef" }
            expectDiagnosed(report, "openai-rate-limited")
            #expect(report.verdict == .problems, "rate limited now is not healthy")
            #expect(!report.modeIDs.contains("openai-insufficient-quota"))
            #expect(report.findings.first?.message.contains("20 s") == true)
        }
    }

    @Test func openAIInsufficientQuota() async throws {
        let body = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#
        let routes = [
            "/v1/models": RawTestServer.http(429, "application/json", body),
            "/": RawTestServer.http(404, "application/json", #"{"error":{"message":"Invalid URL (GET /)","type":"invalid_request_error","param":null,"code":null}}"#),
        ]
        try await withRawServer(RawTestServer.routes(routes)) { server in
            let report = await diagnose([server.url + "/v1"], provider: .openaiCompatible) { $0.apiKey = "sk-test-0123456789abcdef" }
            expectDiagnosed(report, "openai-insufficient-quota")
            #expect(!report.modeIDs.contains("openai-rate-limited"))
        }
    }

    @Test func localServerKeyRequired() async throws {
        try await withMock(.lmstudio, { $0.apiKey = "lm-secret-token-123456" }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio)
            expectDiagnosed(report, "local-server-key-required")
            #expect(!report.modeIDs.contains("openai-invalid-key"))
        }
    }

    @Test func llamaCppKeyRequiredWithKeyExemptHealth() async throws {
        let unauthorized = RawTestServer.http(401, "application/json", #"{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}"#)
        let routes = [
            "/health": RawTestServer.http(200, "application/json", #"{"status":"ok"}"#),
            "/v1/models": unauthorized, "/": unauthorized, "/props": unauthorized,
        ]
        try await withRawServer(RawTestServer.routes(routes)) { server in
            let report = await diagnose([server.url + "/v1"], provider: .openaiCompatible)
            expectDiagnosed(report, "local-server-key-required")
            #expect(report.findings.first?.message.contains("/health") == true)
        }
    }

    @Test func ollamaModelNotPulledSuggestsClosest() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) { $0.model = "llama3.2" }
            expectDiagnosed(report, "ollama-model-not-pulled")
            #expect(report.findings.first?.message.contains("llama3.2:3b") == true)
        }
    }

    @Test func ollamaModelFoundTagInsensitively() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) { $0.model = "Nomic-Embed-Text" }
            #expect(check(report, "model")?.status == .pass, "\(DiagnosisRenderer(verbose: true).text(report))")
        }
    }

    @Test func modelLacksCapability() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.model = "nomic-embed-text"
                $0.requiredCapabilities = ["tools"]
            }
            expectDiagnosed(report, "model-lacks-capability")
            #expect(!report.modeIDs.contains("ollama-model-not-pulled"))
        }
    }

    @Test func servedModelNameMismatch() async throws {
        try await withMock(.openai) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) { $0.model = "Qwen2.5-7B-Instruct-does-not-exist" }
            expectDiagnosed(report, "served-model-name-mismatch")
        }
    }

    @Test func lmStudioNoModelLoadedIsToldApartFromServerOff() async throws {
        try await withMock(.lmstudio, {
            $0.models = []
        }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio)
            expectDiagnosed(report, "lmstudio-server-off-or-no-model")
            #expect(report.findings.first?.message.contains("no model is loaded") == true)
            #expect(check(report, "connect")?.status == .pass)
        }
    }
}
