/// A stream-framing failure reported by ``SSEParser`` or ``NDJSONFramer``.
///
/// Framers never drop data silently: when a limit is exceeded they stop and report where.
public struct FramingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A single line was longer than the configured maximum.
        case lineTooLong
        /// One event accumulated more data than the configured maximum.
        case eventTooLarge
    }

    public var code: Code
    /// The limit that was exceeded, in bytes.
    public var limit: Int
    /// Byte offset in the stream (from its first byte) at which the limit was exceeded.
    public var streamOffset: Int

    public init(code: Code, limit: Int, streamOffset: Int) {
        self.code = code
        self.limit = limit
        self.streamOffset = streamOffset
    }

    public var description: String {
        switch code {
        case .lineTooLong: "line longer than \(limit) bytes at stream offset \(streamOffset)"
        case .eventTooLarge: "event data larger than \(limit) bytes at stream offset \(streamOffset)"
        }
    }
}
