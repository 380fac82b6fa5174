import HTTPWire
import TestSupport
@testable import MockProviders

/// Runs `body` with a proxy in front of `upstream` (port 0) and always stops it.
func withProxy<T: Sendable>(
    upstream url: String, configure: (inout ProxyConfiguration) throws -> Void = { _ in }, recorder: ProxyRecorder? = nil,
    _ body: (ProxyServer) async throws -> T
) async throws -> T {
    var configuration = ProxyConfiguration(upstream: try ProxyUpstream(parsing: url))
    // Kept upstream connections outlive any pause a loaded two-core suite puts between two
    // requests of one test (the default idle age is 2 s); a test of the age sets its own.
    configuration.upstreamKeepAlive.maximumIdleAge = .seconds(120)
    try configure(&configuration)
    let proxy = ProxyServer(configuration: configuration, recorder: recorder)
    try proxy.start()
    do {
        let result = try await body(proxy)
        await proxy.shutdown(grace: .milliseconds(200))
        return result
    } catch {
        await proxy.shutdown(grace: .milliseconds(200))
        throw error
    }
}

/// Sends one request through the proxy on a fresh connection; everything until the close.
func proxied(_ proxy: ProxyServer, _ method: String, _ target: String, json: String? = nil, headers: [(String, String)] = [], idle: Duration = .seconds(5)) async throws -> RawTestConnection.Transcript {
    let connection = try await RawTestConnection.connect(port: proxy.port)
    try await connection.send(rawRequest(method, target, json: json, headers: headers))
    return await connection.readUntilClose(idleTimeout: idle)
}

/// The proxy's journal once it holds `count` entries (bounded wait: the entry is appended just
/// after the response's last byte, or once the proxy noticed a client leave; up to 10 s, as a
/// parallel run on two cores can hold a thread back for seconds).
func proxyJournal(_ proxy: ProxyServer, count: Int) async throws -> [JournalEntry] {
    for _ in 0..<1000 {
        let entries = proxy.journal()
        if entries.count >= count { return entries }
        try await Task.sleep(for: .milliseconds(10))
    }
    return proxy.journal()
}
