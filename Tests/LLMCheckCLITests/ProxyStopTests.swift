import Foundation
import HTTPWire
@testable import LLMCheckCLI
import MockProviders
import TestSupport
import Testing

/// `proxy` / `record`: what they say at start beyond loopback, what they refuse at start, and how a
/// signal stops them (issue 10 item 3, issue 11 item 2).
@Suite(.timeLimit(.minutes(1))) struct ProxyStopTests {
    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: ["PATH": "/usr/bin:/bin"], currentDirectory: NSTemporaryDirectory())
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    @Test func bindingBeyondLoopbackPrintsTheRealAddressAndWarns() throws {
        let upstream = try ProxyUpstream(parsing: "http://127.0.0.1:11434")
        func notes(_ host: String) -> String {
            let configuration = ProxyConfiguration(upstream: upstream, server: HTTPServerConfiguration(host: host, port: 0))
            return ProxyCommand.exposureNotes(configuration, port: 8080).joined(separator: "\n")
        }
        #expect(notes("0.0.0.0").contains("listening on 0.0.0.0:8080 (every IPv4 interface)"))
        #expect(notes("0.0.0.0").contains("warning: --host 0.0.0.0 lets every host on the network reach"))
        #expect(notes("::").contains("listening on [::]:8080 (every interface)"))
        #expect(notes("::").contains("warning: --host ::"))
        #expect(notes("127.0.0.1").isEmpty)
    }

    @Test func recordRefusesAnOutThatIsADirectoryAtStart() async throws {
        let tmp = try TemporaryDirectory()
        let (code, out) = await run(["record", "--upstream", "http://127.0.0.1:1", "--out", tmp.path])
        #expect(code == .usage)
        #expect(out.standardError.contains("--out \(tmp.path) is a directory"), "\(out.standardError)")
        #expect(out.standardOutput.isEmpty, "nothing may start")
        try FileManager.default.createDirectory(atPath: tmp.file("rec/openai/recorded.json"), withIntermediateDirectories: true)
        let (proxyCode, proxyOut) = await run(["proxy", "--upstream", "http://127.0.0.1:1", "--provider", "openai", "--record", tmp.file("rec")])
        #expect(proxyCode == .usage)
        #expect(proxyOut.standardError.contains("--record"), "\(proxyOut.standardError)")
    }
}

/// A real signal to the real binary: `proxy` exits 130 / 143 after a summary line and its journal.
@Suite(.timeLimit(.minutes(1)), .enabled(if: BuiltBinary.path != nil)) struct ProxyInterruptTests {
    @Test(arguments: [(Int32(2), Int32(130)), (Int32(15), Int32(143))])
    func aSignalStopsTheProxyWithSummaryAndJournal(signal: Int32, expectedStatus: Int32) async throws {
        let binary = try #require(BuiltBinary.path)
        try await withTemporaryDirectory { tmp in
            let journal = tmp.file("journal.jsonl")
            // Port 1 refuses: the one request is answered 502 by the proxy (an error in the summary).
            let child = try ChildProcess(
                executable: binary, arguments: ["proxy", "--upstream", "http://127.0.0.1:1", "--journal", journal],
                outputPath: tmp.file("console.txt"))
            let port = try await child.waitForOutputLine(timeout: .seconds(30)) { line -> UInt16? in
                guard line.hasPrefix("http://127.0.0.1:") else { return nil }
                return UInt16(line.dropFirst("http://127.0.0.1:".count))
            }
            _ = try await child.waitForOutputLine(timeout: .seconds(30)) { $0.contains("Press Ctrl-C") ? true : nil }
            let connection = try await RawTestConnection.connect(port: port)
            try await connection.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            let answer = await connection.readUntilClose()
            #expect(answer.text.hasPrefix("HTTP/1.1 502"), "\(answer.text)")
            kill(child.pid, signal)
            #expect(await child.waitForExit(timeout: .seconds(20)), "\(child.output)")
            guard case .exited(let status)? = child.status else {
                Issue.record("did not exit normally: \(String(describing: child.status))\n\(child.output)")
                return
            }
            #expect(status == expectedStatus, "\(child.output)")
            #expect(child.output.contains("1 request proxied, 1 error"), "\(child.output)")
            let text = try String(contentsOfFile: journal, encoding: .utf8)
            #expect(text.contains("/v1/models"), "journal written: \(text)")
        }
    }
}
