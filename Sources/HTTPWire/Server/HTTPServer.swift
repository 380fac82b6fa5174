/// A small HTTP/1.1 server on raw sockets: one accept thread, one thread per open connection
/// (a finished connection's thread parks for 5 s and takes the next accepted connection).
///
/// Handlers run synchronously on the connection thread with an ``HTTPResponseWriter``; blocking
/// or sleeping there delays only that connection. Built for mock providers and tests: exact
/// control over bytes and timing, keep-alive, pipelining, chunked bodies, precise pauses.
///
/// ```swift
/// let server = HTTPServer { request, writer in
///     try writer.respond(status: .ok, text: "hello")
/// }
/// let port = try server.start()
/// defer { server.stop() }
/// ```
///
/// - Note: `stop` closes idle keep-alive connections at once, lets in-flight responses run for
///   the grace period, then shuts the remaining sockets (their writers throw
///   ``HTTPServerError/Code/serverStopping``) and waits for every thread to end.
public final class HTTPServer: Sendable {
    /// What connection threads share with the server. Immutable apart from the flags.
    final class Context: Sendable {
        let configuration: HTTPServerConfiguration
        let handler: HTTPHandler
        /// Readable once stop begins (never drained): idle connections end.
        let stopPipe: Int32
        let stopPipeWrite: Int32
        /// Readable once the grace period is over: in-flight work is cut short.
        let forcePipe: Int32
        let forcePipeWrite: Int32
        private let flags = LockedValue((stopping: false, forced: false))

        init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) throws {
            self.configuration = configuration
            self.handler = handler
            let stop = try Syscalls.makePipe()
            let force: (read: Int32, write: Int32)
            do {
                force = try Syscalls.makePipe()
            } catch {
                Syscalls.closeDescriptor(stop.read)
                Syscalls.closeDescriptor(stop.write)
                throw error
            }
            (stopPipe, stopPipeWrite) = stop
            (forcePipe, forcePipeWrite) = force
        }

        var isStopping: Bool { flags.withLock { $0.stopping } }
        var isForced: Bool { flags.withLock { $0.forced } }

        func signalStop() {
            flags.withLock { $0.stopping = true }
            Self.poke(stopPipeWrite)
        }

        func signalForce() {
            flags.withLock { $0.forced = true }
            Self.poke(forcePipeWrite)
        }

        private static func poke(_ fd: Int32) {
            let byte: [UInt8] = [1]
            _ = byte.withUnsafeBytes { try? Syscalls.writeBytes(fd, $0) }
        }

        func closePipes() {
            for fd in [stopPipe, stopPipeWrite, forcePipe, forcePipeWrite] { Syscalls.closeDescriptor(fd) }
        }
    }

    private enum Phase {
        case idle, running, stopping, stopped
    }

    private struct State {
        var phase = Phase.idle
        var context: Context?
        var listeners: [Socket] = []
        var boundAddresses: [SocketAddress] = []
        var connections: [Int: Socket] = [:]
        var nextConnectionID = 1
        var liveThreads = 0
        var acceptThreadRunning = false
        var port: UInt16 = 0
        var baseURL = ""
    }

    /// An accepted connection waiting for a worker thread.
    private struct ConnectionJob: Sendable {
        let socket: Socket
        let id: Int
        let peer: SocketAddress?
    }

    /// Parked worker threads and the connections handed to them; guarded by `workers`.
    private struct WorkerPool {
        var idle = 0
        var pending: [ConnectionJob] = []
        var isStopping = false
    }

    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    /// A process-unique number; thread names start with `http<identifier>-` (`-acc`, `-c<n>`).
    public let identifier: Int
    private static let serial = LockedValue(0)
    private let handler: HTTPHandler
    private let state = LockedValue(State())
    private let workers = ConditionLock()
    /// Only touched inside `workers.withLock`.
    nonisolated(unsafe) private var workerPool = WorkerPool()

    /// Creates a server; nothing is bound until ``start()``.
    public init(configuration: HTTPServerConfiguration = .init(), handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.identifier = Self.serial.withLock {
            $0 += 1
            return $0
        }
    }

    deinit {
        let leftover = state.withLock { $0.phase == .running ? $0.context : nil }
        if leftover != nil { stopBlocking(grace: .zero) }
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

    // MARK: - Starting

    /// Binds, listens and starts accepting connections.
    ///
    /// A host name binds every address it resolves to (`localhost` → `127.0.0.1` and `::1`),
    /// all on the same port.
    /// - Returns: the bound port.
    /// - Throws: ``HTTPServerError`` (`.bindFailed` with the ``SocketError``, `.invalidState`).
    @discardableResult
    public func start() throws -> UInt16 {
        try state.withLock { state in
            guard state.phase == .idle else {
                throw HTTPServerError(.invalidState, "start() called on a server that already started")
            }
            state.phase = .running
        }
        do {
            let (listeners, addresses) = try bindListeners()
            let context: Context
            do {
                context = try Context(configuration: configuration, handler: handler)
            } catch {
                for listener in listeners { listener.close() }
                throw error
            }
            let port = addresses.first?.port ?? 0
            let display =
                addresses.first(where: { $0.family == .ipv4 }) ?? addresses.first ?? .loopbackIPv4(port: port)
            let urlAddress: SocketAddress =
                display.isWildcard
                ? (display.family == .ipv4 ? .loopbackIPv4(port: port) : .loopbackIPv6(port: port)) : display
            state.withLock {
                $0.context = context
                $0.listeners = listeners
                $0.boundAddresses = addresses
                $0.port = port
                $0.baseURL = "http://\(urlAddress.urlHost):\(port)"
                $0.liveThreads += 1
                $0.acceptThreadRunning = true
            }
            do {
                try Syscalls.spawnDetachedThread(name: "http\(identifier)-acc") { [self] in
                    acceptLoop(listeners: listeners, context: context)
                }
            } catch {
                state.withLock {
                    $0.liveThreads -= 1
                    $0.acceptThreadRunning = false
                    $0.phase = .stopped
                }
                for listener in listeners { listener.close() }
                context.closePipes()
                throw HTTPServerError(.bindFailed, "could not start the accept thread", underlying: error as? SocketError)
            }
            return port
        } catch let error as HTTPServerError {
            state.withLock { if $0.phase == .running && $0.context == nil { $0.phase = .stopped } }
            throw error
        } catch {
            state.withLock { $0.phase = .stopped }
            throw HTTPServerError(.bindFailed, "could not bind \(configuration.host):\(configuration.port)", underlying: error as? SocketError)
        }
    }

    private func bindListeners() throws -> ([Socket], [SocketAddress]) {
        let host = configuration.host
        let resolved: [SocketAddress]
        if let literal = SocketAddress(ipAddress: host, port: configuration.port) {
            resolved = [literal]
        } else {
            resolved = try NameResolver.resolve(host: host, port: configuration.port)
        }
        var lastError: (any Error)?
        for _ in 0..<8 {
            var listeners: [Socket] = []
            var addresses: [SocketAddress] = []
            do {
                for (index, candidate) in resolved.enumerated() {
                    let address = addresses.first.map { candidate.with(port: $0.port) } ?? candidate
                    do {
                        let listener = try makeListener(address)
                        listeners.append(listener)
                        addresses.append(listener.localAddress ?? address)
                    } catch let error as SocketError where index > 0 && error.code == .addressNotAvailable {
                        continue  // e.g. ::1 on a host without IPv6: the other addresses suffice
                    }
                }
                return (listeners, addresses)
            } catch let error as SocketError where error.code == .addressInUse && configuration.port == 0 && !listeners.isEmpty {
                // The port picked for the first address is taken on another one: try a new port.
                for listener in listeners { listener.close() }
                lastError = error
            } catch {
                for listener in listeners { listener.close() }
                throw error
            }
        }
        throw lastError ?? SocketError(code: .addressInUse, errno: 0, syscall: "bind", message: "no common free port")
    }

    private func makeListener(_ address: SocketAddress) throws -> Socket {
        let listener = try Socket(family: address.family)
        do {
            try Syscalls.setReuseAddress(listener.fd)
            if address.family == .ipv6 { try Syscalls.setIPv6Only(listener.fd, configuration.isIPv6Only) }
            try Syscalls.bindSocket(listener.fd, to: address)
            try Syscalls.listenSocket(listener.fd, backlog: configuration.backlog)
        } catch {
            listener.close()
            throw error
        }
        return listener
    }

    // MARK: - Accepting

    private func acceptLoop(listeners: [Socket], context: Context) {
        var entries = listeners.map { Syscalls.PollEntry(fd: $0.fd, events: .readable) }
        entries.append(Syscalls.PollEntry(fd: context.stopPipe, events: .readable))
        acceptLoop: while !context.isStopping {
            do {
                try Syscalls.pollEntries(&entries, timeoutMilliseconds: -1)
            } catch {
                Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ 10_000_000)
                continue
            }
            if !entries[entries.count - 1].returnedEvents.isEmpty { break }
            for (index, listener) in listeners.enumerated() where !entries[index].returnedEvents.isEmpty {
                while !context.isStopping {
                    let accepted: (fd: Int32, peer: SocketAddress?)?
                    do {
                        accepted = try Syscalls.acceptConnection(listener.fd)
                    } catch {
                        // EMFILE, ENFILE, ENOBUFS…: back off briefly instead of ending the server.
                        Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ 10_000_000)
                        break
                    }
                    guard let accepted else { break }
                    startConnection(fd: accepted.fd, peer: accepted.peer, family: listener.family, context: context)
                    if context.isStopping { break acceptLoop }
                }
            }
        }
        for listener in listeners { listener.close() }
        state.withLock {
            $0.listeners = []
            $0.acceptThreadRunning = false
            $0.liveThreads -= 1
        }
    }

    private func startConnection(fd: Int32, peer: SocketAddress?, family: SocketAddress.Family, context: Context) {
        let socket = Socket(adopting: fd, family: family)
        let id: Int? = state.withLock { state in
            guard state.phase == .running else { return nil }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            state.connections[id] = socket
            return id
        }
        guard let id else {
            socket.close()
            return
        }
        let job = ConnectionJob(socket: socket, id: id, peer: peer)
        // Prefer a parked worker thread: creating a thread per connection costs more than the
        // request itself for clients that open a connection per request.
        let handedOff = workers.withLock {
            guard workerPool.idle > 0 && !workerPool.isStopping else { return false }
            workerPool.idle -= 1
            workerPool.pending.append(job)
            workers.signal()
            return true
        }
        if handedOff { return }
        state.withLock { $0.liveThreads += 1 }
        do {
            try Syscalls.spawnDetachedThread(name: "http\(identifier)-w\(id)") { [self] in
                workerLoop(first: job, context: context)
            }
        } catch {
            state.withLock { $0.liveThreads -= 1 }
            finishConnection(id: id, socket: socket)
        }
    }

    /// Serves connections one after another; parks up to ``idleWorkerLifetime`` between them.
    private func workerLoop(first: ConnectionJob, context: Context) {
        var job: ConnectionJob? = first
        while let current = job {
            HTTPServerConnection(socket: current.socket, id: current.id, peer: current.peer, context: context).run()
            finishConnection(id: current.id, socket: current.socket)
            job = workers.withLock { () -> ConnectionJob? in
                if workerPool.isStopping { return nil }
                workerPool.idle += 1
                let deadline = MonotonicClock.now() &+ Self.idleWorkerLifetime
                while workerPool.pending.isEmpty && !workerPool.isStopping {
                    let now = MonotonicClock.now()
                    if now >= deadline { break }
                    workers.wait(nanoseconds: deadline - now)
                }
                if !workerPool.pending.isEmpty {
                    return workerPool.pending.removeFirst()  // `idle` was decremented by the hand-off
                }
                workerPool.idle -= 1
                return nil
            }
        }
        state.withLock { $0.liveThreads -= 1 }
    }

    /// How long a worker thread waits for another connection before exiting.
    static let idleWorkerLifetime: UInt64 = 5_000_000_000

    private func finishConnection(id: Int, socket: Socket) {
        socket.close()
        state.withLock { $0.connections[id] = nil }
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

    private func stopBlocking(grace: Duration?) {
        enum Action { case stop(Context), wait, none }
        let action: Action = state.withLock { state in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return .none
            case .running:
                state.phase = .stopping
                guard let context = state.context else { return .none }
                return .stop(context)
            case .stopping:
                return .wait
            case .stopped:
                return .none
            }
        }
        switch action {
        case .none:
            return
        case .wait:
            while state.withLock({ $0.phase != .stopped }) { Self.nap() }
            return
        case .stop(let context):
            context.signalStop()
            while state.withLock({ $0.acceptThreadRunning }) { Self.nap() }
            // Parked workers exit; connections not yet picked up are closed here.
            let orphans = workers.withLock {
                workerPool.isStopping = true
                workers.broadcast()
                defer { workerPool.pending = [] }
                return workerPool.pending
            }
            for job in orphans { finishConnection(id: job.id, socket: job.socket) }
            let graceDuration = grace ?? configuration.shutdownGrace
            let deadline = MonotonicClock.now() &+ UInt64(max(0, graceDuration.nanoseconds))
            while state.withLock({ !$0.connections.isEmpty }) && MonotonicClock.now() < deadline { Self.nap() }
            if state.withLock({ !$0.connections.isEmpty }) {
                context.signalForce()
                let open = state.withLock { Array($0.connections.values) }
                for socket in open { socket.shutdown(.both) }
            }
            // A handler stuck outside socket I/O cannot be interrupted; give up after 10 s.
            let hardDeadline = MonotonicClock.now() &+ 10_000_000_000
            while state.withLock({ $0.liveThreads > 0 }) && MonotonicClock.now() < hardDeadline { Self.nap() }
            let allGone = state.withLock { $0.liveThreads == 0 }
            if allGone { context.closePipes() }
            state.withLock {
                $0.phase = .stopped
                $0.context = nil
            }
        }
    }

    private static func nap() { Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ 1_000_000) }
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
