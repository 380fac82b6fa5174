import HTTPWire

/// A TCP server for tests whose connections are scripted byte by byte, for behaviours an HTTP
/// server cannot show: a banner before any request (`SSH-2.0-…`), accept-and-close,
/// accept-and-reset, reading the request and never answering.
///
/// ```swift
/// let server = try RawTestServer { socket in
///     try socket.writeAll(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))
/// }
/// defer { server.stop() }
/// // connect to 127.0.0.1:server.port
/// ```
///
/// Each connection runs `script` on its own thread with a blocking-style ``Socket``; the socket
/// is closed when the script returns (unless it already closed or reset it). Helpers:
/// ``readRequestHead(from:timeout:)`` reads up to the end of an HTTP head.
///
/// `@unchecked Sendable`: all mutable state is in `state`, a ``LockedValue``.
public final class RawTestServer: @unchecked Sendable {
    /// The listening address (`127.0.0.1:PORT` or `[::1]:PORT`).
    public let address: SocketAddress
    /// The listening port.
    public var port: UInt16 { address.port }
    /// `http://127.0.0.1:PORT` (or `[::1]`).
    public var baseURL: String { "http://\(address.urlHost):\(address.port)" }

    private let listener: Socket
    private let wake: (read: Int32, write: Int32)
    private let script: @Sendable (Socket) throws -> Void
    private let state = LockedValue((open: [Int: Socket](), nextID: 0, threads: 0, accepted: 0, stopped: false))

    /// Starts listening on `host` (an IP literal, default `127.0.0.1`), port 0.
    public init(host: String = "127.0.0.1", script: @escaping @Sendable (Socket) throws -> Void) throws {
        guard let bindAddress = SocketAddress(ipAddress: host, port: 0) else {
            throw SocketError(code: .addressNotAvailable, errno: 0, syscall: "bind", message: "not an IP literal: \(host)")
        }
        self.script = script
        listener = try Socket(family: bindAddress.family)
        try Syscalls.setReuseAddress(listener.fd)
        try Syscalls.bindSocket(listener.fd, to: bindAddress)
        try Syscalls.listenSocket(listener.fd, backlog: 64)
        address = try Syscalls.localAddress(listener.fd) ?? bindAddress
        wake = try Syscalls.makePipe()
        state.withLock { $0.threads += 1 }
        try Syscalls.spawnDetachedThread(name: "raw-test-acc") { [self] in acceptLoop() }
    }

    /// How many connections were accepted so far.
    public var acceptedCount: Int { state.withLock { $0.accepted } }

    private func acceptLoop() {
        var entries = [
            Syscalls.PollEntry(fd: listener.fd, events: .readable), Syscalls.PollEntry(fd: wake.read, events: .readable),
        ]
        while true {
            guard (try? Syscalls.pollEntries(&entries, timeoutMilliseconds: -1)) != nil else { break }
            if !entries[1].returnedEvents.isEmpty { break }
            while let accepted = try? Syscalls.acceptConnection(listener.fd) {
                let socket = Socket(adoptingDescriptor: accepted.fd, family: address.family)
                let id: Int? = state.withLock { state in
                    guard !state.stopped else { return nil }
                    state.nextID += 1
                    state.accepted += 1
                    state.open[state.nextID] = socket
                    state.threads += 1
                    return state.nextID
                }
                guard let id else {
                    socket.close()
                    continue
                }
                let script = self.script
                do {
                    try Syscalls.spawnDetachedThread(name: "raw-test-conn") { [self] in
                        try? script(socket)
                        socket.close()
                        state.withLock {
                            $0.open[id] = nil
                            $0.threads -= 1
                        }
                    }
                } catch {
                    socket.close()
                    state.withLock {
                        $0.open[id] = nil
                        $0.threads -= 1
                    }
                }
            }
        }
        listener.close()
        state.withLock { $0.threads -= 1 }
    }

    /// Stops accepting, shuts every open connection and waits (≤ 5 s) for the script threads.
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        let byte: [UInt8] = [1]
        _ = byte.withUnsafeBytes { try? Syscalls.writeBytes(wake.write, $0) }
        let deadline = MonotonicClock.now() &+ 5_000_000_000
        while MonotonicClock.now() < deadline {
            let (threads, open) = state.withLock { ($0.threads, Array($0.open.values)) }
            if threads == 0 { break }
            for socket in open { socket.shutdown() }
            Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ 1_000_000)
        }
        if state.withLock({ $0.threads == 0 }) {
            Syscalls.closeDescriptor(wake.read)
            Syscalls.closeDescriptor(wake.write)
        }
    }

    deinit { stop() }

    // MARK: - Script helpers

    /// Reads until the end of an HTTP head (`\r\n\r\n`), end of file or `timeout`; returns what arrived.
    public static func readRequestHead(from socket: Socket, timeout: Duration = .seconds(5)) -> [UInt8] {
        var received: [UInt8] = []
        let terminator: [UInt8] = [13, 10, 13, 10]
        while received.count < 1 << 20 {
            guard let bytes = try? socket.readSome(max: 16 * 1024, timeout: timeout), !bytes.isEmpty else { break }
            received += bytes
            if received.count >= 4 && received.indices.dropLast(3).contains(where: { received[$0..<$0 + 4].elementsEqual(terminator) }) {
                break
            }
        }
        return received
    }
}

/// A listener whose accept queue is full and never drained, so new connections time out
/// (SYNs are dropped): the way to test connect timeouts on loopback.
///
/// - Note: Relies on Linux dropping SYNs to a full accept queue; check ``isSaturated``.
public final class BlackHoleListener: @unchecked Sendable {
    public let address: SocketAddress
    public var port: UInt16 { address.port }
    private let listener: Socket
    private let fillers: [Socket]

    public init() throws {
        listener = try Socket(family: .ipv4)
        try Syscalls.bindSocket(listener.fd, to: .loopbackIPv4(port: 0))
        try Syscalls.listenSocket(listener.fd, backlog: 0)
        address = try Syscalls.localAddress(listener.fd) ?? .loopbackIPv4(port: 0)
        var fillers: [Socket] = []
        for _ in 0..<4 {
            let filler = try Socket(family: .ipv4)
            _ = try Syscalls.startConnect(filler.fd, to: address)
            fillers.append(filler)
        }
        self.fillers = fillers
        Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ 30_000_000)
    }

    /// Whether a probe connect is indeed left hanging (true on Linux).
    public var isSaturated: Bool {
        guard let probe = try? Socket(family: .ipv4) else { return false }
        defer { probe.close() }
        guard (try? Syscalls.startConnect(probe.fd, to: address)) == false else { return false }
        return (try? probe.waitWritable(timeout: .milliseconds(100))) == false
    }

    public func close() {
        for filler in fillers { filler.close() }
        listener.close()
    }

    deinit { close() }
}
