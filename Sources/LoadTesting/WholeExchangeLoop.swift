import Dispatch
import HTTPWire
import ProviderClient

/// Non-streamed exchanges on kept-alive connections, driven from one readiness queue (epoll / kqueue, the
/// mock server's own mechanism) by a few loop threads instead of a blocked thread per connection.
///
/// A request is written by its caller with a non-blocking `send` (the connection is idle, so a request of
/// usual size fits the socket's buffer at once; the rest of a larger one is written on a Dispatch worker),
/// then the connection is armed on the queue (one-shot). The loop thread that hears it readable reads what
/// arrived, feeds the same ``ResponseReader`` as the connection threads, and rearms until the response
/// ended; then the connection goes back to the idle list and the job is completed, all without waking a
/// thread per request. New connections are opened by a ``PooledConnection`` thread (a blocking `connect`
/// stays off the cooperative pool and the loop), which hands its socket over after the first exchange.
///
/// Timeouts (headers, idle, total) are the request's own: a loop thread scans the exchanges in flight
/// every ``scanInterval`` and shuts the socket of one past its deadline, so the owner of the next event
/// ends it with the timeout's error. A timeout fires up to one scan interval late. Cancelling a job shuts
/// its socket the same way.
final class WholeExchangeLoop: Sendable {
    /// One kept-alive connection the loop owns.
    final class Connection: Sendable {
        let socket: Socket
        let host: String
        let port: UInt16
        let token: UInt64
        let remote: String
        /// The exchange in flight; nil while the connection is idle.
        let exchange = LockedValue<Exchange?>(nil)
        /// Whether the socket is on the queue yet (it is added at its first exchange, not while idle: an
        /// armed idle socket could be reported to a second loop thread while a caller arms it again).
        let isWatched = LockedValue(false)

        init(socket: Socket, host: String, port: UInt16, token: UInt64) {
            (self.socket, self.host, self.port, self.token) = (socket, host, port, token)
            remote = "\(host):\(port)"
        }
    }

    /// What the loop knows of an exchange in flight.
    struct Exchange {
        let job: PooledConnection.Job
        var reader: ResponseReader
        let written: MonotonicInstant
        var lastRead: MonotonicInstant
        let total: MonotonicInstant?
        /// Set by the scan when a deadline passed (the socket is then shut).
        var timedOut = false

        var deadline: MonotonicInstant? { reader.deadline(job.request.timeouts, written: written, lastRead: lastRead, total: total) }
    }

    /// How often the exchanges in flight are checked against their deadlines.
    static let scanInterval: Duration = .milliseconds(10)
    private static let stopToken: UInt64 = 0

    private let queue: Int32
    private let stopPipe: (read: Int32, write: Int32)
    /// Every connection the loop owns, by queue token.
    private let connections = LockedValue<[UInt64: Connection]>([:])
    private let idle = LockedValue<[Connection]>([])
    private let counters = LockedValue((nextToken: UInt64(1), nextScan: MonotonicInstant(nanoseconds: 0), stopped: false))

    private init(queue: Int32, stopPipe: (read: Int32, write: Int32)) {
        self.queue = queue
        self.stopPipe = stopPipe
    }

    /// Opens the queue and starts `threads` loop threads; ``stop()`` ends them.
    static func start(threads: Int) throws -> WholeExchangeLoop {
        let queue = try Syscalls.makeReadinessQueue()
        let pipe: (read: Int32, write: Int32)
        do {
            pipe = try Syscalls.makePipe()
        } catch {
            Syscalls.closeDescriptor(queue)
            throw error
        }
        let loop = WholeExchangeLoop(queue: queue, stopPipe: pipe)
        do {
            try Syscalls.watchReadable(queue, fd: pipe.read, token: stopToken, trigger: .level)
            for _ in 0..<max(1, threads) {
                try Syscalls.spawnDetachedThread(name: "llmcheck-load-loop") { loop.run() }
            }
        } catch {
            loop.stop()
            throw error
        }
        return loop
    }

    deinit {
        for fd in [queue, stopPipe.read, stopPipe.write] { Syscalls.closeDescriptor(fd) }
    }

    /// Ends the loop threads; exchanges still in flight fail as cancelled and every connection is closed.
    func stop() {
        counters.withLock { $0.stopped = true }
        let byte: [UInt8] = [1]
        _ = byte.withUnsafeBytes { try? Syscalls.writeBytes(stopPipe.write, $0) }
        let all = connections.withLock { map in
            defer { map.removeAll() }
            return Array(map.values)
        }
        idle.withLock { $0.removeAll() }
        for connection in all {
            let job = connection.exchange.withLock { e in
                defer { e = nil }
                return e?.job
            }
            connection.socket.close()
            job?.fail(TransportError(.cancelled, "the request was cancelled"))
        }
    }

    /// Runs `job` on an idle connection to its host, or on a new one.
    func submit(_ job: PooledConnection.Job) {
        let request = job.request
        let reused = idle.withLock { pool -> Connection? in
            guard let index = pool.lastIndex(where: { $0.host == request.host && $0.port == request.port }) else { return nil }
            return pool.remove(at: index)
        }
        if let reused {
            exchange(job, on: reused)
        } else {
            startFresh(job)
        }
    }

    /// Runs `job` on a new connection thread that hands its socket to the loop after a reusable response.
    private func startFresh(_ job: PooledConnection.Job) {
        let request = job.request
        do {
            try PooledConnection.start(host: request.host, port: request.port, first: job, checkIn: { _ in false }) { [weak self] socket in
                self?.adopt(socket, host: request.host, port: request.port) ?? false
            }
        } catch {
            job.fail(TransportError(.other, "could not start a client thread: \(error)"))
        }
    }

    /// Takes over an open, idle connection; false when the loop is stopped or the queue refuses it.
    private func adopt(_ socket: Socket, host: String, port: UInt16) -> Bool {
        let token = counters.withLock { c -> UInt64? in
            guard !c.stopped else { return nil }
            defer { c.nextToken += 1 }
            return c.nextToken
        }
        guard let token else { return false }
        let connection = Connection(socket: socket, host: host, port: port, token: token)
        connections.withLock { $0[token] = connection }
        idle.withLock { $0.append(connection) }
        return true
    }

    /// Writes `job`'s request on `connection` (idle, owned by the caller) and arms it.
    private func exchange(_ job: PooledConnection.Job, on connection: Connection) {
        let request = job.request
        let started = MonotonicInstant.now()
        guard job.bind(connection.socket) else {
            idle.withLock { $0.append(connection) }
            job.fail(TransportError(.cancelled, "the request was cancelled"))
            return
        }
        job.report(.connected(at: started, remoteAddress: connection.remote))
        let bytes = ResponseReader.requestBytes(request)
        var offset = 0
        do {
            while offset < bytes.count {
                let sent = try bytes.withUnsafeBytes { raw in
                    try Syscalls.sendBytes(connection.socket.fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
                guard let sent else { break }
                offset += sent
            }
        } catch {
            end(connection, job: job, outcome: ResponseReader(method: request.method).failure(error, for: job))
            return
        }
        let total = request.timeouts.total.map { started + $0 }
        guard offset < bytes.count else {
            arm(connection, job: job, total: total)
            return
        }
        // The socket's buffer is full: the rest is written where blocking is allowed.
        let rest = Array(bytes[offset...])
        DispatchQueue.global().async { [self] in
            do {
                try connection.socket.writeAll(rest, timeout: request.timeouts.headers)
            } catch {
                end(connection, job: job, outcome: ResponseReader(method: request.method).failure(error, for: job))
                return
            }
            arm(connection, job: job, total: total)
        }
    }

    private func arm(_ connection: Connection, job: PooledConnection.Job, total: MonotonicInstant?) {
        let written = MonotonicInstant.now()
        connection.exchange.withLock {
            $0 = Exchange(job: job, reader: ResponseReader(method: job.request.method), written: written, lastRead: written, total: total)
        }
        let isFirst = connection.isWatched.withLock { watched in
            defer { watched = true }
            return !watched
        }
        do {
            if isFirst {
                try Syscalls.watchReadable(queue, fd: connection.socket.fd, token: connection.token, trigger: .oneShot)
            } else {
                try Syscalls.rearmReadable(queue, fd: connection.socket.fd, token: connection.token)
            }
        } catch {
            connection.exchange.withLock { $0 = nil }
            end(connection, job: job, outcome: .failed(TransportError(.other, "cannot watch the connection: \(error)")))
        }
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let tick = Int32(Self.scanInterval.milliseconds)
        while true {
            let token: UInt64?
            do {
                token = try Syscalls.waitForReadiness(queue, timeoutMilliseconds: tick)
            } catch {
                if counters.withLock({ $0.stopped }) { return }
                continue
            }
            if token == Self.stopToken { return }
            if let token, let connection = connections.withLock({ $0[token] }) { serve(connection, buffer: &buffer) }
            scanIfDue()
        }
    }

    /// Handles one readiness event of `connection`: reads what arrived and feeds its exchange.
    private func serve(_ connection: Connection, buffer: inout [UInt8]) {
        var count: Int?
        var readError: (any Error)?
        do {
            count = try buffer.withUnsafeMutableBytes { try Syscalls.receiveBytes(connection.socket.fd, into: $0) }
        } catch {
            readError = error
        }
        let now = MonotonicInstant.now()
        let (job, outcome) = buffer.withUnsafeBytes { raw in
            connection.exchange.withLock { slot -> (PooledConnection.Job?, ExchangeOutcome?) in
                guard var e = slot else { return (nil, nil) }
                // Out of the slot while it is fed: with a second reference the parser's and reader's buffers
                // would be copied on their first write (copy-on-write) at every read event.
                slot = nil
                let outcome: ExchangeOutcome?
                if e.timedOut {
                    outcome = .failed(e.reader.timeoutError(e.job.request.timeouts, total: e.total))
                } else if e.job.isCancelled {
                    outcome = .failed(TransportError(.cancelled, "the request was cancelled", receivedResponseBytes: e.reader.receivedAny))
                } else if let readError {
                    outcome = e.reader.failure(readError, for: e.job)
                } else if let count {
                    outcome = e.reader.consume(UnsafeRawBufferPointer(rebasing: raw[0..<count]), at: now, for: e.job)
                    e.lastRead = now
                } else {
                    outcome = nil  // nothing after all: wait again
                }
                slot = outcome == nil ? e : nil
                return (e.job, outcome)
            }
        }
        guard let job else {
            // No exchange in flight (idle sockets are not armed, so this is not expected): a connection that is
            // idle is dropped; one a caller took meanwhile is left to it (its arming reports the same again).
            if idle.withLock({ pool in pool.firstIndex { $0 === connection }.map { pool.remove(at: $0) } }) != nil { close(connection) }
            return
        }
        guard let outcome else {
            do {
                try Syscalls.rearmReadable(queue, fd: connection.socket.fd, token: connection.token)
            } catch {
                connection.exchange.withLock { $0 = nil }
                end(connection, job: job, outcome: .failed(TransportError(.other, "cannot watch the connection: \(error)")))
            }
            return
        }
        end(connection, job: job, outcome: outcome)
    }

    /// Ends `job`'s exchange on `connection` (no longer in flight): pools or closes the connection, then
    /// completes or fails the job; a reused connection found closed gives the job one fresh connection.
    private func end(_ connection: Connection, job: PooledConnection.Job, outcome: ExchangeOutcome) {
        switch outcome {
        case .complete(let keepAlive, let at):
            if keepAlive && !counters.withLock({ $0.stopped }) {
                idle.withLock { $0.append(connection) }  // back before the caller learns the response ended
            } else {
                close(connection)
            }
            job.complete(at: at)
        case .staleConnection:
            close(connection)
            startFresh(job)
        case .failed(let error):
            close(connection)
            job.fail(error)
        }
    }

    private func close(_ connection: Connection) {
        connections.withLock { $0[connection.token] = nil }
        connection.socket.close()
    }

    /// At most once per ``scanInterval``: shuts the sockets of exchanges past their deadline.
    private func scanIfDue() {
        let now = MonotonicInstant.now()
        let due = counters.withLock { c -> Bool in
            guard now >= c.nextScan else { return false }
            c.nextScan = now + Self.scanInterval
            return true
        }
        guard due else { return }
        for connection in connections.withLock({ Array($0.values) }) {
            let expired = connection.exchange.withLock { slot -> Bool in
                guard var e = slot, !e.timedOut, let deadline = e.deadline, now >= deadline else { return false }
                e.timedOut = true
                slot = e
                return true
            }
            if expired { connection.socket.shutdown() }
        }
    }
}
