// swift-tools-version: 6.0
import PackageDescription

// llmcheck: explains, reproduces and tests the connection between an app and an LLM provider.
// No third-party dependencies: Foundation, Dispatch, XCTest and Swift Testing only.
let package = Package(
    name: "llmcheck",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "llmcheck", targets: ["llmcheck"]),
        .library(name: "HTTPWire", targets: ["HTTPWire"]),
        .library(name: "ProviderClient", targets: ["ProviderClient"]),
        .library(name: "MockProviders", targets: ["MockProviders"]),
    ],
    dependencies: [],
    targets: [
        // Declarations Glibc's module map leaves out (epoll); headers only, empty on Darwin.
        .target(name: "CPlatformShim"),
        // Sockets, HTTP/1.1 server and client, chunked coding, SSE and NDJSON framers, JSON values.
        // No provider knowledge lives here.
        .target(name: "HTTPWire", dependencies: ["CPlatformShim"]),
        // The real client: endpoints, transport, streaming, errors, retry, discovery, failover, timing.
        .target(name: "ProviderClient", dependencies: ["HTTPWire"]),
        // Mock Ollama / LM Studio / OpenAI servers, fixtures, faults, recording. Never uses ProviderClient.
        .target(name: "MockProviders", dependencies: ["HTTPWire"]),
        // JUnit, JSON, JSONL, Markdown and HTML reports; shard merging; baselines.
        .target(name: "Reporting", dependencies: ["HTTPWire"]),
        // Scenario files, the runner and client verdicts.
        .target(name: "ScenarioRunner", dependencies: ["HTTPWire", "ProviderClient", "MockProviders", "Reporting"]),
        // `diagnose`: the probe ladder and the failure-mode catalog.
        .target(name: "Diagnosis", dependencies: ["HTTPWire", "ProviderClient"]),
        // `llmcheck load`: load modes, arrival processes, per-request metrics, load reports.
        .target(name: "LoadTesting", dependencies: ["HTTPWire", "ProviderClient", "Reporting"]),
        // Subcommands, argument parsing and output.
        .target(
            name: "LLMCheckCLI",
            dependencies: ["HTTPWire", "ProviderClient", "MockProviders", "Reporting", "ScenarioRunner", "Diagnosis", "LoadTesting"]
        ),
        .executableTarget(name: "llmcheck", dependencies: ["LLMCheckCLI"]),
        // Helpers shared by the test targets: raw sockets, temporary directories, waiting.
        .target(name: "TestSupport", dependencies: ["HTTPWire"], path: "Tests/TestSupport"),

        .testTarget(name: "HTTPWireTests", dependencies: ["HTTPWire", "TestSupport"]),
        .testTarget(name: "ProviderClientTests", dependencies: ["ProviderClient", "MockProviders", "TestSupport"]),
        .testTarget(name: "MockProvidersTests", dependencies: ["MockProviders", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "TestSupport"]),
        .testTarget(name: "ScenarioRunnerTests", dependencies: ["ScenarioRunner", "TestSupport"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "MockProviders", "TestSupport"]),
        .testTarget(name: "LoadTestingTests", dependencies: ["LoadTesting", "MockProviders", "TestSupport"]),
        .testTarget(name: "LLMCheckCLITests", dependencies: ["LLMCheckCLI", "TestSupport"]),
    ]
)

for target in package.targets where target.name != "CPlatformShim" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
