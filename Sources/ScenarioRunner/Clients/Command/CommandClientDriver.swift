import Foundation
import HTTPWire

// MARK: - CommandClientDriver

/// Drives a program under test: one run per request, with the ``CommandContract`` environment, under the
/// request's deadline; its exit status, output and wall time become the ``RequestOutcome``.
public struct CommandClientDriver: ClientDriver {
    /// Absolute path that a first argv element `llmcheck` stands for (this executable); nil searches `PATH`.
    public var llmcheckExecutable: String?
    /// Environment the program inherits before the contract's variables. Default: this process's.
    public var inheritedEnvironment: [String: String]
    /// Directory relative `cwd` values and programs are resolved against when the scenario has no file.
    public var runner: ProcessRunner

    public init(llmcheckExecutable: String? = CommandClientDriver.runningLLMCheck, inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment, runner: ProcessRunner = ProcessRunner()) {
        self.llmcheckExecutable = llmcheckExecutable
        self.inheritedEnvironment = inheritedEnvironment
        self.runner = runner
    }

    /// This process's executable when it is `llmcheck` (so `"argv": ["llmcheck", "chat"]` runs the same build).
    public static var runningLLMCheck: String? {
        guard let path = Bundle.main.executablePath, path.hasSuffix("/llmcheck") else { return nil }
        return path
    }

    /// Time a run may take when the request carries no deadline: 10 s.
    public static let defaultTimeout: Duration = .seconds(10)

    public func perform(_ request: DriverRequest) async -> RequestOutcome {
        guard let command = request.client.command, !command.argv.isEmpty else {
            return .failure(request.requestID, code: "commandMissing", message: "no command to run (give \"argv\" or run --client)")
        }
        guard let operation = CommandContract.Operation(request.operation), let target = request.target else {
            return .failure(request.requestID, code: "unsupportedOperation", message: "a command client performs chat, list_models and embed only, not \(request.operation.rawValue)")
        }
        let dialect = request.dialect(for: target)
        let env = CommandContract.environment(
            inherited: inheritedEnvironment, operation: operation, server: target.server, dialect: dialect, model: target.model ?? request.model,
            prompt: request.prompt, stream: request.stream, apiKey: target.apiKey, testID: request.testID,
            timeoutMilliseconds: request.client.timeouts.idleMilliseconds, maxRetries: request.client.retry.maxRetries,
            extra: command.environment
        )
        var argv = command.argv
        if argv[0] == "llmcheck", let llmcheckExecutable { argv[0] = llmcheckExecutable }
        let timeout: Duration
        if let deadline = request.deadline {
            timeout = deadline.remaining
        } else {
            timeout = Self.defaultTimeout
        }
        let run = await runner.run(argv: argv, environment: env, workingDirectory: command.workingDirectory, timeout: timeout)
        return Self.outcome(run, request: request, operation: operation, model: target.model ?? request.model, server: target.server.name)
    }

    /// The neutral outcome of one run.
    static func outcome(_ run: ProcessRun, request: DriverRequest, operation: CommandContract.Operation, model: String?, server: String) -> RequestOutcome {
        let stdout = run.standardOutput.text
        let answer = stdout.hasSuffix("\n") ? String(stdout.dropLast()) : stdout
        var outcome = RequestOutcome(
            requestID: request.requestID, kind: run.ending.isSuccess ? .success : .error, content: answer,
            timing: RequestOutcome.Timing(send: run.startedAt, end: run.endedAt), model: model, server: server
        )
        if !run.ending.isSuccess {
            outcome.errorCode = Self.errorCode(run.ending)
            var message = run.ending.description
            let lastLine = run.standardError.text.split(separator: "\n").last.map(String.init)
            if let lastLine, !lastLine.isEmpty { message += ": " + String(lastLine.prefix(200)) }
            outcome.errorMessage = message
        }
        switch operation {
        case .chat: break
        case .models: outcome.models = answer.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .embed: outcome.embeddingDimensions = Int(answer.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        outcome.process = run
        return outcome
    }

    /// Stable codes of a failed run: `commandExited`, `commandSignalled`, `commandHung`, `commandNotStarted`.
    public static func errorCode(_ ending: ProcessRun.Ending) -> String? {
        switch ending {
        case .exited(0): nil
        case .exited: "commandExited"
        case .signalled: "commandSignalled"
        case .killedAtDeadline: "commandHung"
        case .couldNotStart: "commandNotStarted"
        }
    }

    /// Codes a command outcome can carry (accepted by `expect.error_code`).
    public static let errorCodes: Set<String> = ["commandExited", "commandSignalled", "commandHung", "commandNotStarted", "commandMissing", "unsupportedOperation"]
}
