/// The four timeouts of one request: the only timeouts type, shared by ``RawHTTPClient`` /
/// ``HTTPClientConnection``, the provider client (`ProviderTimeouts` is this type) and scenarios.
/// nil disables one.
///
/// They are enforced in exactly one layer, the transport: the raw client polls its socket with
/// these deadlines, and transports that cannot (URLSession, scripted test transports) run a
/// watchdog over their event stream.
public struct RequestTimeouts: Sendable, Hashable {
    /// Per address: how long one TCP (and TLS) connect may take. Default 5 s.
    public var connect: Duration?
    /// From the request written to the final response head (the first byte of the answer).
    /// Default 300 s: a local model may load for minutes before it answers.
    public var headers: Duration?
    /// Longest silence between two body reads (every read resets it). Default 120 s.
    public var idle: Duration?
    /// The whole request, name resolution to last byte; the provider client also counts retries
    /// and their waits against it. It is what ends a body trickled a byte at a time, which the
    /// idle timeout never catches. Default 600 s (openai-python's default timeout).
    ///
    /// - Note: `getaddrinfo` cannot be interrupted; the deadline is checked as soon as it returns.
    public var total: Duration?

    public init(
        connect: Duration? = .seconds(5),
        headers: Duration? = .seconds(300),
        idle: Duration? = .seconds(120),
        total: Duration? = .seconds(600)
    ) {
        self.connect = connect
        self.headers = headers
        self.idle = idle
        self.total = total
    }

    /// The defaults documented on each property.
    public static let `default` = RequestTimeouts()

    /// Short timeouts for discovery probes: connect 300 ms, headers 1.5 s, idle 1.5 s, total 3 s.
    public static let probe = RequestTimeouts(
        connect: .milliseconds(300), headers: .milliseconds(1500), idle: .milliseconds(1500), total: .seconds(3))

    /// These timeouts with `total` lowered to `remaining` (when that is shorter), and every other
    /// timeout capped by it, so no single phase may outlast the whole request.
    public func capped(to remaining: Duration?) -> RequestTimeouts {
        guard let remaining else { return self }
        func cap(_ value: Duration?) -> Duration? { value.map { min($0, remaining) } ?? remaining }
        var result = self
        result.total = cap(total)
        result.connect = connect.map { min($0, remaining) }
        result.headers = cap(headers)
        result.idle = cap(idle)
        return result
    }
}

/// The same type under the raw client's former name.
public typealias HTTPClientTimeouts = RequestTimeouts
