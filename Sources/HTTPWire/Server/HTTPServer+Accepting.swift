extension HTTPServer {
    func bindListeners() throws -> ([Socket], [SocketAddress]) {
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

    /// How long the accept thread backs off after `poll` or `accept` fails (EMFILE, ENOBUFS…).
    static let acceptBackoff = Duration.milliseconds(10)

    func acceptLoop(listeners: [Socket], context: Context) {
        var entries = listeners.map { Syscalls.PollEntry(fd: $0.fd, events: .readable) }
        entries.append(Syscalls.PollEntry(fd: context.stopPipe, events: .readable))
        acceptLoop: while !context.isStopping {
            do {
                try Syscalls.pollEntries(&entries, timeoutMilliseconds: -1)
            } catch {
                (MonotonicInstant.now() + Self.acceptBackoff).sleepUntil()
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
                        (MonotonicInstant.now() + Self.acceptBackoff).sleepUntil()
                        break
                    }
                    guard let accepted else { break }
                    startConnection(fd: accepted.fd, peer: accepted.peer, family: listener.family, context: context)
                    if context.isStopping { break acceptLoop }
                }
            }
        }
        for listener in listeners { listener.close() }
        state.withLockBroadcasting {
            $0.listeners = []
            $0.acceptThreadRunning = false
        }
    }

    private func startConnection(fd: Int32, peer: SocketAddress?, family: SocketAddress.Family, context: Context) {
        let socket = Socket(adopting: fd, family: family)
        try? socket.setNoDelay(true)
        let now = MonotonicInstant.now()
        let registered: (id: Int, needsThread: Bool)? = state.withLock { state in
            guard state.lifecycle.isRunning else { return nil }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            let connection = HTTPServerConnection(socket: socket, id: id, peer: peer, context: context)
            state.connections[id] = Slot(connection: connection, idleSince: now)
            // With cooperative handlers a busy thread comes back for it; otherwise keep one waiting.
            return (
                id,
                state.servingThreads == 0 || (!configuration.handlersBlockOnlyThroughWriter && state.waitingThreads == 0)
            )
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
            state.withLockBroadcasting { _ = $0.connections.removeValue(forKey: registered.id) }
            socket.close()
        }
    }
}
