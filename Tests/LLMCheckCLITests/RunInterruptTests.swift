import Foundation
import HTTPWire
import TestSupport
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Ctrl-C / SIGTERM during `llmcheck run` (issue 11 item 2): the real binary, a real signal.
@Suite(.timeLimit(.minutes(1)), .enabled(if: BuiltBinary.path != nil)) struct RunInterruptTests {
    /// A scenario that never ends by itself: the stream stalls and the client waits a minute.
    static func stallingScenario(id: String) -> String {
        """
        {"id": "\(id)", "description": "stalls until stopped", "timeout_ms": 60000,
         "servers": [{"name": "main", "personality": "openai", "faults": [{"stall": {"after": 1}}]}],
         "client": {"timeouts": {"idle_ms": 60000}},
         "steps": [{"operation": "chat", "expect": {"error_code": "idleTimeout"}}]}
        """
    }

    @Test(arguments: [(Int32(2), Int32(130)), (Int32(15), Int32(143))])
    func aSignalStopsTheRunAndKeepsValidReports(signal: Int32, expectedStatus: Int32) async throws {
        let binary = try #require(BuiltBinary.path)
        try await withTemporaryDirectory { tmp in
            let scenarios = tmp.file("scenarios")
            try FileManager.default.createDirectory(atPath: scenarios, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: BuiltBinary.repositoryRoot + "/Scenarios/operations/lmstudio-list-models.json",
                toPath: scenarios + "/a-fast.json"
            )
            for index in 1...3 {
                _ = try tmp.write(Self.stallingScenario(id: "stall.\(index)"), to: "scenarios/stall-\(index).json")
            }
            let child = try ChildProcess(
                executable: binary,
                arguments: ["run", scenarios, "--out", tmp.file("out"), "--jobs", "2", "--progress-interval", "0.1"],
                outputPath: tmp.file("console.txt")
            )
            // The fast scenario has finished and the stalling ones are running.
            _ = try await child.waitForOutputLine(timeout: .seconds(30)) { $0.contains("progress: 1/4") ? true : nil }
            let sent = MonotonicClock.now()
            kill(child.pid, signal)
            #expect(await child.waitForExit(timeout: .seconds(20)), "\(child.output)")
            let seconds = Double(MonotonicClock.now() - sent) / 1e9
            #expect(seconds < 15, "stopped promptly, not after the 60 s deadline: \(seconds) s")
            guard case .exited(let status)? = child.status else {
                Issue.record("did not exit normally: \(String(describing: child.status))\n\(child.output)")
                return
            }
            #expect(status == expectedStatus, "\(child.output)")
            let console = child.output
            #expect(console.contains("4 scenarios: 1 passed"), "summary line printed: \(console)")
            #expect(console.contains("interrupted by"), "\(console)")

            let junit = try String(contentsOfFile: tmp.file("out/junit.xml"), encoding: .utf8)
            let counter = ElementCounter()
            let parser = XMLParser(data: Data(junit.utf8))
            parser.delegate = counter
            #expect(parser.parse(), "junit.xml is well-formed: \(junit)")
            #expect(counter.counts["testcase"] == 4, "\(junit)")
            #expect(counter.counts["skipped"] == 3, "\(junit)")
            #expect(junit.contains("interrupted"), "\(junit)")
            for name in ["summary.json", "summary.md", "report.html", "run.json"] {
                #expect(FileManager.default.fileExists(atPath: tmp.file("out/\(name)")), "missing \(name)")
            }
        }
    }
}

/// Counts XML elements by name.
final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        counts[elementName, default: 0] += 1
    }
}
