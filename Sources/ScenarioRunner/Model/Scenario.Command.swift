// MARK: - Command

extension Scenario {
    /// A program under test, run once per request of a step (`"client": {"kind": "command", …}` or `run --client`).
    ///
    /// The contract between llmcheck and the program (environment in, stdout and exit status out) is
    /// ``CommandContract``, documented in docs/clients.md.
    public struct Command: Sendable, Hashable {
        /// Program and arguments. A first element `llmcheck` means this llmcheck executable.
        public var argv: [String]
        /// Directory the program starts in; relative paths are relative to the scenario file's folder.
        /// Default: the directory `llmcheck run` was started in.
        public var workingDirectory: String?
        /// Extra environment variables, applied after the contract's own (they win).
        public var environment: [String: String]
        /// Name shown in reports and JUnit classnames (`conformance.<name>.<provider>.<area>`). Default: the
        /// program's file name.
        public var name: String

        public init(argv: [String], workingDirectory: String? = nil, environment: [String: String] = [:], name: String? = nil) {
            self.argv = argv
            self.workingDirectory = workingDirectory
            self.environment = environment
            self.name = name ?? Self.defaultName(argv)
        }

        /// `python3 clients/openai_client.py` → `openai_client`; `llmcheck chat` → `llmcheck-chat`.
        public static func defaultName(_ argv: [String]) -> String {
            guard let first = argv.first else { return "command" }
            let base = first.split(separator: "/").last.map(String.init) ?? first
            let interpreters: Set<String> = ["python", "python3", "node", "bash", "sh", "ruby", "deno", "bun", "dart", "go", "java"]
            if interpreters.contains(base), let script = argv.dropFirst().first(where: { !$0.hasPrefix("-") }) {
                let name = script.split(separator: "/").last.map(String.init) ?? script
                return name.split(separator: ".").first.map(String.init) ?? name
            }
            if base == "llmcheck", argv.count > 1 { return "llmcheck-\(argv[1])" }
            return base
        }

        /// Splits a `--client` value into argv the way a POSIX shell splits words: blanks separate, single
        /// quotes keep everything, double quotes keep all but `\\` escapes of `"`, `\\`, `$` and `` ` ``.
        /// - Throws: a message for an unterminated quote or an empty command.
        public static func split(_ text: String) throws(CommandSplitError) -> [String] {
            var words: [String] = []
            var current = ""
            var inWord = false
            var quote: Character?
            var escaped = false
            for c in text {
                if escaped {
                    if quote == "\"", !["\"", "\\", "$", "`"].contains(c) { current.append("\\") }
                    current.append(c)
                    escaped = false
                    inWord = true
                    continue
                }
                switch (quote, c) {
                case ("'", "'"), ("\"", "\""): quote = nil
                case ("'", _): current.append(c)
                case (_, "\\"): escaped = true
                case ("\"", _): current.append(c)
                case (nil, "'"), (nil, "\""):
                    quote = c
                    inWord = true
                case (nil, " "), (nil, "\t"), (nil, "\n"):
                    if inWord { words.append(current) }
                    current = ""
                    inWord = false
                default:
                    current.append(c)
                    inWord = true
                }
            }
            if quote != nil { throw CommandSplitError(message: "unterminated \(quote == "'" ? "single" : "double") quote") }
            if escaped { current.append("\\") }
            if inWord || escaped { words.append(current) }
            guard !words.isEmpty else { throw CommandSplitError(message: "the command is empty") }
            return words
        }
    }

    /// A `--client` value that does not split into words.
    public struct CommandSplitError: Error, Sendable, Hashable {
        public var message: String
    }
}
