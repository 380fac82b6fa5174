import HTTPWire
import ProviderClient
import Testing

@Suite("Endpoint parsing") struct EndpointTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var kind: ProviderKind
        var scheme: String
        var host: String
        var port: UInt16
        var basePath: String
        var openAIBase: String
        var noted: Bool = false
        var testDescription: String { "\(kind) '\(input)'" }
    }

    static let cases: [Case] = [
        Case(input: "", kind: .ollama, scheme: "http", host: "127.0.0.1", port: 11434, basePath: "", openAIBase: "/v1"),
        Case(input: ":8080", kind: .ollama, scheme: "http", host: "127.0.0.1", port: 8080, basePath: "", openAIBase: "/v1"),
        Case(input: "0.0.0.0", kind: .ollama, scheme: "http", host: "127.0.0.1", port: 11434, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "0.0.0.0:11435", kind: .ollama, scheme: "http", host: "127.0.0.1", port: 11435, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "http://example.com", kind: .ollama, scheme: "http", host: "example.com", port: 80, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "https://example.com", kind: .ollama, scheme: "https", host: "example.com", port: 443, basePath: "", openAIBase: "/v1"),
        Case(input: "ollama.com", kind: .ollama, scheme: "https", host: "ollama.com", port: 443, basePath: "", openAIBase: "/v1"),
        Case(input: "example.com/proxy/", kind: .ollama, scheme: "http", host: "example.com", port: 11434, basePath: "/proxy", openAIBase: "/proxy/v1"),
        Case(input: "[::1]:11434", kind: .ollama, scheme: "http", host: "::1", port: 11434, basePath: "", openAIBase: "/v1"),
        Case(input: "::1", kind: .ollama, scheme: "http", host: "::1", port: 11434, basePath: "", openAIBase: "/v1"),
        Case(input: "http://[::]:1234", kind: .lmstudio, scheme: "http", host: "::1", port: 1234, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "localhost:1234/v1", kind: .lmstudio, scheme: "http", host: "localhost", port: 1234, basePath: "", openAIBase: "/v1"),
        Case(input: "http://localhost:1234/v1/", kind: .lmstudio, scheme: "http", host: "localhost", port: 1234, basePath: "", openAIBase: "/v1"),
        Case(input: "http://localhost:8080/v1/chat/completions", kind: .openaiCompatible, scheme: "http", host: "localhost", port: 8080, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "http://127.0.0.1:11434/api/chat", kind: .ollama, scheme: "http", host: "127.0.0.1", port: 11434, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "http://h:8000/v1/v1", kind: .openaiCompatible, scheme: "http", host: "h", port: 8000, basePath: "", openAIBase: "/v1", noted: true),
        Case(input: "https://api.openai.com/v1", kind: .openaiCompatible, scheme: "https", host: "api.openai.com", port: 443, basePath: "", openAIBase: "/v1"),
        Case(input: "https://api.groq.com/openai/v1", kind: .openaiCompatible, scheme: "https", host: "api.groq.com", port: 443, basePath: "/openai", openAIBase: "/openai/v1"),
        Case(input: "HTTP://LOCALHOST:8000", kind: .openaiCompatible, scheme: "http", host: "localhost", port: 8000, basePath: "", openAIBase: "/v1"),
        Case(input: " \"http://127.0.0.1:1234\" ", kind: .lmstudio, scheme: "http", host: "127.0.0.1", port: 1234, basePath: "", openAIBase: "/v1", noted: true),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) throws {
        let endpoint = try ProviderEndpoint.parse(c.input, kind: c.kind)
        #expect(endpoint.scheme == c.scheme)
        #expect(endpoint.host == c.host)
        #expect(endpoint.port == c.port)
        #expect(endpoint.basePath == c.basePath)
        #expect(endpoint.openAIBasePath == c.openAIBase)
        #expect(!endpoint.notes.isEmpty == c.noted, "\(endpoint.notes)")
    }

    @Test(arguments: ["ftp://h", "http://h:99999", "http://h:abc", "[::1", "http://h:0"])
    func rejects(_ input: String) {
        let error = #expect(throws: ProviderError.self) { try ProviderEndpoint.parse(input, kind: .ollama) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func keyIsMaskedInDescription() throws {
        let key = "sk-proj-abcdefghijklmnopqrstuvwxyz123456"
        let endpoint = try ProviderEndpoint.parse("https://api.openai.com/v1", kind: .openaiCompatible, apiKey: key)
        #expect(!endpoint.description.contains(key))
        #expect(!endpoint.description.contains("abcdefgh"))
        #expect(endpoint.description.contains("…3456"))
        #expect(SecretMasking.mask("short") == "***")
    }

    @Test func environmentPrecedence() throws {
        var env = ["OLLAMA_HOST": "0.0.0.0:11500", "OPENAI_API_BASE": "http://legacy:9000/v1", "OPENAI_API_KEY": "sk-test-0123456789abcdef", "LM_API_TOKEN": "tok"]
        let ollama = try ProviderEnvironment.resolve(kind: .ollama, url: nil, apiKey: nil, environment: env)
        #expect(ollama.endpoint.port == 11500 && ollama.endpoint.host == "127.0.0.1")
        #expect(ollama.notes.contains("URL from OLLAMA_HOST"))
        let legacy = try ProviderEnvironment.resolve(kind: .openaiCompatible, url: nil, apiKey: nil, environment: env)
        #expect(legacy.endpoint.host == "legacy")
        #expect(legacy.notes.contains { $0.contains("legacy OPENAI_API_BASE") })
        #expect(legacy.endpoint.apiKey == "sk-test-0123456789abcdef")
        #expect(!legacy.notes.joined().contains("0123456789"))
        env["OPENAI_BASE_URL"] = "http://new:9001/v1"
        let modern = try ProviderEnvironment.resolve(kind: .openaiCompatible, url: nil, apiKey: nil, environment: env)
        #expect(modern.endpoint.host == "new")
        let lmstudio = try ProviderEnvironment.resolve(kind: .lmstudio, url: nil, apiKey: nil, environment: env)
        #expect(lmstudio.endpoint.apiKey == "tok" && lmstudio.endpoint.port == 1234)
        let explicit = try ProviderEnvironment.resolve(kind: .ollama, url: "http://x:1", apiKey: nil, environment: env)
        #expect(explicit.endpoint.host == "x")
        let cloud = try ProviderEnvironment.resolve(kind: .openaiCompatible, url: nil, apiKey: nil, environment: [:])
        #expect(cloud.endpoint.host == "api.openai.com" && cloud.endpoint.isTLS && cloud.endpoint.isRemote)
    }
}

@Suite("Proxy settings") struct ProxySettingsTests {
    @Test func curlPrecedence() {
        let upperOnly = ProxySettings.fromEnvironment(["HTTP_PROXY": "http://upper:3128", "HTTPS_PROXY": "http://secure:3128"])
        #expect(upperOnly.proxy(scheme: "http", host: "example.com") == nil, "curl ignores uppercase HTTP_PROXY")
        #expect(upperOnly.proxy(scheme: "https", host: "example.com")?.host == "secure")
        let both = ProxySettings.fromEnvironment(["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2", "http_proxy": "http://u:p@plain:3128"])
        #expect(both.proxy(scheme: "https", host: "a.b")?.host == "lower")
        let plain = both.proxy(scheme: "http", host: "a.b")
        #expect(plain?.host == "plain" && plain?.port == 3128 && plain?.authorizationHeader == "Basic dTpw")
        #expect(plain?.description.contains("u:p") == false)
        let all = ProxySettings.fromEnvironment(["ALL_PROXY": "proxy.corp"])
        #expect(all.proxy(scheme: "http", host: "x")?.port == 1080)
        var disabled = both
        disabled.mode = .disabled
        #expect(disabled.proxy(scheme: "https", host: "a.b") == nil)
    }

    @Test(arguments: [
        ("localhost", "localhost", true), ("api.example.com", ".example.com", true), ("api.example.com", "example.com", true),
        ("badexample.com", "example.com", false), ("anything", "*", true), ("10.1.2.3", "10.0.0.0/8", true),
        ("11.1.2.3", "10.0.0.0/8", false), ("127.0.0.1", "127.0.0.1", true), ("127.0.0.2", "127.0.0.1", false),
        ("::1", "::1", true), ("[::1]", "::1/128", true), ("fd00::5", "fd00::/8", true), ("fe80::1", "fd00::/8", false),
        ("localhost", "127.0.0.1", false), ("host", "host:8080", true), ("example.com", "other.com, example.com", true),
    ])
    func noProxyMatching(host: String, noProxy: String, exempt: Bool) {
        let entries = noProxy.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        #expect(ProxySettings.isExempt(host: host, noProxy: entries) == exempt)
    }

    @Test func noProxyLowercaseFirst() {
        let settings = ProxySettings.fromEnvironment(["http_proxy": "p:1", "no_proxy": "a.com", "NO_PROXY": "b.com"])
        #expect(settings.proxy(scheme: "http", host: "a.com") == nil)
        #expect(settings.proxy(scheme: "http", host: "b.com") != nil)
    }
}
