import Foundation
import HTTPWire
import ProviderClient
import TestSupport
import Testing

@testable import Diagnosis

/// `tls-untrusted-cert` against a real TLS stack: `openssl s_server` with a fresh self-signed
/// certificate on 127.0.0.1 (see ``SelfSignedTLSServer``; needs the `openssl` command and fails
/// loudly without it).
///
/// There is no "trusted" control: diagnose's HTTPS probe is URLSession with the system trust
/// store, and on Linux URLSession (libcurl with a fixed CA file) ignores `SSL_CERT_FILE`,
/// `CURL_CA_BUNDLE` and the app's other CA variables, so diagnose offers no way to trust the
/// staged certificate short of installing it system-wide. The look-alike controls below stage the
/// neighbours instead.
@Suite("tls-untrusted-cert on a real self-signed TLS server", .timeLimit(.minutes(1)))
struct TLSUntrustedCertTests {
    /// Modes that a TLS trust failure must not be mistaken for.
    static let lookAlikes = [
        "tls-scheme-mismatch", "server-not-running", "wrong-port", "accepts-but-hangs", "firewall-drop-timeout",
        "wrong-service-on-port", "proxy-env-intercepts",
    ]

    @Test func selfSignedCertificateIsReportedAsUntrusted() async throws {
        try await withSelfSignedTLSServer { server in
            let report = await diagnose([server.url + "/v1"], provider: .openaiCompatible)
            let detail = DiagnosisRenderer(verbose: true).text(report) + "\n--- s_server log ---\n" + server.log
            expectDiagnosed(report, "tls-untrusted-cert")
            for mode in Self.lookAlikes {
                #expect(!report.modeIDs.contains(mode), "\(mode) blamed for an untrusted certificate\n\(detail)")
            }
            #expect(report.verdict == .problems, "\(detail)")

            // The ladder got as far as it should: TCP and the TLS sniff pass, identity fails on trust.
            #expect(check(report, "connect")?.status == .pass, "\(detail)")
            #expect(check(report, "protocol")?.status == .pass, "TLS sniff must see a TLS server\n\(detail)")
            let identity = try #require(check(report, "identity"), "\(detail)")
            #expect(identity.status == .fail, "\(detail)")
            let evidence = try #require(identity.evidence.first { $0.key == "GET / over TLS" }, "\(detail)")
            #expect(evidence.value.lowercased().contains("certificate"), "evidence should quote the TLS error: \(evidence.value)")

            // The finding names the host and carries the catalog's fix.
            let finding = try #require(report.findings.first { $0.modeID == "tls-untrusted-cert" })
            #expect(finding.severity == .error)
            #expect(finding.message.contains("127.0.0.1"), "\(finding.message)")
            #expect(finding.message.contains("not trusted"), "\(finding.message)")
            let fix = try #require(finding.fix)
            #expect(fix == FailureCatalog.mode("tls-untrusted-cert")?.fix.general)
            #expect(fix.contains("SSL_CERT_FILE") && fix.contains("don't disable verification"), "\(fix)")
            #expect(detail.contains("[tls-untrusted-cert]"), "the text report should tag the finding\n\(detail)")

            // diagnose really talked TLS to the staged server, which saw the client's alert
            // (logged asynchronously, after diagnose has its answer, hence the bounded wait).
            let sawAlert = await eventually(timeout: .seconds(10)) { server.log.contains("alert") }
            #expect(sawAlert, "s_server logged no rejected handshake:\n\(server.log)")
        }
    }

    @Test func appCABundleVariablesAreShownAsEvidence() async throws {
        try await withSelfSignedTLSServer { server in
            let report = await diagnose([server.url], provider: .openaiCompatible) {
                $0.environment = ["SSL_CERT_FILE": server.certificatePath, "NODE_EXTRA_CA_CERTS": server.certificatePath]
            }
            expectDiagnosed(report, "tls-untrusted-cert")
            let settings = check(report, "identity")?.evidence.filter { $0.key == "CA setting" }.map(\.value) ?? []
            #expect(settings.contains("SSL_CERT_FILE=\(server.certificatePath)"), "\(settings)")
            #expect(settings.contains("NODE_EXTRA_CA_CERTS=\(server.certificatePath)"), "\(settings)")
        }
    }

    @Test func httpURLToTheSameTLSServerIsASchemeMismatchNotTrust() async throws {
        try await withSelfSignedTLSServer { server in
            let report = await diagnose(["http://127.0.0.1:\(server.port)"], provider: .ollama)
            expectDiagnosed(report, "tls-scheme-mismatch")
            #expect(!report.modeIDs.contains("tls-untrusted-cert"), "\(DiagnosisRenderer(verbose: true).text(report))")
            #expect(report.findings.first { $0.modeID == "tls-scheme-mismatch" }?.fix?.contains(server.url) == true)
        }
    }

    @Test func refusedHTTPSPortIsNotATLSProblem() async {
        let report = await diagnose(["https://127.0.0.1:\(freePort())"], provider: .openaiCompatible)
        expectDiagnosed(report, "server-not-running")
        #expect(!report.modeIDs.contains("tls-untrusted-cert"))
        #expect(!report.modeIDs.contains("tls-scheme-mismatch"))
    }
}

/// The staging helper itself: it must start, report a port, and leave nothing running.
@Suite("SelfSignedTLSServer staging", .timeLimit(.minutes(1)))
struct SelfSignedTLSServerTests {
    @Test func startsOnAnEphemeralLoopbackPortAndStopsCleanly() async throws {
        let server = try await SelfSignedTLSServer.start()
        #expect(server.port != 0)
        let pem = try String(contentsOfFile: server.certificatePath, encoding: .utf8)
        #expect(pem.contains("BEGIN CERTIFICATE"))
        // Something accepts TCP on the port (the TLS conversation itself is diagnose's business).
        let connection = try await RawTestConnection.connect(port: server.port, timeout: .seconds(5))
        connection.close()
        await server.stop()
        #expect(server.process.hasEnded, "s_server still running after stop()")
        #expect(!FileManager.default.fileExists(atPath: server.certificatePath))
    }
}
