/// A small HTTP/1.1 server on raw sockets: one accept thread and a pool of serving threads that
/// wait on one readiness queue (epoll / kqueue) holding every idle keep-alive connection.
///
/// When a request arrives, a waiting thread claims its connection and runs the handler
/// synchronously with an ``HTTPResponseWriter``; blocking or sleeping there delays only that
/// connection, because another thread is made to wait for the others: at once by default, or —
/// with ``HTTPServerConfiguration/handlersBlockOnlyThroughWriter`` — only when the handler is about
/// to block in the writer (a pause, a wait for the client, a write the client does not read).
/// A thread that finishes a request takes the next ready connection without sleeping if one is
/// ready, so a busy server with quick handlers hardly switches threads. Threads left idle for 5 s
/// exit while another one waits. Built for mock providers and tests: exact control over bytes
/// and timing, keep-alive, pipelining, chunked bodies, precise pauses.
///
/// The lifecycle is one enum (``Lifecycle``: idle → starting → running → stopping → stopped)
/// changed only by the transitions of ``State``, which return what to do outside the lock.
///
/// ```swift
/// let server = HTTPServer { request, writer in
///     try writer.respond(status: .ok, text: "hello")
/// }
/// let port = try server.start()
/// defer { server.stop() }
/// ```
///
/// - Important: A started server must be stopped with ``stop(grace:)`` or ``shutdown(grace:)``
///   (or used through ``withHTTPServer(configuration:handler:_:)``): its threads hold it, so it is
///   never deinitialized while it runs and `deinit` cannot stop it.
/// - Note: `stop` closes idle keep-alive connections at once, lets in-flight responses run for
///   the grace period, then shuts the remaining sockets (their writers throw
///   ``HTTPServerError/Code/serverStopping``) and waits until every thread has ended.
public final class HTTPServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    /// A process-unique number; thread names start with `http<identifier>-` (`-acc`, `-w<n>`).
    public let identifier: Int
    private static let serial = LockedValue(0)
    let handler: HTTPHandler
    /// The shared state; waiters (stop) sleep on its condition, woken by thread exits and
    /// connection removals.
    let state = WaitableValue(State())

    /// Creates a server; nothing is bound until ``start()``.
    public init(configuration: HTTPServerConfiguration = .init(), handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.identifier = Self.serial.withLock {
            $0 += 1
            return $0
        }
    }

    // MARK: - Properties

    /// The bound port (0 before ``start()``).
    public var port: UInt16 { state.withLock { $0.port } }

    /// `http://127.0.0.1:PORT` or `http://[::1]:PORT` (wildcards map to loopback); empty before start.
    public var baseURL: String { state.withLock { $0.baseURL } }

    /// Every address the server listens on.
    public var boundAddresses: [SocketAddress] { state.withLock { $0.boundAddresses } }

    /// Number of open client connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Number of serving threads alive (busy or waiting for a ready connection).
    public var servingThreadCount: Int { state.withLock { $0.servingThreads } }

    // MARK: - Starting

    /// Binds, listens and starts accepting connections.
    ///
    /// A host name binds every address it resolves to (`localhost` → `127.0.0.1` and `::1`),
    /// all on the same port.
    /// - Returns: the bound port.
    /// - Throws: ``HTTPServerError`` (`.bindFailed` with the ``SocketError``, `.invalidState`).
    @discardableResult
    public func start() throws -> UInt16 {
        guard state.withLock({ $0.beginStart() }) else {
            throw HTTPServerError(.invalidState, "start() called on a server that already started")
        }
        let listeners: [Socket]
        let addresses: [SocketAddress]
        let context: Context
        do {
            (listeners, addresses) = try bindListeners()
            do {
                context = try Context(
                    configuration: configuration, handler: handler,
                    ensureWaitingThread: { [weak self] in self?.ensureWaitingThread() })
            } catch {
                for listener in listeners { listener.close() }
                throw error
            }
        } catch {
            state.withLockBroadcasting { $0.failStart() }
            if let error = error as? HTTPServerError { throw error }
            throw HTTPServerError(
                .bindFailed, "could not bind \(configuration.host):\(configuration.port)",
                underlying: error as? SocketError)
        }
        let port = addresses.first?.port ?? 0
        let display = addresses.first(where: { $0.family == .ipv4 }) ?? addresses.first ?? .loopbackIPv4(port: port)
        let urlAddress: SocketAddress =
            display.isWildcard ? (display.family == .ipv4 ? .loopbackIPv4(port: port) : .loopbackIPv6(port: port)) : display
        let keepRunning = state.withLock { state in
            state.listeners = listeners
            state.boundAddresses = addresses
            state.port = port
            state.baseURL = "http://\(urlAddress.urlHost):\(port)"
            state.acceptThreadRunning = true
            return state.finishStart(context)
        }
        do {
            try Syscalls.spawnDetachedThread(name: "http\(identifier)-acc") { [self] in
                acceptLoop(listeners: listeners, context: context)
            }
        } catch {
            state.withLockBroadcasting {
                $0.acceptThreadRunning = false
                $0.failStart()
            }
            for listener in listeners { listener.close() }
            context.closePipes()
            throw HTTPServerError(.bindFailed, "could not start the accept thread", underlying: error as? SocketError)
        }
        // The first serving thread; more start on demand. Should it fail, the next claim retries.
        startServingThread(context: context)
        if !keepRunning { stopBlocking(grace: .zero) }
        return port
    }

    // MARK: - Stopping

    /// Stops the server and waits for every thread to end.
    ///
    /// Stops accepting, closes idle connections, lets in-flight responses run for `grace`
    /// (default ``HTTPServerConfiguration/shutdownGrace``), then shuts down the remaining
    /// sockets. Safe to call more than once and from several threads.
    ///
    /// - Warning: Do not call it from a handler: it waits for every connection thread, including
    ///   the caller's, and gives up only after 10 s.
    @available(*, noasync, message: "blocks; use shutdown(grace:) from async code")
    public func stop(grace: Duration? = nil) {
        stopBlocking(grace: grace)
    }

    /// ``stop(grace:)`` for async callers: the blocking wait runs on its own thread.
    public func shutdown(grace: Duration? = nil) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            do {
                try Syscalls.spawnDetachedThread(name: "http-stop") { [self] in
                    stopBlocking(grace: grace)
                    continuation.resume()
                }
            } catch {
                stopBlocking(grace: grace)
                continuation.resume()
            }
        }
    }

    /// How long `stop` waits for threads stuck outside socket I/O before giving up on them.
    static let threadJoinLimit = Duration.seconds(10)

    func stopBlocking(grace: Duration?) {
        switch state.withLock({ $0.beginStop() }) {
        case .none:
            return
        case .waitUntilStopped:
            state.wait(until: { $0.isStopped })
        case .stop(let context):
            wind(down: context, grace: grace ?? configuration.shutdownGrace)
        }
    }

    /// The stopping phase: every step waits on the state's condition, never by polling.
    private func wind(down context: Context, grace: Duration) {
        context.signalStop()
        state.wait(until: { !$0.acceptThreadRunning })
        // Waiting threads see the stop pipe and exit. Parked connections close now; busy ones
        // finish their response and close (see `serve`).
        let parked: [HTTPServerConnection] = state.withLock { state in
            var parked: [HTTPServerConnection] = []
            for (id, slot) in state.connections where slot.ownership == .idle {
                parked.append(slot.connection)
                state.connections[id] = nil
            }
            return parked
        }
        for connection in parked { connection.socket.close() }
        let deadline = MonotonicInstant.now() + max(.zero, grace)
        if !state.wait(until: { $0.connections.isEmpty }, deadline: deadline) {
            context.signalForce()
            let open = state.withLock { $0.connections.values.map(\.connection.socket) }
            for socket in open { socket.shutdown(.both) }
        }
        // Join: every thread decrements its count (broadcasting) as the last thing it does. A
        // handler stuck outside socket I/O cannot be interrupted; give up on it after 10 s.
        let joined = state.wait(until: { $0.liveThreads == 0 }, deadline: .now() + Self.threadJoinLimit)
        if joined { context.closePipes() }
        state.withLockBroadcasting { $0.finishStop() }
    }
}

/// Runs `body` with a started server and always stops it afterwards, also when `body` throws.
///
/// ```swift
/// try await withHTTPServer(handler: { _, writer in try writer.respond(status: .ok, text: "hi") }) { server in
///     // talk to server.baseURL
/// }
/// ```
public func withHTTPServer<T: Sendable>(
    configuration: HTTPServerConfiguration = .init(),
    handler: @escaping HTTPHandler,
    _ body: (HTTPServer) async throws -> T
) async throws -> T {
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}
