/// A JSON syntax error with the position where it was found.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, e.g. `expected ',' or '}' after object member`.
    public var message: String
    /// Byte offset from the start of the input (0-based).
    public var offset: Int
    /// 1-based line number.
    public var line: Int
    /// 1-based column (in bytes) within the line.
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
