extension HTTPServer {
    /// How long a serving thread waits for work before exiting (while another thread waits too).
    static let idleWorkerLifetime = Duration.seconds(5)

    /// How long a serving thread backs off when waiting on the readiness queue fails.
    static let queueErrorBackoff = Duration.milliseconds(1)

    /// Starts a serving thread if none is waiting for ready connections.
    func ensureWaitingThread() {
        let context: Context? = state.withLock { state in
            state.waitingThreads == 0 ? state.lifecycle.runningContext : nil
        }
        if let context { startServingThread(context: context) }
    }

    /// Starts one more serving thread, counted as waiting from now on.
    func startServingThread(context: Context) {
        let number: Int? = state.withLock { state in
            guard state.lifecycle.isRunning else { return nil }
            state.servingThreads += 1
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
            state.withLockBroadcasting {
                $0.servingThreads -= 1
                $0.waitingThreads -= 1
            }
        }
    }

    /// Waits for a ready connection, serves it, and repeats; exits when the server stops or after
    /// ``idleWorkerLifetime`` without work while another thread is waiting.
    private func servingLoop(context: Context) {
        let sweepInterval = Self.sweepInterval(for: configuration.idleTimeout)
        let waitMilliseconds = Int32(clamping: sweepInterval.nanoseconds / 1_000_000)
        var lastWork = MonotonicInstant.now()
        while !context.isStopping {
            let token: UInt64?
            do {
                token = try Syscalls.waitForReadiness(context.queue, timeoutMilliseconds: waitMilliseconds)
            } catch {
                (MonotonicInstant.now() + Self.queueErrorBackoff).sleepUntil()
                continue
            }
            if context.isStopping { break }
            let now = MonotonicInstant.now()
            closeIdleConnections(now: now, interval: sweepInterval)
            guard let token, token != Context.stopToken else {
                if lastWork.duration(to: now) >= Self.idleWorkerLifetime && retireIfSpare() { return }
                continue
            }
            guard let claimed = claim(id: Int(truncatingIfNeeded: token), context: context) else { continue }
            serve(claimed, id: Int(truncatingIfNeeded: token), context: context)
            lastWork = .now()
        }
        state.withLockBroadcasting {
            $0.waitingThreads -= 1
            $0.servingThreads -= 1
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

    /// What a serving thread does with a connection after serving what it could read.
    private enum Next { case again, parked, closeIt, gone }

    /// Serves a claimed connection until it has nothing more to read, then parks or forgets it.
    private func serve(_ connection: HTTPServerConnection, id: Int, context: Context) {
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
            let (next, isStopping): (Next, Bool) = state.withLock { state in
                let next = Self.park(id: id, outcome: outcome, in: &state)
                if next != .again { state.waitingThreads += 1 }
                return (next, !state.lifecycle.isRunning)
            }
            // A stopping server waits for the last connections to go.
            if isStopping && (next == .gone || next == .closeIt) { state.withLockBroadcasting { _ in } }
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

    /// The slot transition after a thread served a connection (under the lock).
    private static func park(id: Int, outcome: HTTPServerConnection.Outcome, in state: inout State) -> Next {
        guard var slot = state.connections[id] else { return .gone }
        if outcome == .closed {
            state.connections[id] = nil
            return .gone
        }
        if !state.lifecycle.isRunning {
            // Stopping began while this thread served: `stop` skipped the busy slot.
            state.connections[id] = nil
            return .closeIt
        }
        if slot.ownership == .busyMoreArrived {
            slot.ownership = .busy
            state.connections[id] = slot
            return .again  // still this thread's
        }
        slot.ownership = .idle
        slot.idleSince = .now()
        state.connections[id] = slot
        return .parked
    }

    /// Exits the calling thread's loop if another thread is waiting too.
    private func retireIfSpare() -> Bool {
        state.withLockBroadcasting { state in
            guard state.waitingThreads > 1 else { return false }
            state.waitingThreads -= 1
            state.servingThreads -= 1
            return true
        }
    }

    /// Closes connections parked longer than the idle timeout; runs at most once per `interval`.
    private func closeIdleConnections(now: MonotonicInstant, interval: Duration) {
        let expired: [HTTPServerConnection] = state.withLock { state in
            guard now >= state.nextIdleSweep else { return [] }
            state.nextIdleSweep = now + interval
            // Parked at or before `cutoff` means idle for the whole timeout (instants compared, once per sweep).
            let cutoff = now - max(.zero, configuration.idleTimeout)
            var expired: [HTTPServerConnection] = []
            // `idleSince` may be later than `now` (set by another thread meanwhile): not expired.
            for (id, slot) in state.connections
            where slot.ownership == .idle && now > slot.idleSince && slot.idleSince <= cutoff {
                expired.append(slot.connection)
                state.connections[id] = nil
            }
            return expired
        }
        for connection in expired { _ = connection.closeNow() }
    }

    /// How often idle connections are checked: a quarter of the idle timeout, 10 ms to 1 s.
    private static func sweepInterval(for idleTimeout: Duration) -> Duration {
        min(max(idleTimeout / 4, .milliseconds(10)), .seconds(1))
    }
}
