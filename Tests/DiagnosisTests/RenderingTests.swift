import Foundation
import HTTPWire
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("Rendering, JSON shape and masking")
struct RenderingTests {
    func sampleReport(verdict: DiagnosisReport.Verdict = .problems) -> DiagnosisReport {
        let key = "sk-proj-abcdefghijklmnop1234"
        let checks = [
            CheckResult(id: "environment", title: "Environment variables", status: .pass, summary: "1 relevant variable set", evidence: [Evidence("OPENAI_API_KEY", SecretMasking.mask(key))]),
            CheckResult(id: "connect", target: 0, title: "TCP connect", status: verdict == .healthy ? .pass : .fail, summary: "127.0.0.1:11434 refused",
                evidence: [Evidence("connect", "127.0.0.1:11434 refused (ECONNREFUSED) in 0.1 ms"), Evidence("header", "Authorization: Bearer \(key)")],
                findings: verdict == .healthy ? [] : [Finding("server-not-running", message: "Nothing is listening on 127.0.0.1:11434 (key \(key)).")]),
            CheckResult(id: "identity", target: 0, title: "Identity", status: .skip, summary: "skipped: TCP connect failed"),
        ]
        var report = DiagnosisReport(
            verdict: verdict, headline: "", targets: [.init(index: 0, url: "http://127.0.0.1:11434?key=\(key)", source: "argument", provider: "ollama", isDefaultProbe: false, identified: nil, reachable: verdict == .healthy)],
            checks: checks, platform: .linux, durationMilliseconds: 12.3
        )
        report.headline = Diagnoser.headline(report)
        return report
    }

    @Test func textHasSymbolsVerdictAndFix() {
        let text = DiagnosisRenderer(verbose: false, secrets: ["sk-proj-abcdefghijklmnop1234"]).text(sampleReport())
        #expect(text.hasPrefix("✗ 1 problem found"))
        #expect(text.contains("✗ TCP connect"))
        #expect(text.contains("– Identity"))
        #expect(text.contains("[server-not-running]"))
        #expect(text.contains("Fix: "))
        #expect(!text.contains("\u{1B}["), "no colour off a terminal")
        #expect(!text.contains("abcdefghijklmnop"))
    }

    @Test func verboseEvidenceKeepsTheMaskedKeyAfterAVariableName() {
        let text = DiagnosisRenderer(verbose: true, secrets: ["sk-proj-abcdefghijklmnop1234"]).text(sampleReport())
        #expect(text.contains("· OPENAI_API_KEY: …1234"), "the label must not make the masker swallow the value")
        #expect(!text.contains("abcdefghijklmnop"))
    }

    @Test func colourOnlyWhenAsked() {
        #expect(DiagnosisRenderer(useColor: true).text(sampleReport()).contains("\u{1B}[31m✗"))
    }

    @Test func verboseShowsEvidenceAndLookAlikes() {
        let text = DiagnosisRenderer(verbose: true).text(sampleReport())
        #expect(text.contains("· connect: 127.0.0.1:11434 refused"))
        #expect(text.contains("Why: "))
        #expect(text.contains("Not: wrong-port"))
    }

    @Test func healthyIsShort() {
        let report = sampleReport(verdict: .healthy)
        let text = DiagnosisRenderer().text(report)
        #expect(text.hasPrefix("✓ No problems found"))
        #expect(text.contains("TCP connect — all fine"))
        #expect(text.split(separator: "\n").count < 12)
    }

    @Test func jsonShapeIsStable() throws {
        let json = DiagnosisRenderer(secrets: ["sk-proj-abcdefghijklmnop1234"]).json(sampleReport(), toolVersion: "9.9")
        #expect(json.keys == ["schema_version", "tool", "tool_version", "command", "verdict", "exit_code", "headline", "platform", "duration_ms", "targets", "checks", "findings"])
        #expect(json["schema_version"]?.intValue == 2)
        #expect(json["exit_code"]?.intValue == 1)
        #expect(json["verdict"]?.stringValue == "problems")
        let check = try #require(json["checks"]?[1])
        #expect(check.keys == ["id", "target", "title", "status", "summary", "duration_ms", "evidence", "findings"])
        #expect(check["findings"]?[0]?.stringValue == "server-not-running")
        let finding = try #require(json["findings"]?[0])
        #expect(finding.keys == ["mode", "severity", "title", "message", "explanation", "fix", "look_alikes", "evidence", "check", "target"])
        #expect(finding["look_alikes"]?.arrayValue?.isEmpty == false)
        let text = json.serialized()
        #expect(!text.contains("abcdefghijklmnop"), "secrets scrubbed from every string: \(text)")
        #expect(try JSONValue.parse(json.prettySerialized()) == json)
    }

    @Test(arguments: [
        ("sk-proj-abcdefghijklmnop1234", "…1234"),
        ("short", "***"),
        ("  lm-studio-token-9876  ", "…9876"),
    ])
    func masksKeys(key: String, expected: String) {
        #expect(SecretMasking.mask(key) == expected)
    }

    @Test func scrubsSecretsByPattern() {
        let text = """
            Authorization: Bearer abcdefghijklmnopqrstuvwxyz
            url http://user:pa55word@host:1/v1?api_key=SECRETVALUE&x=1 and https://h/?token=t0k3n
            key sk-ant-api03-abcdefghijklmnopqrstu in a message
            """
        let out = SecretMasking.redactTokens(text)
        for secret in ["abcdefghijklmnopqrstuvwxyz", "pa55word", "SECRETVALUE", "t0k3n", "sk-ant-api03-abcdefghijklmnopqrstu"] {
            #expect(!out.contains(secret), "\(secret) in \(out)")
        }
        #expect(out.contains("x=1"))
        #expect(DiagnosisRenderer(secrets: ["myownsecret"]).scrub("value=myownsecret!") == "value=***!")
    }

    @Test func endToEndKeyNeverAppearsInOutput() async throws {
        let key = "sk-live-0123456789abcdefXYZ"
        let report = await diagnose(["http://127.0.0.1:\(freePort())/v1?key=\(key)"], provider: .openaiCompatible) {
            $0.apiKey = key
            $0.environment = ["OPENAI_API_KEY": key, "HTTP_PROXY": "http://u:\(key)@127.0.0.1:9"]
        }
        let text = DiagnosisRenderer(verbose: true, secrets: [key]).text(report)
        let json = DiagnosisRenderer(secrets: [key]).json(report, toolVersion: "t").serialized()
        #expect(!text.contains(key) && !json.contains(key))
        #expect(!text.contains("0123456789abcdef") && !json.contains("0123456789abcdef"))
    }
}
