/// Malformed or truncated response bytes, saying what was wrong, where, and quoting the bytes.
public struct HTTPResponseParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A payload-free classification.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The status line is not `HTTP/x.y NNN reason`.
        case malformedStatusLine
        /// A header line is malformed (no colon, bad name, obs-fold, control bytes).
        case malformedHeader
        /// `Content-Length` is not a number, or several values disagree.
        case invalidContentLength
        /// A chunk size line, chunk terminator or trailer is malformed.
        case malformedChunk
        /// The head is larger than the parser's limit.
        case headTooLarge
        /// The connection ended before the head was complete.
        case truncatedHead
        /// The connection ended inside the body (chunked without last chunk, or short of
        /// `Content-Length`).
        case truncatedBody
    }

    public var code: Code
    /// Where: `status line`, `header 3`, `chunk size line (chunk 2)`, `chunk 4 data end`, `body`.
    public var location: String
    /// What was wrong.
    public var message: String
    /// The offending bytes, quoted and escaped (at most ~200 bytes).
    public var snippet: String
    /// Byte offset in the response stream where the problem starts.
    public var offset: Int

    public init(_ code: Code, location: String, message: String, snippet: String = "", offset: Int) {
        self.code = code
        self.location = location
        self.message = message
        self.snippet = snippet
        self.offset = offset
    }

    /// Whether the response was cut short rather than malformed.
    public var isTruncation: Bool { code == .truncatedHead || code == .truncatedBody }

    public var description: String {
        var text = "\(location): \(message)"
        if !snippet.isEmpty { text += " — got \(snippet)" }
        return text + " (byte \(offset))"
    }
}
