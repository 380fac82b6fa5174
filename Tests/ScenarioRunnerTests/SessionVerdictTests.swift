import Foundation
import HTTPWire
import MockProviders
import Testing
@testable import ScenarioRunner

@Suite("Session mode: GET /__llmcheck/verdict on a running mock", .timeLimit(.minutes(1)))
struct SessionVerdictTests {
    func get(_ server: MockProviderServer, _ target: String, headers: HTTPHeaders = [:]) async throws -> HTTPClientResponse {
        let request = try #require(HTTPClientRequest(url: server.baseURL + target, headers: headers))
        return try await RawHTTPClient().send(request)
    }

    func chat(_ server: MockProviderServer, testID: String) async throws -> Int {
        let body = #"{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}"#
        let request = try #require(HTTPClientRequest(
            url: server.baseURL + "/v1/chat/completions", method: .post,
            headers: ["Content-Type": "application/json", "X-Test-Id": testID], body: Array(body.utf8)))
        return try await RawHTTPClient().send(request).status.code
    }

    @Test func judgesOneTestAndIgnoresTheOthers() async throws {
        var configuration = MockConfiguration(provider: .openai)
        configuration.sessionJudge = SessionVerdict()
        try await withMockProviderServer(configuration) { server in
        server.addFault(try FaultSpec.parse("status=429,retry_after_ms=10000,times=1,test_id=impatient"))
        #expect(try await chat(server, testID: "impatient") == 429)
        #expect(try await chat(server, testID: "impatient") == 200)   // at once: Retry-After ignored
        #expect(try await chat(server, testID: "calm") == 200)

        let impatient = try JSONValue.parse(try await get(server, "/__llmcheck/verdict?test_id=impatient").body)
        #expect(impatient["passed"]?.boolValue == false)
        let findings = impatient["tests"]?[0]?["findings"]?.arrayValue ?? []
        #expect(findings.contains { $0["id"]?.stringValue == "retry-after-ignored" })
        #expect(impatient["tests"]?[0]?["requests"]?.intValue == 2)

        let calm = try JSONValue.parse(try await get(server, "/__llmcheck/verdict?test_id=calm").body)
        #expect(calm["passed"]?.boolValue == true)

        let all = try JSONValue.parse(try await get(server, "/__llmcheck/verdict").body)
        #expect(all["tests"]?.arrayValue?.compactMap { $0["test_id"]?.stringValue } == ["calm", "impatient"])

        let junit = try await get(server, "/__llmcheck/verdict?format=junit")
        #expect(junit.text.contains(#"<testcase classname="session.openai" name="impatient">"#))
        #expect(junit.text.contains(#"<failure type="retry-after-ignored""#))
        #expect(try await get(server, "/__llmcheck/verdict?format=yaml").status.code == 400)
        }
    }

    @Test func withoutAJudgeTheEndpointSaysSo() async throws {
        try await withMockProviderServer(MockConfiguration(provider: .ollama)) { server in
            let status = try await get(server, "/__llmcheck/verdict").status.code
            #expect(status == 501)
        }
    }

    @Test func faultsOfOneTestCanBeRemoved() async throws {
        try await withMockProviderServer(MockConfiguration(provider: .openai)) { server in
        server.addFault(try FaultSpec.parse("status=503,test_id=a"))
        server.addFault(try FaultSpec.parse("status=500,test_id=b"))
        var delete = try #require(HTTPClientRequest(url: server.baseURL + "/__llmcheck/faults?test_id=a"))
        delete.method = .delete
        delete.headers.add(name: MockConfiguration.controlTokenHeader, value: server.configuration.controlToken)
        delete.headers.add(name: "Content-Type", value: "application/json")
        #expect(try await RawHTTPClient().send(delete).status.code == 200)
        #expect(try await chat(server, testID: "a") == 200)
        #expect(try await chat(server, testID: "b") == 500)
        }
    }
}
