// In progress: replaced by the owner of this command.
public enum ReportMergeCommand: Command {
    public static let spec = CommandSpec(name: "report merge", abstract: "Merge sharded run reports into one.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck report merge is not built yet")
        return .software
    }
}
