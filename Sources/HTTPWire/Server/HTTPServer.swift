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
        /// The readiness queue of idle connections (and of `stopPipe`, token 0).
        let queue: Int32
        private let flags = LockedValue((stopping: false, forced: false))

        /// Makes sure a thread waits for ready connections; called by a connection whose handler
        /// is about to block (see ``HTTPServerConfiguration/handlersBlockOnlyThroughWriter``).
        let ensureWaitingThread: @Sendable () -> Void

        init(
            configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler,
            ensureWaitingThread: @escaping @Sendable () -> Void
        ) throws {
            self.configuration = configuration
            self.handler = handler
            self.ensureWaitingThread = ensureWaitingThread
            var opened: [Int32] = []
            do {
                let stop = try Syscalls.makePipe()
                opened += [stop.read, stop.write]
                let force = try Syscalls.makePipe()
                opened += [force.read, force.write]
                let queue = try Syscalls.makeReadinessQueue()
                opened.append(queue)
                try Syscalls.watchReadable(queue, fd: stop.read, token: Self.stopToken, trigger: .level)
                (stopPipe, stopPipeWrite) = stop
                (forcePipe, forcePipeWrite) = force
                self.queue = queue
            } catch {
                for fd in opened { Syscalls.closeDescriptor(fd) }
                throw error
            }
        }

        /// The queue token of the stop pipe; connection ids start at 1.
        static let stopToken: UInt64 = 0

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
            for fd in [queue, stopPipe, stopPipeWrite, forcePipe, forcePipeWrite] { Syscalls.closeDescriptor(fd) }
        }
    }

    private enum Phase {
        case idle, running, stopping, stopped
    }

    /// An open connection and who has it.
    private struct Slot {
        enum Ownership {
            /// Parked in the readiness queue.
            case idle
            /// A pool thread is serving it.
            case busy
            /// Busy, and an event for it came in after the owner re-armed it but before it parked
            /// it: the owner serves it again instead of parking.
            case busyMoreArrived
        }

        let connection: HTTPServerConnection
        var ownership = Ownership.idle
        /// When it was last parked (monotonic ns), for the idle timeout.
        var idleSince: UInt64
    }

    private struct State {
        var phase = Phase.idle
        var context: Context?
        var listeners: [Socket] = []
        var boundAddresses: [SocketAddress] = []
        var connections: [Int: Slot] = [:]
        var nextConnectionID = 1
        var liveThreads = 0
        /// Pool threads not serving a connection (waiting on the queue or about to).
        var waitingThreads = 0
        var nextThreadNumber = 1
        var nextIdleSweep: UInt64 = 0
        var acceptThreadRunning = false
        var port: UInt16 = 0
        var baseURL = ""
    }

    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    /// A process-unique number; thread names start with `http<identifier>-` (`-acc`, `-w<n>`).
    public let identifier: Int
    private static let serial = LockedValue(0)
    private let handler: HTTPHandler
    private let state = LockedValue(State())

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

    /// Number of serving threads alive (busy or waiting for a ready connection).
    public var servingThreadCount: Int { state.withLock { max(0, $0.liveThreads - ($0.acceptThreadRunning ? 1 : 0)) } }

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
                context = try Context(
                    configuration: configuration, handler: handler,
                    ensureWaitingThread: { [weak self] in self?.ensureWaitingThread() })
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
            // The first serving thread; more start on demand. Should it fail, the next claim retries.
            startServingThread(context: context)
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
        try? socket.setNoDelay(true)
        let now = MonotonicClock.now()
        let registered: (id: Int, needsThread: Bool)? = state.withLock { state in
            guard state.phase == .running else { return nil }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            let connection = HTTPServerConnection(socket: socket, id: id, peer: peer, context: context)
            state.connections[id] = Slot(connection: connection, idleSince: now)
            // With cooperative handlers a busy thread comes back for it; otherwise keep one waiting.
            let servingThreads = state.liveThreads - (state.acceptThreadRunning ? 1 : 0)
            return (id, servingThreads == 0 || (!configuration.handlersBlockOnlyThroughWriter && state.waitingThreads == 0))
        }
        guard let registered else {
            socket.close()
            return
        }
        if registered.needsThread { startServingThread(context: context) }
        do {
            // Bytes that arrived before registration are reported at once.
            try Syscalls.watchReadable(context.queue, fd: fd, token: UInt64(registered.id), trigger: .oneShot)
        } catch {
            state.withLock { _ = $0.connections.removeValue(forKey: registered.id) }
            socket.close()
        }
    }

    // MARK: - Serving threads

    /// How long a serving thread waits for work before exiting (while another thread waits too).
    static let idleWorkerLifetime: UInt64 = 5_000_000_000

    /// Starts a serving thread if none is waiting for ready connections.
    private func ensureWaitingThread() {
        let context: Context? = state.withLock { state in
            state.phase == .running && state.waitingThreads == 0 ? state.context : nil
        }
        if let context { startServingThread(context: context) }
    }

    /// Starts one more serving thread, counted as waiting from now on.
    private func startServingThread(context: Context) {
        let number: Int? = state.withLock { state in
            guard state.phase == .running else { return nil }
            state.liveThreads += 1
            state.waitingThreads += 1
            defer { state.nextThreadNumber += 1 }
            return state.nextThreadNumber
        }
        guard let number else { return }
        do {
            try Syscalls.spawnDetachedThread(name: "http\(identifier)-w\(number)") { [self] in
                servingLoop(context: context)
            }
        } catch {
            // Out of threads: the connections wait for a busy thread to come back.
            state.withLock {
                $0.liveThreads -= 1
                $0.waitingThreads -= 1
            }
        }
    }

    /// Waits for a ready connection, serves it, and repeats; exits when the server stops or after
    /// ``idleWorkerLifetime`` without work while another thread is waiting.
    private func servingLoop(context: Context) {
        let sweepInterval = Self.sweepInterval(for: configuration.idleTimeout)
        let waitMilliseconds = Int32(clamping: sweepInterval / 1_000_000)
        var lastWork = MonotonicClock.now()
        while !context.isStopping {
            let token: UInt64?
            do {
                token = try Syscalls.waitForReadiness(context.queue, timeoutMilliseconds: waitMilliseconds)
            } catch {
                Self.nap()
                continue
            }
            if context.isStopping { break }
            let now = MonotonicClock.now()
            closeIdleConnections(now: now, interval: sweepInterval)
            guard let token, token != Context.stopToken else {
                if now &- lastWork >= Self.idleWorkerLifetime && retireIfSpare() { return }
                continue
            }
            guard let claimed = claim(id: Int(token), context: context) else { continue }
            serve(claimed, id: Int(token), context: context)
            lastWork = MonotonicClock.now()
        }
        state.withLock {
            $0.waitingThreads -= 1
            $0.liveThreads -= 1
        }
    }

    /// Takes a ready connection for this thread; nil if it is gone or another thread has it
    /// (that thread is told to read again before parking it).
    private func claim(id: Int, context: Context) -> HTTPServerConnection? {
        let result: (connection: HTTPServerConnection, needsThread: Bool)? = state.withLock { state in
            guard var slot = state.connections[id] else { return nil }
            guard slot.ownership == .idle else {
                // Its owner re-armed it and has not parked it yet (see `serve`).
                slot.ownership = .busyMoreArrived
                state.connections[id] = slot
                return nil
            }
            slot.ownership = .busy
            state.connections[id] = slot
            state.waitingThreads -= 1
            return (slot.connection, !configuration.handlersBlockOnlyThroughWriter && state.waitingThreads == 0)
        }
        guard let result else { return nil }
        // Keep one thread waiting, so a handler that blocks never holds up other connections. With
        // cooperative handlers the connection asks for one only when its handler is about to block.
        if result.needsThread { startServingThread(context: context) }
        return result.connection
    }

    /// Serves a claimed connection until it has nothing more to read, then parks or forgets it.
    private func serve(_ connection: HTTPServerConnection, id: Int, context: Context) {
        enum Next { case again, parked, closeIt, gone }
        while true {
            var outcome = connection.serveAvailable(hasSpareWaiter: !configuration.handlersBlockOnlyThroughWriter)
            if outcome == .idle && !context.isStopping {
                // Re-arm while still the owner: nobody else closes a busy connection's descriptor,
                // so the number cannot have been reused. An event from now on may reach another
                // thread before the slot says idle; `claim` then marks it and the loop goes again.
                do {
                    try Syscalls.rearmReadable(context.queue, fd: connection.socket.fd, token: UInt64(id))
                } catch {
                    outcome = connection.closeNow()
                }
            }
            let next: Next = state.withLock { state in
                let next: Next
                if var slot = state.connections[id] {
                    if outcome == .closed {
                        state.connections[id] = nil
                        next = .gone
                    } else if state.phase != .running {
                        // Stopping began while this thread served: `stop` skipped the busy slot.
                        state.connections[id] = nil
                        next = .closeIt
                    } else if slot.ownership == .busyMoreArrived {
                        slot.ownership = .busy
                        state.connections[id] = slot
                        return .again  // still this thread's
                    } else {
                        slot.ownership = .idle
                        slot.idleSince = MonotonicClock.now()
                        state.connections[id] = slot
                        next = .parked
                    }
                } else {
                    next = .gone
                }
                state.waitingThreads += 1
                return next
            }
            switch next {
            case .again:
                continue
            case .parked, .gone:
                return
            case .closeIt:
                _ = connection.closeNow()
                return
            }
        }
    }

    /// Exits the calling thread's loop if another thread is waiting too.
    private func retireIfSpare() -> Bool {
        state.withLock { state in
            guard state.waitingThreads > 1 else { return false }
            state.waitingThreads -= 1
            state.liveThreads -= 1
            return true
        }
    }

    /// Closes connections parked longer than the idle timeout; runs at most once per `interval`.
    private func closeIdleConnections(now: UInt64, interval: UInt64) {
        let timeout = UInt64(max(0, configuration.idleTimeout.nanoseconds))
        let expired: [HTTPServerConnection] = state.withLock { state in
            guard now >= state.nextIdleSweep else { return [] }
            state.nextIdleSweep = now &+ interval
            var expired: [HTTPServerConnection] = []
            // `idleSince` may be later than `now` (set by another thread meanwhile): not expired.
            for (id, slot) in state.connections
            where slot.ownership == .idle && now > slot.idleSince && now - slot.idleSince >= timeout {
                expired.append(slot.connection)
                state.connections[id] = nil
            }
            return expired
        }
        for connection in expired { _ = connection.closeNow() }
    }

    /// How often idle connections are checked: a quarter of the idle timeout, 10 ms to 1 s.
    private static func sweepInterval(for idleTimeout: Duration) -> UInt64 {
        let quarter = UInt64(max(0, idleTimeout.nanoseconds)) / 4
        return min(max(quarter, 10_000_000), 1_000_000_000)
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
            let graceDuration = grace ?? configuration.shutdownGrace
            let deadline = MonotonicClock.now() &+ UInt64(max(0, graceDuration.nanoseconds))
            while state.withLock({ !$0.connections.isEmpty }) && MonotonicClock.now() < deadline { Self.nap() }
            if state.withLock({ !$0.connections.isEmpty }) {
                context.signalForce()
                let open = state.withLock { $0.connections.values.map(\.connection.socket) }
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
