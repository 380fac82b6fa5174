// In progress: replaced by the owner of this command.
public enum BenchCommand: Command {
    public static let spec = CommandSpec(name: "bench", abstract: "Measure framer throughput, client overhead and mock latency.")
    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        context.output.error("llmcheck bench is not built yet")
        return .software
    }
}
