/// One blocking HTTP/1.1 exchange over a fresh TCP connection (or a kept one from a
/// ``HTTPConnectionPool``), with a full timeline.
///
/// ``run(_:)`` resolves the host (or uses the given addresses), tries every address in order
/// (recording each attempt), writes the request, then parses the response and reports each
/// event as it happens. ``cancel()`` may be called from any thread: it shuts the socket (so the
/// server sees the client leave) and wakes the blocked call, which throws `.cancelled`.
///
/// Every wait is bounded by ``RequestTimeouts``: connect per address, headers, idle between
/// reads, and the total deadline over the whole exchange (which also ends a body trickled one
/// byte at a time). `emit` may block (``RawHTTPClient`` blocks it while its consumer lags); the
/// time spent there is not counted as server idleness.
public final class HTTPClientConnection: Sendable {
    public let request: HTTPClientRequest
    public let options: HTTPClientOptions
    /// Where the connection is taken from and given back to for keep-alive; nil: a fresh
    /// connection, closed at the end of the exchange.
    public let pool: HTTPConnectionPool?

    private struct Shared {
        var cancelled = false
        var socket: Socket?
        var wakeWrite: Int32 = -1
    }

    private let shared = LockedValue(Shared())

    public init(request: HTTPClientRequest, options: HTTPClientOptions = .init(), pool: HTTPConnectionPool? = nil) {
        self.request = request
        self.options = options
        self.pool = pool
    }

    /// Aborts the exchange from any thread: shuts the socket and wakes ``run(_:)``.
    public func cancel() {
        shared.withLock { state in
            guard !state.cancelled else { return }
            state.cancelled = true
            state.socket?.shutdown(.both)
            if state.wakeWrite >= 0 {
                let byte: [UInt8] = [1]
                _ = byte.withUnsafeBytes { [fd = state.wakeWrite] in try? Syscalls.writeBytes(fd, $0) }
            }
        }
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { shared.withLock { $0.cancelled } }

    // MARK: - Exchange

    /// Runs the exchange, calling `emit` on this thread for every event, and returns the timeline.
    ///
    /// - Throws: ``HTTPClientError`` (its timeline covers everything up to the failure).
    @available(*, noasync, message: "blocks; use RawHTTPClient from async code")
    @discardableResult
    public func run(_ emit: (HTTPClientEvent) -> Void) throws -> HTTPTimeline {
        var exchange = HTTPClientExchange(connection: self)
        defer { exchange.cleanUp() }
        return try exchange.run(emit)
    }

    func register(socket newSocket: Socket?) -> Bool {
        shared.withLock { state in
            state.socket = newSocket
            if state.cancelled { newSocket?.shutdown(.both) }
            return !state.cancelled
        }
    }

    func register(wakeWrite fd: Int32) -> Bool {
        shared.withLock { state in
            state.wakeWrite = fd
            return !state.cancelled
        }
    }

    /// Unregisters the socket and wake pipe so a later ``cancel()`` cannot touch them once they are
    /// in the pool; false (nothing changed) if the exchange was cancelled.
    func detachForReuse() -> Bool {
        shared.withLock { state in
            guard !state.cancelled else { return false }
            state.socket = nil
            state.wakeWrite = -1
            return true
        }
    }

    func closeWake(_ wake: (read: Int32, write: Int32)) {
        shared.withLock { state in
            state.wakeWrite = -1
            if wake.read >= 0 { Syscalls.closeDescriptor(wake.read) }
            if wake.write >= 0 { Syscalls.closeDescriptor(wake.write) }
        }
    }
}
