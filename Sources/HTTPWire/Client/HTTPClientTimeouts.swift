/// The four timeouts of an HTTP exchange; nil disables one.
public struct HTTPClientTimeouts: Sendable, Equatable {
    /// Per address: how long one TCP connect may take. Default 10 s.
    public var connect: Duration?
    /// From the request written to the final response head. Default 300 s (a local model may
    /// load before answering).
    public var headers: Duration?
    /// Longest silence between two body reads. Default 120 s.
    public var idle: Duration?
    /// The whole exchange, resolution to last byte. Default nil (no limit).
    ///
    /// - Note: `getaddrinfo` cannot be interrupted; the total deadline is checked as soon as it returns.
    public var total: Duration?

    public init(
        connect: Duration? = .seconds(10),
        headers: Duration? = .seconds(300),
        idle: Duration? = .seconds(120),
        total: Duration? = nil
    ) {
        self.connect = connect
        self.headers = headers
        self.idle = idle
        self.total = total
    }

    /// The defaults documented on each property.
    public static let `default` = HTTPClientTimeouts()
}
