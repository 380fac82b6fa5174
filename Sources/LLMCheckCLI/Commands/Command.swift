/// A subcommand of `llmcheck`.
///
/// Conforming types declare their options in ``spec`` and do their work in ``run(_:context:)``.
/// Help (`--help`) and usage errors are handled by ``LLMCheckCLI`` before `run` is called.
public protocol Command: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode
}
