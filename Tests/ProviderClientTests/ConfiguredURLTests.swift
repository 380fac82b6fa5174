import HTTPWire
import ProviderClient
import Testing

@Suite("ProviderEnvironment.configuredURL")
struct ConfiguredURLTests {
    @Test func variablesPerKind() {
        let env = ["OLLAMA_HOST": "0.0.0.0:11434", "OPENAI_API_BASE": "http://old/v1", "OPENAI_BASE_URL": ""]
        #expect(ProviderEnvironment.configuredURL(kind: .ollama, environment: env)?.variable == "OLLAMA_HOST")
        #expect(ProviderEnvironment.configuredURL(kind: .openaiCompatible, environment: env)?.variable == "OPENAI_API_BASE", "empty counts as unset")
        #expect(ProviderEnvironment.configuredURL(kind: .lmstudio, environment: env) == nil)
        let both = ["OPENAI_API_BASE": "http://old/v1", "OPENAI_BASE_URL": "http://new/v1"]
        #expect(ProviderEnvironment.configuredURL(kind: .openaiCompatible, environment: both)?.value == "http://new/v1")
        #expect(ProviderEnvironment.configuredURL(kind: .openaiCompatible, environment: [:]) == nil, "no default here")
    }

    @Test func resolveStillExplainsWhereTheURLCameFrom() throws {
        let legacy = try ProviderEnvironment.resolve(
            kind: .openaiCompatible, url: nil, apiKey: nil, environment: ["OPENAI_API_BASE": "http://127.0.0.1:8080/v1"])
        #expect(legacy.endpoint.port == 8080 && legacy.notes.first?.contains("legacy OPENAI_API_BASE") == true)
        let both = try ProviderEnvironment.resolve(
            kind: .openaiCompatible, url: nil, apiKey: nil,
            environment: ["OPENAI_API_BASE": "http://a:1/v1", "OPENAI_BASE_URL": "http://b:2/v1"])
        #expect(both.endpoint.host == "b" && both.notes.contains { $0.contains("ignored (OPENAI_BASE_URL wins)") })
        let fallback = try ProviderEnvironment.resolve(kind: .openaiCompatible, url: nil, apiKey: nil, environment: [:])
        #expect(fallback.endpoint.host == "api.openai.com")
    }
}
