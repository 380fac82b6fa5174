import Foundation
import HTTPWire

/// Entry point of the `llmcheck` executable: dispatches to subcommands.
public enum LLMCheckCLI {
    /// The version printed by `llmcheck --version` and written into reports.
    public static var version: String { ToolIdentity.version }

    /// Every subcommand, in the order `llmcheck --help` lists them.
    public static let commands: [any Command.Type] = [
        DiagnoseCommand.self,
        RunCommand.self,
        VerdictCommand.self,
        ServeCommand.self,
        RecordCommand.self,
        ProxyCommand.self,
        FixturesValidateCommand.self,
        ReportMergeCommand.self,
        DiscoverCommand.self,
        ModelsCommand.self,
        ChatCommand.self,
        BenchCommand.self,
        LoadCommand.self,
        LoadMergeCommand.self,
    ]

    /// Runs `llmcheck` with `arguments` (without the program name) and returns the exit code.
    ///
    /// When standard output's reader went away (`| head`), the command is cancelled (it stops, as a
    /// program killed by `SIGPIPE` would, but tidily) and the result is ``ExitCode/brokenPipe``.
    public static func run(arguments: [String], context: CommandContext = .standard()) async -> ExitCode {
        Syscalls.ignoreBrokenPipeSignal()
        let command = Task { await dispatch(arguments: arguments, context: context) }
        context.output.whenStandardOutputCloses { command.cancel() }
        let code = await withTaskCancellationHandler { await command.value } onCancel: { command.cancel() }
        return context.output.standardOutputClosed ? .brokenPipe : code
    }

    static func dispatch(arguments: [String], context: CommandContext) async -> ExitCode {
        let output = context.output
        guard let first = arguments.first, first != "--help", first != "-h", first != "help" else {
            if arguments.first == "help", arguments.count > 1 {
                return await dispatch(arguments: Array(arguments.dropFirst()) + ["--help"], context: context)
            }
            output.line(mainHelp)
            return arguments.isEmpty ? .usage : .success
        }
        if first == "--version" || first == "version" {
            output.line("llmcheck \(version)")
            return .success
        }
        // Longest matching command name (commands may have two words, e.g. `report merge`).
        let match = commands
            .map { ($0, $0.spec.name.split(separator: " ").map(String.init)) }
            .filter { arguments.starts(with: $0.1) }
            .max { $0.1.count < $1.1.count }
        guard let (command, words) = match else {
            if let group = groupHelp(first) {
                let asked = arguments.dropFirst().allSatisfy { $0 == "--help" || $0 == "-h" } && arguments.count > 1
                if arguments.count > 1, !asked {
                    output.error("error: unknown subcommand '\(arguments[1])' for 'llmcheck \(first)'\n\(group)")
                    return .usage
                }
                if asked { output.line(group) } else { output.error(group) }
                return asked ? .success : .usage
            }
            var message = "unknown command '\(first)'"
            let names = commands.map { String($0.spec.name.split(separator: " ")[0]) }
            if let near = ArgumentParser.suggestion(for: first, among: names) { message += "; did you mean '\(near)'?" }
            output.error("error: \(message)\nRun 'llmcheck --help' for the list of commands.")
            return .usage
        }
        let rest = Array(arguments.dropFirst(words.count))
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(rest, spec: command.spec)
            if let color = try parsed.choice("--color", from: ColorMode.allCases.map(\.rawValue)) {
                output.colorMode = ColorMode(rawValue: color) ?? .auto
            }
        } catch {
            output.error("error: \(error.message)\nRun 'llmcheck \(command.spec.name) --help' for usage.")
            return .usage
        }
        if parsed.flag("--help") {
            output.line(command.spec.helpText)
            return .success
        }
        do {
            return try await command.run(parsed, context: context)
        } catch let error as UsageError {
            output.error("error: \(error.message)")
            return .usage
        } catch let code as ExitCode {
            return code
        } catch {
            output.error("error: \(error)")
            return .software
        }
    }

    /// The subcommands of a command group (`fixtures`, `report`), or nil if `word` is not a group.
    static func groupHelp(_ word: String) -> String? {
        let members = commands.filter { $0.spec.name.hasPrefix(word + " ") }
        guard !members.isEmpty else { return nil }
        var lines = ["USAGE: llmcheck \(word) <subcommand> [options]", "", "SUBCOMMANDS:"]
        for command in members {
            lines.append(commandRow(command.spec))
        }
        lines += ["", "Run 'llmcheck \(word) <subcommand> --help' for a subcommand's options."]
        return lines.joined(separator: "\n")
    }

    static func commandRow(_ spec: CommandSpec) -> String {
        "  \(spec.name)\(String(repeating: " ", count: max(2, 20 - spec.name.count)))\(spec.abstract)"
    }

    /// Ends the process with `code`.
    public static func exit(_ code: ExitCode) -> Never {
        Syscalls.exitProcess(code.rawValue)
    }

    static var mainHelp: String {
        var lines = [
            "llmcheck \(version) — explain, reproduce and test the connection between an app and an LLM provider",
            "(Ollama, LM Studio, OpenAI-compatible).",
            "",
            "USAGE: llmcheck <command> [options]",
            "",
            "COMMANDS:",
        ]
        for command in commands {
            lines.append(commandRow(command.spec))
        }
        lines += [
            "",
            "Run 'llmcheck help <command>' (or 'llmcheck <command> --help') for a command's options.",
            "Every command takes --color auto|always|never; NO_COLOR and TERM=dumb turn colour off.",
        ]
        return lines.joined(separator: "\n")
    }
}
