/// The four timeouts of a request, each configured separately.
///
/// Defaults follow openai-python (connect 5 s, 600 s per read) because local models can take
/// minutes to load before the first byte.
public struct ProviderTimeouts: Sendable, Hashable {
    /// TCP (and TLS) connect, per address tried. Default 5 s.
    public var connect: Duration
    /// From writing the request to receiving the complete response head. Default 600 s.
    public var headers: Duration
    /// Longest silence between two body chunks (reset by every chunk). Default 600 s.
    public var idle: Duration
    /// Deadline for the whole request including the body; nil means none. Default nil.
    public var total: Duration?

    public init(
        connect: Duration = .seconds(5), headers: Duration = .seconds(600), idle: Duration = .seconds(600),
        total: Duration? = nil
    ) {
        self.connect = connect
        self.headers = headers
        self.idle = idle
        self.total = total
    }

    /// Short timeouts for discovery probes: connect 300 ms, headers 1.5 s, idle 1.5 s, total 3 s.
    public static let probe = ProviderTimeouts(
        connect: .milliseconds(300), headers: .milliseconds(1500), idle: .milliseconds(1500), total: .seconds(3))
}
