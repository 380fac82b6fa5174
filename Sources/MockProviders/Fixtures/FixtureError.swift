import HTTPWire

/// Problems found in a fixture file, each naming the file and the field path.
///
/// `MockServers/ollama/chat.json: exchanges[2].response.chunks[4].offset_ms: must be a non-negative number`
public struct FixtureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        /// Field path such as `exchanges[2].response.status`, or `line 3, column 7` for JSON syntax.
        public var field: String
        public var message: String

        public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)" }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
