/// The HTTP protocol version of a message. Only HTTP/1.0 and HTTP/1.1 are spoken.
public enum HTTPVersion: String, Sendable, Hashable, CustomStringConvertible {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"

    public var description: String { rawValue }
}
