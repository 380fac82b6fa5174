import ProviderClient
import Testing

@Suite("Proxy settings: any common client stack")
struct ProxyConventionTests {
    @Test func upperCaseHTTPProxyCountsForSomeStack() {
        let env = ["HTTP_PROXY": "http://upper:3128"]
        #expect(ProxySettings.fromEnvironment(env).proxy(scheme: "http", host: "example.com") == nil, "curl ignores it")
        let any = ProxySettings.fromEnvironment(env, convention: .anyCommonClient)
        let route = any.proxyAndVariable(scheme: "http", host: "example.com")
        #expect(route?.target.host == "upper" && route?.variable == "HTTP_PROXY")
        #expect(any.proxy(scheme: "https", host: "example.com") == nil, "an http proxy is not an https proxy")
    }

    @Test func variableNamesAreReported() {
        let env = ["https_proxy": "http://s:1", "ALL_PROXY": "socks5://a:1080"]
        let any = ProxySettings.fromEnvironment(env, convention: .anyCommonClient)
        #expect(any.proxyAndVariable(scheme: "https", host: "x")?.variable == "https_proxy")
        #expect(any.proxyAndVariable(scheme: "http", host: "x")?.variable == "ALL_PROXY")
        #expect(ProxySettings.fromEnvironment(env).httpsProxyVariable == "https_proxy")
    }

    @Test func bothNoProxyVariablesCount() {
        let env = ["http_proxy": "p:1", "no_proxy": "a.com", "NO_PROXY": "b.com"]
        let any = ProxySettings.fromEnvironment(env, convention: .anyCommonClient)
        #expect(any.proxy(scheme: "http", host: "a.com") == nil)
        #expect(any.proxy(scheme: "http", host: "b.com") == nil)
        #expect(any.proxy(scheme: "http", host: "c.com") != nil)
    }

    @Test(arguments: [
        ("127.0.0.1", 11434, "127.0.0.1:11434", true), ("127.0.0.1", 11434, "127.0.0.1:80", false),
        ("::1", 11434, "[::1]:11434", true), ("::1", 11434, "[::1]:80", false),
        ("api.example.com", 443, "*.example.com", true), ("example.org", 443, "*.example.com", false),
    ])
    func portsAndWildcards(host: String, port: Int, entry: String, exempt: Bool) {
        #expect(ProxySettings.isExempt(host: host, port: UInt16(port), noProxy: [entry], convention: .anyCommonClient) == exempt)
    }

    @Test func curlIgnoresPortsInNoProxy() {
        #expect(ProxySettings.isExempt(host: "127.0.0.1", port: 11434, noProxy: ["127.0.0.1:80"]))
        #expect(ProxySettings.isExempt(host: "::1", noProxy: ["[::1]:80"]))
    }
}
