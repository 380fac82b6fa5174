import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

/// Ctrl-C during `llmcheck load` (issue 11 item 2): the real binary stops with 130 and still writes load.json.
@Suite(.timeLimit(.minutes(1)), .enabled(if: BuiltBinary.path != nil)) struct LoadInterruptTests {
    @Test func sigintStopsTheLoadAndWritesTheReport() async throws {
        let binary = try #require(BuiltBinary.path)
        var configuration = MockConfiguration(provider: .ollama)
        configuration.physics = StreamingPhysics(tokensPerSecond: 50)
        let server = MockProviderServer(configuration: configuration)
        try server.start()
        try await withTemporaryDirectory { tmp in
            let child = try ChildProcess(
                executable: binary,
                arguments: [
                    "load", "--url", server.baseURL, "--model", configuration.models[0].name, "--concurrency", "2",
                    "--duration", "60s", "--out", tmp.file("out"),
                ],
                outputPath: tmp.file("console.txt"))
            // Bounded wait until the load has reached the mock (the health check and at least one request).
            for _ in 0..<300 where server.journal().count < 2 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(server.journal().count >= 2, "\(child.output)")
            kill(child.pid, 2)
            #expect(await child.waitForExit(timeout: .seconds(20)), "\(child.output)")
            guard case .exited(let status)? = child.status else {
                Issue.record("did not exit normally: \(String(describing: child.status))\n\(child.output)")
                return
            }
            #expect(status == 130, "\(child.output)")
            #expect(FileManager.default.fileExists(atPath: tmp.file("out/load.json")), "\(child.output)")
        }
        await server.shutdown(grace: .zero)
    }
}
