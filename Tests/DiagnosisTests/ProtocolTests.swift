import Foundation
import HTTPWire
import MockProviders
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("Protocol and identity modes", .timeLimit(.minutes(1)))
struct ProtocolTests {
    @Test func httpURLToATLSPort() async throws {
        // A TLS server answers plain text with an alert record (15 03 03 …).
        let alert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]
        try await withRawServer(RawTestServer.reply(alert)) { server in
            let report = await diagnose([server.url], provider: .ollama)
            expectDiagnosed(report, "tls-scheme-mismatch")
            #expect(report.findings.first?.fix?.contains("https://127.0.0.1:\(server.port)") == true)
            #expect(!report.modeIDs.contains("accepts-but-hangs"))
        }
    }

    @Test func httpsURLToAPlainHTTPServer() async throws {
        try await withMock(.ollama) { mock in
            let report = await diagnose(["https://127.0.0.1:\(mock.port)"], provider: .ollama)
            expectDiagnosed(report, "tls-scheme-mismatch")
            #expect(report.findings.first?.fix?.contains("http://127.0.0.1:\(mock.port)") == true)
        }
    }

    @Test func nginxStylePlainHTTPToHTTPSPort() async throws {
        let body = "<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>"
        try await withRawServer(RawTestServer.reply(RawTestServer.http(400, "text/html", body, headers: ["Server: nginx"]))) { server in
            let report = await diagnose([server.url], provider: .ollama)
            expectDiagnosed(report, "tls-scheme-mismatch")
        }
    }

    @Test func acceptsButNeverAnswers() async throws {
        try await withRawServer(RawTestServer.silent) { server in
            let report = await diagnose([server.url], provider: .ollama) { $0.readTimeout = 0.3 }
            expectDiagnosed(report, "accepts-but-hangs")
            #expect(check(report, "connect")?.status == .pass)
        }
    }

    @Test func webPageOnThePort() async throws {
        let page = RawTestServer.http(200, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Open WebUI</title></head><body></body></html>")
        try await withRawServer(RawTestServer.reply(page)) { server in
            let report = await diagnose([server.url + "/v1"], provider: .openaiCompatible)
            expectDiagnosed(report, "wrong-service-on-port")
            #expect(check(report, "path")?.status == .skip)
        }
    }

    @Test func webPageOnThePortPointsAtTheRealAPI() async throws {
        try await withMock(.ollama) { mock in
            let page = RawTestServer.http(200, "text/html", "<!doctype html><html></html>")
            try await withRawServer(RawTestServer.reply(page)) { server in
                let report = await diagnose(["http://127.0.0.1:\(server.port)"], provider: .ollama) { $0.scanPorts = [mock.port] }
                expectDiagnosed(report, "wrong-service-on-port")
                #expect(report.findings.first?.fix?.contains(":\(mock.port)") == true)
            }
        }
    }

    @Test func nonHTTPServiceOnThePort() async throws {
        try await withRawServer(RawTestServer.reply(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))) { server in
            let report = await diagnose([server.url], provider: .ollama)
            expectDiagnosed(report, "wrong-service-on-port")
            #expect(report.findings.first?.message.contains("SSH-2.0") == true)
        }
    }

    @Test func unrecognisedAnswerIsReportedAsSeenNotGuessed() async throws {
        let reply = RawTestServer.http(200, "text/plain", "hello world")
        try await withRawServer(RawTestServer.reply(reply)) { server in
            let report = await diagnose([server.url], provider: .ollama)
            let identity = try #require(check(report, "identity"))
            #expect(identity.status == .fail)
            #expect(identity.summary == "unrecognised response: HTTP 200, 11 bytes, text/plain: \"hello world\"")
            #expect(report.findings.isEmpty, "no mode is stated as fact: \(report.modeIDs)")
            #expect(report.verdict == .problems)
        }
    }

    @Test func closedWithoutAnswer() async throws {
        try await withRawServer({ _, _ in .close }) { server in
            let report = await diagnose([server.url], provider: .ollama)
            #expect(check(report, "protocol")?.summary.contains("closed the connection without answering") == true)
            #expect(!report.modeIDs.contains("accepts-but-hangs"))
        }
    }

    @Test func identifiesEachMockProvider() async throws {
        for (kind, expected, url) in [(MockProviderKind.ollama, "Ollama", ""), (.lmstudio, "LM Studio", "/v1"), (.openai, "OpenAI-compatible", "/v1")] {
            try await withMock(kind) { mock in
                let provider: ProviderKind = kind == .ollama ? .ollama : kind == .lmstudio ? .lmstudio : .openaiCompatible
                let report = await diagnose([mock.baseURL + url], provider: provider)
                let identity = try #require(check(report, "identity"))
                #expect(identity.summary.contains(expected) || (kind == .openai && identity.status == .pass), "\(kind): \(identity.summary)")
                #expect(report.verdict == .healthy, "\(kind): \(DiagnosisRenderer(verbose: true).text(report))")
            }
        }
    }
}
