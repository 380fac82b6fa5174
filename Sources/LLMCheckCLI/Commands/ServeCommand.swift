// In progress: replaced by the owner of this command.
public enum ServeCommand: Command {
    public static let spec = CommandSpec(name: "serve", abstract: "Serve a mock Ollama, LM Studio or OpenAI-compatible provider with faults.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck serve is not built yet")
        return .software
    }
}
