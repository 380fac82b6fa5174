import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("--deep streamed generation", .timeLimit(.minutes(1)))
struct GenerationTests {
    @Test func healthyStreamReportsTimings() async throws {
        try await withMock(.ollama, { $0.physics = StreamingPhysics(timeToFirstToken: .milliseconds(20), tokensPerSecond: 200) }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
            }
            let generation = try #require(check(report, "generation"))
            #expect(generation.status == .pass, "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(generation.evidence.contains { $0.key == "first token (TTFT)" })
            #expect(generation.evidence.contains { $0.key == "gaps between events" })
            #expect(report.verdict == .healthy)
        }
    }

    @Test func openAIDialectStreamEndsWithDone() async throws {
        try await withMock(.lmstudio) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .lmstudio) { $0.deep = true }
            #expect(check(report, "generation")?.status == .pass, "\(DiagnosisRenderer(verbose: true).text(report))")
        }
    }

    @Test func coldLoadFirstRequestSlowSecondFast() async throws {
        try await withMock(.ollama, {
            $0.physics = StreamingPhysics(tokensPerSecond: 50)
            $0.faults = [try FaultSpec.parse("delay_headers=1200ms,times=1,path=/api/chat")]
        }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
                $0.readTimeout = 0.8
            }
            expectDiagnosed(report, "cold-load-slow-first-request")
            #expect(!report.modeIDs.contains("client-timeout-cap"))
            #expect(!report.modeIDs.contains("proxy-buffering-stream"))
        }
    }

    @Test func modelSlowerThanTheAppTimeoutEveryTime() async throws {
        try await withMock(.ollama, { $0.physics = StreamingPhysics(timeToFirstToken: .milliseconds(900), tokensPerSecond: 50) }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
                $0.readTimeout = 0.5
            }
            expectDiagnosed(report, "client-timeout-cap")
            #expect(!report.modeIDs.contains("cold-load-slow-first-request"))
        }
    }

    @Test func bufferedStreamArrivesAllAtOnce() async throws {
        // Everything held back, then delivered in one burst: what nginx proxy_buffering does.
        try await withMock(.ollama, { $0.faults = [try FaultSpec.parse("delay_headers=600ms,path=/api/chat")] }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
            }
            expectDiagnosed(report, "proxy-buffering-stream")
            #expect(!report.modeIDs.contains("cold-load-slow-first-request"))
        }
    }

    @Test func streamCutBeforeItsEnd() async throws {
        try await withMock(.ollama, { $0.faults = [try FaultSpec.parse("close=after:2,path=/api/chat")] }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
            }
            expectDiagnosed(report, "midstream-disconnect")
        }
    }

    @Test func sseStreamResetMidway() async throws {
        try await withMock(.openai, { $0.faults = [try FaultSpec.parse("rst=after:2,path=/v1/chat/completions")] }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) {
                $0.deep = true
                $0.apiKey = "sk-test-0123456789abcdef"
            }
            expectDiagnosed(report, "midstream-disconnect")
        }
    }

    @Test func serverErrorBodyIsClassified() async throws {
        try await withMock(.ollama, {
            $0.faults = [try FaultSpec.parse(#"status=500,message="llama runner process has terminated: exit status 2",path=/api/chat"#)]
        }) { mock in
            let report = await diagnose([mock.baseURL], provider: .ollama) {
                $0.deep = true
                $0.model = "llama3.2:3b"
            }
            expectDiagnosed(report, "runner-crash")
        }
    }

    @Test func lmStudioNoModelsLoadedDuringGeneration() async throws {
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
            #expect(!report.modeIDs.contains("server-not-running"))
        }
    }
}
