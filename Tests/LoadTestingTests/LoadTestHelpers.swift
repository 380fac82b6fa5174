import Foundation
import HTTPWire
import LoadTesting
import MockProviders
import ProviderClient
import Reporting

/// A no-retry client for a mock or raw test server on 127.0.0.1 (`transport` nil: one connection per request).
func loadClient(
    port: UInt16, kind: ProviderKind, transport: (any HTTPTransport)? = nil,
    timeouts: ProviderTimeouts = ProviderTimeouts(connect: .seconds(2), headers: .seconds(20), idle: .seconds(20))
) throws -> ProviderClient {
    let endpoint = try ProviderEndpoint.parse("http://127.0.0.1:\(port)", kind: kind)
    return ProviderClient(endpoint: endpoint, configuration: ProviderClientConfiguration(timeouts: timeouts, retry: .none, transport: transport))
}

/// The model each mock lists first.
func mockModel(_ kind: MockProviderKind) -> String {
    switch kind {
    case .openai: "gpt-4o-mini"
    case .ollama: "llama3.2:3b"
    case .lmstudio: "qwen2.5-7b-instruct"
    }
}

func providerKind(_ kind: MockProviderKind) -> ProviderKind {
    switch kind {
    case .openai: .openaiCompatible
    case .ollama: .ollama
    case .lmstudio: .lmstudio
    }
}

/// Runs one level against a fresh in-process mock.
func runAgainstMock(
    _ kind: MockProviderKind = .openai, physics: StreamingPhysics = .instant, faults: [String] = [],
    transport: (any HTTPTransport)? = nil, configure: (inout LoadConfiguration) -> Void
) async throws -> (LoadLevelResult, [JournalEntry]) {
    let specs = try faults.map { try FaultSpec.parse($0) }
    return try await withMockProviderServer(MockConfiguration(provider: kind, physics: physics, faults: specs)) { server in
        var configuration = LoadConfiguration(model: mockModel(kind), maxTokens: 5)
        configure(&configuration)
        let runner = LoadRunner(
            client: try loadClient(port: server.port, kind: providerKind(kind), transport: transport), configuration: configuration)
        let result = await runner.run()
        // The mock journals a request when its exchange ends on the server, which can be just after the
        // client saw the stream's terminator.
        for _ in 0..<200 where server.journal().filter({ $0.path.hasSuffix("/chat/completions") || $0.path == "/api/chat" }).count < result.samples.count + configuration.warmup {
            try await Task.sleep(for: .milliseconds(10))
        }
        return (result, server.journal())
    }
}

/// A sample with the given instants (ms since the level start) for pure statistics tests.
func makeSample(
    id: String, sendMs: Double, headersMs: Double? = nil, firstTokenMs: Double? = nil, lastTokenMs: Double? = nil,
    gapsMs: [Double] = [], tokens: Int? = nil, status: Int? = 200, error: String? = nil
) -> LoadSample {
    func ns(_ ms: Double?) -> Int64? { ms.map { Int64(($0 * 1e6).rounded()) } }
    let trace = RequestTrace(
        scenarioID: "load", requestID: id, provider: "openai", endpoint: "/v1/chat/completions", status: status,
        tSendNs: ns(sendMs) ?? 0, tHeadersNs: ns(headersMs), tFirstTokenNs: ns(firstTokenMs), tLastTokenNs: ns(lastTokenMs),
        tEndNs: ns(lastTokenMs), chunkGapsMs: gapsMs, outputTokens: tokens, tokenSource: tokens == nil ? nil : .serverUsage,
        error: error.map { TraceError(code: $0, message: $0) })
    return LoadSample(trace: trace)
}
