import Diagnosis
import Foundation
import HTTPWire
import ProviderClient

/// `llmcheck diagnose`: explains why an app cannot reach its LLM provider, and how to fix it.
public enum DiagnoseCommand: Command {
    public static let spec = CommandSpec(
        name: "diagnose",
        abstract: "Explain why an app cannot reach its LLM provider, and how to fix it.",
        discussion: """
            Walks the probe ladder: URL and environment lint, name resolution (every address), TCP connect
            per address, TLS/plain-HTTP sniff, provider fingerprint, path and dialect, Origin/Host/CORS policy,
            authentication, model, and with --deep one tiny streamed generation with timings.
            Without URL it checks OLLAMA_HOST, OPENAI_BASE_URL / OPENAI_API_BASE (+ OPENAI_API_KEY) and the
            default local ports (Ollama 11434, LM Studio 1234). Nothing is written; keys are masked everywhere.

            EXAMPLES:
              llmcheck diagnose
              llmcheck diagnose http://localhost:11434 --model llama3.2
              llmcheck diagnose http://127.0.0.1:1234/v1 --provider lmstudio --deep
              llmcheck diagnose http://nas.local:11434 --resolve nas.local=192.168.1.20 --json

            EXIT CODES:
              0   healthy: no problems found (warnings allowed)
              1   problems found (also a URL without scheme or port, or rate limited right now)
              64  usage error (bad flag, URL list, --resolve entry)
              69  nothing reachable: no target accepted a TCP connection
              73  --report FILE could not be written
            See docs/diagnose.md for the JSON schema, check ids and failure-mode ids.
            """,
        options: [
            .option("--provider", value: "KIND", help: "Provider the app is configured for: ollama, lmstudio or openai."),
            .option("--model", value: "NAME", help: "Model the app uses (checked against the server's list)."),
            .option("--api-key", value: "KEY", help: "API key (else OPENAI_API_KEY, LM_API_TOKEN); never printed."),
            .option("--origin", value: "ORIGIN", help: "Origin a browser app/extension sends (checks Origin policy and CORS)."),
            .option("--require-capability", value: "CAP", help: "Capability the app needs: tools, vision, embedding, thinking, completion.", repeatable: true),
            .option("--resolve", value: "HOST=ADDR[,ADDR]", help: "Use these addresses for HOST instead of DNS.", repeatable: true),
            .option("--scan-ports", value: "LIST", help: "Loopback ports scanned when the port refuses (e.g. 11434,1234,8000-8002).", default: "11434,11435,1234,8080,8000,5000,5001,8081,3000"),
            .flag("--no-scan", help: "Do not scan other ports."),
            .option("--connect-timeout", value: "S", help: "TCP connect timeout per address.", default: "3"),
            .option("--read-timeout", value: "S", help: "Read timeout for cheap requests; also the app timeout compared with --deep timings.", default: "10"),
            .option("--generation-timeout", value: "S", help: "Budget for the --deep generation.", default: "300"),
            .flag("--deep", help: "Run one tiny streamed generation and measure TTFT and gaps."),
            .flag("--json", help: "Print one JSON document (schema in docs/diagnose.md)."),
            .flag("--verbose", "-v", help: "Show the evidence of every check."),
            .option("--report", value: "FILE", help: "Write a shareable bundle (JSON with the text report) with secrets removed."),
        ],
        positionals: [PositionalSpec(name: "URL", help: "Base URL(s) the app uses.", isOptional: true, isVariadic: true)]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let configuration: DiagnosisConfiguration
        do {
            configuration = try makeConfiguration(arguments, context: context)
        } catch let error as DiagnosisInputError {
            throw UsageError(error.message)
        }
        let report = await Diagnoser(configuration: configuration).run()
        var secrets = [configuration.apiKey, context.environment["OPENAI_API_KEY"], context.environment["LM_API_TOKEN"],
            context.environment["VLLM_API_KEY"], context.environment["LLAMA_API_KEY"]].compactMap { $0 }
        let output = context.output
        let jsonRenderer = DiagnosisRenderer(useColor: false, verbose: true, secrets: secrets)
        if arguments.flag("--json") {
            output.line(jsonRenderer.json(report, toolVersion: LLMCheckCLI.version).prettySerialized())
        } else {
            let renderer = DiagnosisRenderer(useColor: output.usesColor, verbose: arguments.flag("--verbose"), secrets: secrets)
            output.line(renderer.text(report))
        }
        if let path = arguments.string("--report") {
            var bundle = jsonRenderer.json(report, toolVersion: LLMCheckCLI.version)
            bundle.set("text", .string(jsonRenderer.text(report)))
            let full = context.resolve(path: path)
            do {
                try Data(bundle.prettySerialized().utf8).write(to: URL(fileURLWithPath: full))
                if !arguments.flag("--json") { output.error("report written to \(full)") }
            } catch {
                output.error("error: cannot write report to \(full): \(error.localizedDescription)")
                return .cannotCreate
            }
        }
        switch report.verdict {
        case .healthy: return .success
        case .problems: return .failure
        case .unreachable: return .unavailable
        }
    }

    static func makeConfiguration(_ arguments: ParsedArguments, context: CommandContext) throws -> DiagnosisConfiguration {
        var configuration = DiagnosisConfiguration(environment: context.environment)
        configuration.urls = arguments.positionals
        if let provider = try arguments.choice("--provider", from: ProviderKind.allCases.map(\.diagnoseName)) {
            configuration.provider = ProviderKind(argument: provider)
        }
        configuration.model = arguments.string("--model").flatMap { $0.isEmpty ? nil : $0 }
        if let key = arguments.string("--api-key") {
            guard !key.isEmpty else { throw UsageError("--api-key is empty") }
            configuration.apiKey = key
        }
        if let origin = arguments.string("--origin") {
            guard origin.contains("://") || origin == "null" else {
                throw UsageError("--origin expects an origin such as https://app.example.com or chrome-extension://abcdef, got '\(origin)'")
            }
            configuration.origin = origin
        }
        let capabilities = ["tools", "vision", "embedding", "thinking", "completion", "insert"]
        for cap in arguments.strings("--require-capability") {
            for item in cap.split(separator: ",").map(String.init) {
                guard capabilities.contains(item) else {
                    throw UsageError("--require-capability must be one of \(capabilities.joined(separator: ", ")), got '\(item)'")
                }
                configuration.requiredCapabilities.append(item)
            }
        }
        configuration.resolveOverrides = try DiagnosisConfiguration.parseResolve(arguments.strings("--resolve"))
        if arguments.flag("--no-scan") {
            if arguments.string("--scan-ports") != nil { throw UsageError("--scan-ports and --no-scan cannot be combined") }
            configuration.scanPorts = []
        } else if let ports = arguments.string("--scan-ports") {
            configuration.scanPorts = try DiagnosisConfiguration.parsePorts(ports)
        }
        if let v = try arguments.seconds("--connect-timeout") {
            guard v > 0 else { throw UsageError("--connect-timeout must be greater than 0") }
            configuration.connectTimeout = v
        }
        if let v = try arguments.seconds("--read-timeout") {
            guard v > 0 else { throw UsageError("--read-timeout must be greater than 0") }
            configuration.readTimeout = v
        }
        if let v = try arguments.seconds("--generation-timeout") {
            guard v > 0 else { throw UsageError("--generation-timeout must be greater than 0") }
            configuration.generationTimeout = v
        }
        configuration.deep = arguments.flag("--deep")
        return configuration
    }
}
