// In progress: replaced by the owner of this command.
public enum FixturesValidateCommand: Command {
    public static let spec = CommandSpec(name: "fixtures validate", abstract: "Check fixture files and name every problem.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck fixtures validate is not built yet")
        return .software
    }
}
