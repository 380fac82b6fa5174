/// An error from ``HTTPServer`` or from an ``HTTPResponseWriter`` method.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// A payload-free classification.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The client closed or reset the connection; stop producing the response.
        case peerClosed
        /// The server is shutting down (grace period over) and the connection is being closed.
        case serverStopping
        /// The response was already finished, closed or reset.
        case alreadyFinished
        /// ``HTTPResponseWriter/writeHead(_:)`` was called twice.
        case headAlreadyWritten
        /// A socket call failed for another reason.
        case ioFailure
        /// ``HTTPServer/start()`` could not bind or listen.
        case bindFailed
        /// ``HTTPServer/start()`` was called on a server that is running or stopped.
        case invalidState
    }

    public var code: Code
    public var message: String
    /// The socket failure behind the error, if any.
    public var underlying: SocketError?

    public init(_ code: Code, _ message: String, underlying: SocketError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        var text = "HTTPServer \(code.rawValue): \(message)"
        if let underlying { text += " (\(underlying))" }
        return text
    }
}
