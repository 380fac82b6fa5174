/// Settings of an ``HTTPServer``.
public struct HTTPServerConfiguration: Sendable {
    /// Limits that protect the server from oversized or slow requests.
    public struct Limits: Sendable {
        /// Longest request line accepted; longer gets `414 URI Too Long`. Default 8 KiB.
        public var maximumRequestLineLength: Int
        /// Largest header block (all fields) accepted; larger gets `431`. Default 64 KiB.
        public var maximumHeaderBytes: Int
        /// Most header fields accepted; more gets `431`. Default 100.
        public var maximumHeaderCount: Int
        /// Largest request body accepted; larger gets `413 Payload Too Large`. Default 32 MiB.
        public var maximumBodyBytes: Int
        /// Whether requests follow RFC 9112 §3.2 on `Host`: an HTTP/1.1 request without one, any
        /// request with more than one, or an invalid value gets `400`. Default true.
        public var requiresValidHost: Bool

        public init(
            maximumRequestLineLength: Int = 8 * 1024,
            maximumHeaderBytes: Int = 64 * 1024,
            maximumHeaderCount: Int = 100,
            maximumBodyBytes: Int = 32 * 1024 * 1024,
            requiresValidHost: Bool = true
        ) {
            self.maximumRequestLineLength = maximumRequestLineLength
            self.maximumHeaderBytes = maximumHeaderBytes
            self.maximumHeaderCount = maximumHeaderCount
            self.maximumBodyBytes = maximumBodyBytes
            self.requiresValidHost = requiresValidHost
        }
    }

    /// Host to bind: an IPv4 or IPv6 literal or a name. Default `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free port, reported by ``HTTPServer/port``. Default 0.
    public var port: UInt16
    /// For an IPv6 host, whether to set `IPV6_V6ONLY` (no IPv4-mapped clients). Default true.
    public var isIPv6Only: Bool
    /// `listen(2)` backlog. Default 512.
    public var backlog: Int32
    /// How long a keep-alive connection may sit idle between requests. Default 30 s.
    public var idleTimeout: Duration
    /// How long a started request may take to arrive in full. Default 30 s; `408` when exceeded.
    public var requestReadTimeout: Duration
    /// How long ``HTTPServer/stop(grace:)`` lets in-flight responses finish by default. Default 1 s.
    public var shutdownGrace: Duration
    /// Whether the handler blocks only through its ``HTTPResponseWriter`` (`pause`,
    /// `waitForPeerClose`, writes to a client that does not read) and is otherwise quick.
    ///
    /// Then a request is served on the thread that saw it arrive, and another thread takes over
    /// waiting for requests only when the handler is about to block: a busy server rarely switches
    /// threads. Leave it false if a handler may block on anything else (another socket, a sleep,
    /// a lock held long); a thread is then kept waiting at all times. Default false.
    public var handlersBlockOnlyThroughWriter: Bool
    public var limits: Limits

    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        isIPv6Only: Bool = true,
        backlog: Int32 = 512,
        idleTimeout: Duration = .seconds(30),
        requestReadTimeout: Duration = .seconds(30),
        shutdownGrace: Duration = .seconds(1),
        handlersBlockOnlyThroughWriter: Bool = false,
        limits: Limits = Limits()
    ) {
        self.host = host
        self.port = port
        self.isIPv6Only = isIPv6Only
        self.backlog = backlog
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
        self.shutdownGrace = shutdownGrace
        self.handlersBlockOnlyThroughWriter = handlersBlockOnlyThroughWriter
        self.limits = limits
    }
}

/// Handles one request on a connection thread. Runs synchronously: sleeping or blocking here
/// delays only this connection.
public typealias HTTPHandler = @Sendable (HTTPRequest, any HTTPResponseWriter) throws -> Void
