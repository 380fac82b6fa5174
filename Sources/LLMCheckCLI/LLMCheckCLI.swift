import Foundation
import HTTPWire

/// Entry point of the `llmcheck` executable: dispatches to subcommands.
public enum LLMCheckCLI {
    /// The version printed by `llmcheck --version` and written into reports.
    public static let version = "0.1.0"

    /// Every subcommand, in the order `llmcheck --help` lists them.
    public static let commands: [any Command.Type] = [
        DiagnoseCommand.self,
        RunCommand.self,
        ServeCommand.self,
        RecordCommand.self,
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
    public static func run(arguments: [String], context: CommandContext = .standard()) async -> ExitCode {
        Syscalls.ignoreBrokenPipeSignal()
        let output = context.output
        guard let first = arguments.first, first != "--help", first != "-h", first != "help" || arguments.count == 1 else {
            if arguments.first == "help", arguments.count > 1 {
                return await run(arguments: Array(arguments.dropFirst()) + ["--help"], context: context)
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
            let name = command.spec.name
            lines.append("  \(name)\(String(repeating: " ", count: max(2, 18 - name.count)))\(command.spec.abstract)")
        }
        lines += ["", "Run 'llmcheck <command> --help' for a command's options."]
        return lines.joined(separator: "\n")
    }
}
