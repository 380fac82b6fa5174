// In progress: replaced by the owner of this command.
public enum RunCommand: Command {
    public static let spec = CommandSpec(name: "run", abstract: "Run conformance scenarios against built-in mock servers and write reports.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck run is not built yet")
        return .software
    }
}
