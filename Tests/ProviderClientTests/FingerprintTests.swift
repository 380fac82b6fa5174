import HTTPWire
import ProviderClient
import Testing

/// A fake transport that answers by request target (probes run concurrently, so order is unknown).
struct RoutedTransport: HTTPTransport {
    var routes: [String: (status: Int, contentType: String, body: String, headers: HTTPHeaders)]

    func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        let script: ScriptedTransport.Script
        if let route = routes[request.target] {
            var headers = route.headers
            headers["Content-Type"] = route.contentType
            script = ScriptedTransport.Script([.connect, .head(status: route.status, headers: headers), .body(Array(route.body.utf8)), .end])
        } else {
            script = .response(status: 404, headers: ["Content-Type": "text/plain"], body: "Not Found")
        }
        return ScriptedTransport([script]).execute(request)
    }
}

@Suite("Fingerprints (routed fake)") struct FingerprintTests {
    func fingerprint(_ routes: [String: (status: Int, contentType: String, body: String, headers: HTTPHeaders)]) async -> DiscoveredProvider? {
        // The fake answers at once; generous bounds keep a busy test run (hundreds of tests starting
        // together on 2 cores) from tripping the probe's 300 ms connect watchdog. Classification is under test here.
        let timeouts = ProviderTimeouts(connect: .seconds(10), headers: .seconds(10), idle: .seconds(10), total: .seconds(20))
        return await ProviderDiscovery(ports: [9], timeouts: timeouts, transport: RoutedTransport(routes: routes)).fingerprint(port: 9)
    }

    @Test func llamaCpp() async throws {
        let found = try #require(await fingerprint([
            "/": (200, "text/html", "<html>llama.cpp web ui</html>", [:]),
            "/health": (200, "application/json", #"{"status":"ok"}"#, [:]),
            "/props": (200, "application/json", #"{"default_generation_settings":{"n_ctx":2048},"total_slots":1,"build_info":"b1-0c1e570"}"#, [:]),
            "/v1/models": (200, "application/json", #"{"object":"list","data":[{"id":"gemma3-270m","object":"model","owned_by":"llamacpp","meta":{"n_ctx_train":32768}}]}"#, [:]),
        ]))
        #expect(found.flavor == .llamacpp)
        #expect(found.version == "b1-0c1e570")
        // The context served (/props n_ctx, the -c option) limits requests; the training one is beside it.
        #expect(found.models.first?.contextLength == 2048)
        #expect(found.models.first?.trainingContextLength == 32768)
    }

    @Test func vllm() async throws {
        let found = try #require(await fingerprint([
            "/": (404, "application/json", #"{"detail":"Not Found"}"#, [:]),
            "/version": (200, "application/json", #"{"version":"0.6.3"}"#, [:]),
            "/health": (200, "text/plain", "", [:]),
            "/v1/models": (200, "application/json", #"{"object":"list","data":[{"id":"Qwen/Qwen2.5-1.5B-Instruct","object":"model","owned_by":"vllm","max_model_len":32768}]}"#, [:]),
        ]))
        #expect(found.flavor == .vllm)
        #expect(found.version == "0.6.3")
        #expect(found.models.first?.contextLength == 32768)
    }

    @Test func lmStudioByItsUnexpectedEndpointAnswer() async throws {
        let found = try #require(await fingerprint([
            "/": (200, "application/json", #"{"error":"Unexpected endpoint or method. (GET /)"}"#, ["X-Powered-By": "Express"]),
        ]))
        #expect(found.flavor == .lmstudio)
        #expect(found.evidence.contains { $0.contains("Express") })
    }

    @Test func somethingElse() async throws {
        let found = try #require(await fingerprint(["/": (200, "text/html", "<html>Open WebUI</html>", ["Server": "uvicorn"])]))
        #expect(found.flavor == .otherHTTP)
        #expect(found.server == "uvicorn")
        #expect(found.endpoint == nil)
    }

    @Test func keyProtectedOpenAI() async throws {
        let found = try #require(await fingerprint([
            "/": (404, "application/json", #"{"error":{"message":"not found"}}"#, [:]),
            "/v1/models": (401, "application/json", #"{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}"#, [:]),
        ]))
        #expect(found.flavor == .openaiCompatible)
        #expect(found.evidence.contains { $0.contains("API key") })
    }
}
