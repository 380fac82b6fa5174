import Foundation
import HTTPWire
import MockProviders
import TestSupport
import ProviderClient
import Testing

@testable import Diagnosis

/// Runs `diagnose` with test defaults: empty environment, a runtime root without container or WSL
/// markers (so the machine this runs on doesn't matter), no port scan, short timeouts.
func diagnose(
    _ urls: [String], provider: ProviderKind? = nil, _ configure: (inout DiagnosisConfiguration) -> Void = { _ in }
) async -> DiagnosisReport {
    let root = NSTemporaryDirectory() + "llmcheck-diagnose-root-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    var configuration = DiagnosisConfiguration(
        urls: urls, provider: provider, scanPorts: [], connectTimeout: 1, readTimeout: 2, generationTimeout: 10,
        environment: [:], platform: .linux, fileSystemRoot: root
    )
    configure(&configuration)
    return await Diagnoser(configuration: configuration).run()
}

/// Error-severity failure-mode ids of a report.
func errorModes(_ report: DiagnosisReport) -> Set<String> {
    Set(report.findings.filter { $0.severity == .error }.map(\.modeID))
}

/// Asserts `expected` was diagnosed and none of its catalog look-alikes was blamed.
func expectDiagnosed(
    _ report: DiagnosisReport, _ expected: String, severity: Finding.Severity? = .error,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let modes = report.modeIDs
    let detail = DiagnosisRenderer(verbose: true).text(report)
    #expect(modes.contains(expected), "expected \(expected), got \(modes.sorted())\n\(detail)", sourceLocation: sourceLocation)
    if let severity {
        #expect(report.findings.contains { $0.modeID == expected && $0.severity == severity }, "\(expected) should be \(severity)\n\(detail)", sourceLocation: sourceLocation)
    }
    let lookAlikes = Set(FailureCatalog.mode(expected)?.lookAlikes ?? [])
    let blamed = modes.intersection(lookAlikes)
    #expect(blamed.isEmpty, "look-alikes of \(expected) blamed: \(blamed.sorted())\n\(detail)", sourceLocation: sourceLocation)
}

func check(_ report: DiagnosisReport, _ id: String, target: Int? = 0) -> CheckResult? {
    report.checks.first { $0.id == id && $0.target == target }
}

/// Starts a mock provider, runs `body`, always stops it.
func withMock<T: Sendable>(
    _ provider: MockProviderKind, _ configure: (inout MockConfiguration) throws -> Void = { _ in },
    _ body: (MockProviderServer) async throws -> T
) async throws -> T {
    var configuration = MockConfiguration(provider: provider)
    try configure(&configuration)
    return try await withMockProviderServer(configuration, body)
}

/// Runs `body` with a raw server, always stopping it.
func withRawServer<T: Sendable>(
    host: String = "127.0.0.1", backlog0: Bool = false, accepting: Bool = true, _ handler: @escaping RawTestServer.Handler,
    _ body: (RawTestServer) async throws -> T
) async throws -> T {
    let server = try RawTestServer(host: host, backlog0: backlog0, accepting: accepting, handler: handler)
    do {
        let value = try await body(server)
        server.stop()
        return value
    } catch {
        server.stop()
        throw error
    }
}

/// A port on 127.0.0.1 where nothing listens. The port stays bound (not listening) for the life
/// of the test process, so a server of a parallel test cannot pick it up meanwhile.
func freePort() -> UInt16 {
    guard let reserved = try? ReservedPort() else { return 1 }
    reservedPorts.withLock { $0.append(reserved) }
    return reserved.port
}

/// Ports handed out by ``freePort()``, kept bound for the life of the test process.
private let reservedPorts = LockedValue<[ReservedPort]>([])
