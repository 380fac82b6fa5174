import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import TestSupport
import Testing

@testable import Diagnosis

/// Issue 12 items 10–13: fixes keep what works, masking hides secrets only, evidence shows what
/// was seen, and one run tells one story.
@Suite("Fixes, evidence and one story", .timeLimit(.minutes(1)))
struct StoryTests {
    // MARK: 10. Fixes keep what works

    @Test func boundLoopbackFixKeepsTheServersPort() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["http://my-pc.lan:\(mock.port)"], provider: .ollama) {
                $0.resolveOverrides = ["my-pc.lan": ["127.0.0.2"]]
            }
            expectDiagnosed(report, "bound-loopback-only")
            let advice = fix(report, "bound-loopback-only")
            #expect(advice.contains("OLLAMA_HOST=0.0.0.0:\(mock.port)"), "\(advice)")
            #expect(!advice.contains("0.0.0.0:11434"))
            #expect(exitCode(report) == 69, "the address the app uses is unreachable")
        }
    }

    @Test func wrongPortFixKeepsV1ForTheOpenAIDialect() async throws {
        try await withMock(.openai) { mock in
            let report = await diagnose(["http://127.0.0.1:\(freePort())"], provider: .openaiCompatible) {
                $0.scanPorts = [mock.port]
                $0.apiKey = "sk-test-0123456789abcdef"
            }
            expectDiagnosed(report, "wrong-port")
            #expect(fix(report, "wrong-port").hasPrefix("Change the base URL to http://127.0.0.1:\(mock.port)/v1 "), "\(fix(report, "wrong-port"))")
            #expect(!report.modeIDs.contains("server-not-running"))
            #expect(exitCode(report) == 69)
        }
    }

    @Test func twoOllamaInstancesAreNamedByProcess() async throws {
        var first = MockConfiguration(provider: .ollama)
        first.ollamaVersion = "0.12.6"
        try await withMockProviderServer(first) { v4 in
            var second = MockConfiguration(provider: .ollama)
            second.ollamaVersion = "0.5.1"
            second.server.host = "::1"
            second.server.port = v4.port
            try await withMockProviderServer(second) { _ in
                let root = try Self.fakeProc(port: v4.port, v4: ("ollama", 4242, 11111), v6: ("docker-proxy", 5353, 22222))
                defer { try? FileManager.default.removeItem(atPath: root) }
                let report = await diagnose(["http://127.0.0.1:\(v4.port)"], provider: .ollama) {
                    $0.fileSystemRoot = root
                    $0.runtime = RuntimeContext(kind: .native)
                }
                expectDiagnosed(report, "multiple-ollama-instances", severity: .warning)
                let advice = fix(report, "multiple-ollama-instances")
                #expect(advice.contains("ollama (PID 4242)") && advice.contains("docker-proxy (PID 5353)"), "\(advice)")
                #expect(exitCode(report) == 0)
            }
        }
    }

    @Test(arguments: [("htp://127.0.0.1:11434", "http://127.0.0.1:11434"), ("htttps://example.com/v1", "https://example.com/v1"), ("hhtp://localhost:1234/v1", "http://localhost:1234/v1")])
    func misspeltSchemeGetsTheCorrectedURL(input: String, corrected: String) async {
        let report = await diagnose([input])
        #expect(errorModes(report) == ["url-malformed"])
        #expect(fix(report, "url-malformed") == "Use \(corrected).")
        #expect(exitCode(report) == 1)
    }

    // MARK: 11. Masking hides secrets, not words

    @Test func wrongKeyMessageKeepsStatusAndWords() async throws {
        let wrong = "sk-wrong-0123456789abcdef"
        try await withMock(.openai, { $0.apiKey = "sk-right-0123456789abcdef" }) { mock in
            let report = await diagnose([mock.baseURL + "/v1"], provider: .openaiCompatible) { $0.apiKey = wrong }
            let text = DiagnosisRenderer(verbose: true, secrets: [wrong]).text(report)
            let json = DiagnosisRenderer(secrets: [wrong]).json(report, toolVersion: "t").serialized()
            #expect(!text.contains(wrong) && !json.contains(wrong))
            #expect(text.contains("…cdef from --api-key: 401 invalid_api_key"), "\(text)")
            #expect(exitCode(report) == 1)
        }
    }

    @Test func keyFromTheEnvironmentIsMaskedButTheRequestStays() async throws {
        let wrong = "llama-wrong-0123456789"
        try await withScripted(keyedLlamaCpp(key: "llama-right-0123456789")) { server in
            let report = await diagnose([server.baseURL + "/v1"], provider: .openaiCompatible) { $0.environment = ["OPENAI_API_KEY": wrong] }
            expectDiagnosed(report, "local-server-key-required")
            let text = DiagnosisRenderer(verbose: true, secrets: [wrong]).text(report)
            #expect(!text.contains(wrong))
            #expect(text.contains("from OPENAI_API_KEY: GET /v1/models → 401"), "\(text)")
        }
    }

    // MARK: 12. Evidence shows what was seen

    @Test func proxyFindingShowsTheProxysAnswer() async throws {
        try await withMock(.ollama) { mock in
            try await withScripted({ _ in
                .reply(.json(#"{"error":"upstream refused"}"#, status: 502, headers: [("Via", "1.1 corp-proxy"), ("Server", "squid/6.6")]))
            }) { proxy in
                let report = await diagnose([mock.baseURL], provider: .ollama) { $0.environment = ["HTTP_PROXY": proxy.baseURL] }
                expectDiagnosed(report, "proxy-env-intercepts")
                let message = report.findings.first { $0.modeID == "proxy-env-intercepts" }?.message ?? ""
                #expect(message.contains("HTTP 502") && message.contains("Via: 1.1 corp-proxy") && message.contains("Server: squid/6.6"), "\(message)")
                #expect(fix(report, "proxy-env-intercepts").contains("NO_PROXY="))
                #expect(exitCode(report) == 1)
            }
        }
    }

    @Test func tlsMismatchShowsTheDecodedAnswer() async throws {
        let answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request"
        try await withScripted({ _ in .raw(Array(answer.utf8)) }) { server in
            let report = await diagnose(["https://127.0.0.1:\(server.port)"], provider: .openaiCompatible)
            expectDiagnosed(report, "tls-scheme-mismatch")
            let message = report.findings.first { $0.modeID == "tls-scheme-mismatch" }?.message ?? ""
            #expect(message.contains("\"HTTP/1.1 400 Bad Request\""), "\(message)")
            let text = DiagnosisRenderer(verbose: true).text(report)
            #expect(!text.contains("48 54 54 50"), "no hex dump of readable text:\n\(text)")
            #expect(fix(report, "tls-scheme-mismatch").contains("http://127.0.0.1:\(server.port)"))
        }
    }

    @Test func rawLineBreaksNeverBreakTheVerboseLayout() {
        let check = CheckResult(
            id: "identity", target: nil, title: "Identity", status: .fail, summary: "odd\nanswer",
            evidence: [Evidence("GET /", "line one\r\nline two\tend")],
            findings: [Finding("wrong-service-on-port", message: "a\nb", fix: "x\ny")]
        )
        let report = DiagnosisReport(verdict: .problems, headline: "h", targets: [], checks: [check], platform: .linux, durationMilliseconds: 1)
        let text = DiagnosisRenderer(verbose: true).text(report)
        #expect(text.contains("odd\\nanswer") && text.contains("line one\\r\\nline two\\tend") && text.contains("A\\nb"), "\(text)")
        #expect(!text.contains("line one\r") && !text.contains("odd\nanswer"))
    }

    @Test func durationsUseOneFormat() {
        #expect(ConnectAttempt.format(0.42) == "0.4 ms")
        #expect(ConnectAttempt.format(850) == "850 ms")
        #expect(ConnectAttempt.format(1500) == "1.50 s")
        #expect(ConnectAttempt.format(seconds: 2) == "2.00 s")
        #expect(ConnectAttempt.format(seconds: 30) == "30.0 s")
    }

    // MARK: 13. One story per run

    @Test func symbolsFooterAndHeadlineAgree() async throws {
        // Two problems (no scheme; the model is missing) and one warning (no key for an SDK).
        try await withMock(.openai) { mock in
            let report = await diagnose(["127.0.0.1:\(mock.port)/v1"], provider: .openaiCompatible) { $0.model = "gpt-5-nano" }
            let text = DiagnosisRenderer().text(report)
            let (problems, warnings) = report.problemCount
            #expect(problems == 2 && warnings == 1, "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(report.headline.hasPrefix("2 problems found"), "\(report.headline)")
            #expect(text.contains("2 problems, 1 warning ·"), "\(text)")
            #expect(!text.contains("1 warnings"))
            for check in report.checks where check.findings.contains(where: { $0.severity == .error }) {
                #expect(check.status == .fail, "\(check.id) produced an error finding but shows \(check.status.symbol)")
            }
            #expect(exitCode(report) == 1)
        }
    }

    @Test func preflightStatusIsNotReportedInverted() async throws {
        try await withMock(.openai) { mock in
            try await withScripted(upstream: mock.port, { request in
                request.method == "OPTIONS" ? .reply(.json(#"{"error":"not found"}"#, status: 404)) : .forward(holdBack: .zero)
            }) { server in
                let report = await diagnose([server.baseURL + "/v1"], provider: .openaiCompatible) {
                    $0.apiKey = "sk-test-0123456789abcdef"
                    $0.origin = "https://app.example.com"
                }
                expectDiagnosed(report, "cors-preflight-blocked")
                let message = report.findings.first { $0.modeID == "cors-preflight-blocked" }?.message ?? ""
                #expect(message.contains("answers status 404 instead of 2xx"), "\(message)")
                #expect(!message.contains("lacks status"))
                #expect(exitCode(report) == 1)
            }
        }
    }

    @Test func headingsNeverShowRawIDs() async throws {
        try await withScripted({ _ in
            .reply(ScriptedReply(headers: [("Content-Type", "text/html")], body: Array("<!doctype html><html><title>Router</title></html>".utf8)))
        }) { server in
            let report = await diagnose([server.baseURL], provider: .ollama)
            expectDiagnosed(report, "wrong-service-on-port")
            let text = DiagnosisRenderer().text(report)
            #expect(!text.contains("html-page") && !text.contains("unknown  http"), "\(text)")
            #expect(text.contains("Ollama  \(server.baseURL)") && text.contains("answered by a web page"), "\(text)")
            #expect(exitCode(report) == 1)
        }
    }

    /// A `/proc` with one IPv4 and one IPv6 listener on `port`, owned by the named processes.
    static func fakeProc(port: UInt16, v4: (String, Int, Int), v6: (String, Int, Int)) throws -> String {
        let root = NSTemporaryDirectory() + "llmcheck-proc-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/proc/net", withIntermediateDirectories: true)
        let hexPort = String(format: "%04X", port)
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        try (header + "   0: 0100007F:\(hexPort) 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 \(v4.2) 1\n")
            .write(toFile: root + "/proc/net/tcp", atomically: true, encoding: .utf8)
        try (header + "   0: 00000000000000000000000001000000:\(hexPort) 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 \(v6.2) 1\n")
            .write(toFile: root + "/proc/net/tcp6", atomically: true, encoding: .utf8)
        for (name, pid, inode) in [v4, v6] {
            try fm.createDirectory(atPath: root + "/proc/\(pid)/fd", withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: root + "/proc/\(pid)/fd/3", withDestinationPath: "socket:[\(inode)]")
            try (name + "\n").write(toFile: root + "/proc/\(pid)/comm", atomically: true, encoding: .utf8)
        }
        return root
    }
}
