// In progress: replaced by the owner of this command.
public enum ChatCommand: Command {
    public static let spec = CommandSpec(name: "chat", abstract: "Send one prompt, stream the answer, print timings.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck chat is not built yet")
        return .software
    }
}
