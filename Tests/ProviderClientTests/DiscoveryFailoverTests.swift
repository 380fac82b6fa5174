import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import TestSupport
import Testing

/// A loopback port with nothing listening that no parallel test's server can take (a stopped
/// server's port can be handed to the next server started).
func closedPort() async throws -> UInt16 {
    try ReservedPort.forProcessLifetime()
}

func client(_ kind: ProviderKind, port: UInt16, sleeper: VirtualSleeper = VirtualSleeper(), apiKey: String? = nil) -> ProviderClient {
    ProviderClient(
        endpoint: ProviderEndpoint(kind: kind, host: "127.0.0.1", port: port, apiKey: apiKey),
        configuration: ProviderClientConfiguration(timeouts: ProviderTimeouts(connect: .seconds(2), headers: .seconds(10), idle: .seconds(10)), sleep: sleeper.sleep))
}

@Suite("Discovery, health and failover", .timeLimit(.minutes(1))) struct DiscoveryFailoverTests {
    @Test func fingerprintsEveryMockFlavor() async throws {
        let dead = try await closedPort()
        try await withMockProviderServer(MockConfiguration(provider: .ollama)) { ollama in
            try await withMockProviderServer(MockConfiguration(provider: .lmstudio)) { lmstudio in
                try await withMockProviderServer(MockConfiguration(provider: .openai)) { openai in
                    let discovery = ProviderDiscovery(ports: [ollama.port, dead, lmstudio.port, openai.port])
                    let found = await discovery.discover()
                    #expect(found.map(\.port) == [ollama.port, lmstudio.port, openai.port])
                    #expect(found.map(\.flavor) == [.ollama, .lmstudio, .openaiCompatible])
                    #expect(found[0].version != nil)
                    #expect(found[0].models.contains { $0.matches("llama3.2:3b") })
                    #expect(found[1].models.contains { $0.isLoaded == true })
                    #expect(found.allSatisfy { !$0.evidence.isEmpty })
                }
            }
        }
    }

    @Test func healthChangesArePublished() async throws {
        let dead = try await closedPort()
        let server = MockProviderServer(configuration: MockConfiguration(provider: .ollama))
        let port = try server.start()
        let monitor = HealthMonitor(clients: [client(.ollama, port: port), client(.ollama, port: dead)])
        let changes = await monitor.changes()
        var iterator = changes.makeAsyncIterator()
        await monitor.checkNow()
        let first = await iterator.next()
        let second = await iterator.next()
        #expect(first?.index == 0 && first?.current.isHealthy == true)
        #expect(second?.index == 1 && second?.current == .unhealthy(.connectionRefused))
        await monitor.checkNow()  // nothing changed: nothing published
        await server.shutdown()
        let hold = try ReservedPort(port: port)  // keeps parallel tests' servers off the port
        defer { hold.release() }
        await monitor.checkNow()
        let third = await iterator.next()
        #expect(third?.index == 0 && third?.current == .unhealthy(.connectionRefused))
        #expect(third?.previous.isHealthy == true)
        await monitor.stop()
        #expect(await iterator.next() == nil)
    }

    @Test func failoverMovesOnBeforeTheStreamStarts() async throws {
        let dead = try await closedPort()
        try await withMockProviderServer(MockConfiguration(provider: .lmstudio)) { lmstudio in
            try await withMockProviderServer(MockConfiguration(provider: .openai, faults: [try FaultSpec.parse("status=500")])) { failing in
                try await withMockProviderServer(MockConfiguration(provider: .openai)) { openai in
                    let coordinator = FailoverCoordinator(clients: [
                        client(.ollama, port: dead), client(.lmstudio, port: lmstudio.port),
                        client(.openaiCompatible, port: failing.port), client(.openaiCompatible, port: openai.port),
                    ])
                    let (result, report) = try await coordinator.chat(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 5))
                    #expect(!result.content.isEmpty)
                    #expect(report.servedBy?.index == 3)
                    #expect(report.tries.count == 4)
                    #expect(report.tries[0].error?.code == .connectionRefused && report.tries[0].attempts.count == 3)
                    #expect(report.tries[1].skippedReason?.contains("not listed") == true)
                    #expect(report.tries[2].error?.code == .serverError && report.tries[2].attempts.count == 3)
                    #expect(report.tries[3].served)
                }
            }
        }
    }

    @Test func failoverSkipsUnhealthyAndReportsExhaustion() async throws {
        let dead = try await closedPort()
        let clients = [client(.ollama, port: dead)]
        let monitor = HealthMonitor(clients: clients)
        await monitor.checkNow()
        let coordinator = FailoverCoordinator(clients: clients, health: monitor)
        let error = await #expect(throws: ProviderError.self) {
            _ = try await coordinator.chat(ChatRequest(model: "x", messages: [.user("hi")]))
        }
        #expect(error?.code == .noProviderAvailable)
        #expect(error?.message.contains("unhealthy") == true)
    }
}

@Suite("Failover rules (scripted)") struct FailoverRuleTests {
    @Test func neverFailsOverAfterContent() async throws {
        let broken = ScriptedTransport.Script([
            .connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"]), .body(Array(openAIStream[1].utf8)),
            .fail(TransportError(.connectionReset, "reset", receivedResponseBytes: true)),
        ])
        let (first, _) = scriptedClient(scripts: [broken])
        let (second, secondTransport) = scriptedClient(scripts: [.sse(openAIStream)])
        let coordinator = FailoverCoordinator(clients: [first, second], checksModels: false)
        var text = ""
        var thrown: ProviderError?
        do {
            for try await event in coordinator.streamChat(chatRequest) {
                if case .chat(.delta(let d)) = event { text += d.content }
            }
        } catch let error as ProviderError {
            thrown = error
        }
        #expect(text == "Hel")
        #expect(thrown?.code == .connectionReset)
        #expect(secondTransport.requests.isEmpty, "the second provider is never asked once content was delivered")
    }

    @Test func failsOverOnErrorsBeforeContent() async throws {
        let (first, _) = scriptedClient(scripts: [.response(status: 404, body: #"{"error":"model 'm' not found"}"#)])
        let (second, _) = scriptedClient(.ollama, scripts: [.ndjson(ollamaStream)])
        let coordinator = FailoverCoordinator(clients: [first, second], checksModels: false)
        var moved: [ProviderTry] = []
        var report: FailoverReport?
        var text = ""
        for try await event in coordinator.streamChat(chatRequest) {
            switch event {
            case .movedOn(let t): moved.append(t)
            case .chat(.delta(let d)): text += d.content
            case .report(let r): report = r
            default: break
            }
        }
        #expect(text == "The sky")
        #expect(moved.first?.error?.code == .modelNotFound)
        #expect(report?.servedBy?.index == 1)
    }
}
