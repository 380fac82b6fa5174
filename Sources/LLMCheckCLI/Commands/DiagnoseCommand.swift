// In progress: replaced by the owner of this command.
public enum DiagnoseCommand: Command {
    public static let spec = CommandSpec(name: "diagnose", abstract: "Explain why an app cannot reach its LLM provider, and how to fix it.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck diagnose is not built yet")
        return .software
    }
}
