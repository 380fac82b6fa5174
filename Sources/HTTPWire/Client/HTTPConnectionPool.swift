/// Kept-alive HTTP/1.1 connections of ``HTTPClientConnection``, reused for later exchanges with
/// the same host and port (`llmcheck proxy`'s upstream side).
///
/// A connection comes back only from an exchange that read its whole response with keep-alive
/// (HTTP/1.1, no `Connection: close` either way, a length-delimited or chunked body, no byte
/// beyond it, not cancelled: a consumer that left mid-response never returns its connection).
/// Before reuse, a connection the server closed or wrote to while idle (readable: end of file,
/// reset or stray bytes) is discarded, and so is one idle longer than
/// ``Configuration/maximumIdleAge``. A reused connection that still turns out stale is retried
/// once on a fresh one, by the exchange, only when the retry cannot run the request twice (see
/// ``HTTPClientExchange``).
///
/// ```swift
/// let pool = HTTPConnectionPool()
/// try HTTPClientConnection(request: request, pool: pool).run { event in … }
/// pool.closeAll()   // when done
/// ```
public final class HTTPConnectionPool: Sendable {
    /// Limits of a pool.
    public struct Configuration: Sendable, Equatable {
        /// Idle connections kept over all hosts; the oldest is closed when one more comes back.
        /// Default 64.
        public var maximumIdleConnections: Int
        /// How long a connection may sit idle before it is closed instead of reused. Default 2 s:
        /// below the 5 s keep-alive timeout of Node and uvicorn, so a server closing an idle
        /// connection rarely races a request sent on it.
        public var maximumIdleAge: Duration

        public init(maximumIdleConnections: Int = 64, maximumIdleAge: Duration = .seconds(2)) {
            self.maximumIdleConnections = maximumIdleConnections
            self.maximumIdleAge = maximumIdleAge
        }
    }

    /// Where a kept connection leads: host, port and the addresses given instead of resolving.
    struct Key: Hashable, Sendable {
        var host: String
        var port: UInt16
        var addresses: [String]

        init(_ request: HTTPClientRequest) {
            host = request.host.lowercased()
            port = request.port
            addresses = request.addresses?.map(\.description) ?? []
        }
    }

    /// One idle connection: its socket, the wake pipe of its exchanges and when it came back.
    struct Idle: Sendable {
        var key: Key
        var socket: Socket
        var address: SocketAddress?
        var wake: (read: Int32, write: Int32)
        var since: MonotonicInstant

        func close() {
            socket.close()
            Syscalls.closeDescriptor(wake.read)
            Syscalls.closeDescriptor(wake.write)
        }
    }

    /// What the pool did so far (for tests and `-v` output).
    public struct Counts: Sendable, Equatable {
        /// Exchanges that got a kept connection.
        public var reused = 0
        /// Connections given back for reuse.
        public var returned = 0
        /// Kept connections found closed by the server (or with stray bytes) and discarded.
        public var stale = 0
        /// Kept connections closed for age or for the idle limit.
        public var evicted = 0
        /// Exchanges repeated on a fresh connection after a reused one failed before any answer.
        public var retried = 0
    }

    public let configuration: Configuration
    private struct State {
        var idle: [Idle] = []  // oldest first
        var counts = Counts()
        var isClosed = false
    }
    private let state = LockedValue(State())

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// What the pool did so far.
    public var counts: Counts { state.withLock { $0.counts } }
    /// Connections idle in the pool now.
    public var idleCount: Int { state.withLock { $0.idle.count } }

    /// Closes every idle connection; connections given back later are closed at once.
    public func closeAll() {
        let all: [Idle] = state.withLock { s in
            s.isClosed = true
            defer { s.idle.removeAll() }
            return s.idle
        }
        for connection in all { connection.close() }
    }

    /// The most recently returned live connection for `key`, or nil (the caller connects).
    func take(_ key: Key, now: MonotonicInstant = .now()) -> Idle? {
        while true {
            let (found, expired) = state.withLock { s -> (Idle?, [Idle]) in
                let expired = evictExpired(&s, now: now)
                guard let index = s.idle.lastIndex(where: { $0.key == key }) else { return (nil, expired) }
                return (s.idle.remove(at: index), expired)
            }
            for connection in expired { connection.close() }
            guard let found else { return nil }
            if Self.isQuiet(found.socket) {
                state.withLock { $0.counts.reused += 1 }
                return found
            }
            state.withLock { $0.counts.stale += 1 }
            found.close()
        }
    }

    /// Takes back a connection whose exchange ended cleanly with keep-alive.
    func giveBack(_ connection: Idle) {
        let toClose: [Idle] = state.withLock { s in
            guard !s.isClosed, configuration.maximumIdleConnections > 0 else { return [connection] }
            var out = evictExpired(&s, now: connection.since)
            s.idle.append(connection)
            s.counts.returned += 1
            while s.idle.count > configuration.maximumIdleConnections {
                out.append(s.idle.removeFirst())
                s.counts.evicted += 1
            }
            return out
        }
        for connection in toClose { connection.close() }
    }

    func countRetry() { state.withLock { $0.counts.retried += 1 } }

    /// Removes the connections idle longer than the limit (under the lock; the caller closes them).
    private func evictExpired(_ s: inout State, now: MonotonicInstant) -> [Idle] {
        let limit = configuration.maximumIdleAge
        guard let first = s.idle.first, first.since.duration(to: now) > limit else { return [] }
        let cut = s.idle.firstIndex { $0.since.duration(to: now) <= limit } ?? s.idle.count
        let expired = Array(s.idle[..<cut])
        s.idle.removeFirst(cut)
        s.counts.evicted += expired.count
        return expired
    }

    /// Whether an idle connection has nothing to read: readable means the server closed it (end of
    /// file), reset it, or sent bytes nobody asked for; any of these makes it unusable.
    static func isQuiet(_ socket: Socket) -> Bool {
        guard let (events, _) = try? Syscalls.pollOne(socket.fd, events: .readable, timeoutMilliseconds: 0) else { return false }
        return events.isEmpty
    }
}
