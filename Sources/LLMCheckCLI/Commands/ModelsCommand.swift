// In progress: replaced by the owner of this command.
public enum ModelsCommand: Command {
    public static let spec = CommandSpec(name: "models", abstract: "List the models a provider serves.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck models is not built yet")
        return .software
    }
}
