/// Bad input to `llmcheck load`: a flag value, an SLO spec, a prompt file. The message names the item
/// and, for files, the line.
public struct LoadInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable classification.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A load mode or mode combination that cannot run.
        case badMode = "bad_mode"
        /// A `--goodput` spec that does not parse.
        case badObjective = "bad_objective"
        /// A prompt file that cannot be read or has a bad line.
        case badPromptFile = "bad_prompt_file"
        /// A `--shard` spec outside `i/n` with 1 ≤ i ≤ n.
        case badShard = "bad_shard"
        /// A `load.json` that cannot be merged or compared.
        case badReport = "bad_report"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
