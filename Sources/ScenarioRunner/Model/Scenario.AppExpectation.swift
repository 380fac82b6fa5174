// MARK: - AppExpectation

extension Scenario {
    /// What must hold for a program under test (a command client), beyond the wire: its exit status, what it
    /// printed and how long it took. Absent keys are not checked. Keys live directly in `expect`.
    public struct AppExpectation: Sendable, Hashable {
        /// Exit status: zero, any non-zero, or one code.
        public enum Exit: Sendable, Hashable, CustomStringConvertible {
            case zero
            case nonZero
            case code(Int)

            public var description: String {
                switch self {
                case .zero: "0"
                case .nonZero: "non-zero"
                case .code(let c): String(c)
                }
            }
        }

        /// `exit`: `0`, `"non-zero"` or a number.
        public var exit: Exit?
        /// `stdout_contains`: text standard output must contain.
        public var stdoutContains: String?
        /// `stdout_regex`: regular expression standard output must match (searched).
        public var stdoutPattern: String?
        /// `stdout_is_reply`: true — standard output (without its final newline) is exactly the mock's whole
        /// reply (`generation.reply` of the step's server); false — it is not (a truncated answer must not be
        /// printed as if complete).
        public var stdoutIsReply: Bool?
        /// `stderr_contains`: text standard error must contain.
        public var stderrContains: String?
        /// `stderr_regex`: regular expression standard error must match.
        public var stderrPattern: String?
        /// `wall_ms`: bounds on the program's wall time (start to exit).
        public var wallMilliseconds: Bounds?

        public init(
            exit: Exit? = nil, stdoutContains: String? = nil, stdoutPattern: String? = nil, stdoutIsReply: Bool? = nil,
            stderrContains: String? = nil, stderrPattern: String? = nil, wallMilliseconds: Bounds? = nil
        ) {
            self.exit = exit
            self.stdoutContains = stdoutContains
            self.stdoutPattern = stdoutPattern
            self.stdoutIsReply = stdoutIsReply
            self.stderrContains = stderrContains
            self.stderrPattern = stderrPattern
            self.wallMilliseconds = wallMilliseconds
        }

        /// Whether any key is set.
        public var isEmpty: Bool { self == AppExpectation() }
    }
}
