// In progress: replaced by the owner of this command.
public enum DiscoverCommand: Command {
    public static let spec = CommandSpec(name: "discover", abstract: "Find LLM providers listening on this machine.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck discover is not built yet")
        return .software
    }
}
