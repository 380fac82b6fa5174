// In progress: replaced by the owner of this command.
public enum RecordCommand: Command {
    public static let spec = CommandSpec(name: "record", abstract: "Record real provider traffic (with timing) as a replayable fixture.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck record is not built yet")
        return .software
    }
}
