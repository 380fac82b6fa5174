import HTTPWire

/// A client socket for tests that sends arbitrary bytes and records exactly what comes back
/// and how the connection ended.
///
/// All methods are async and run their blocking socket calls on a dedicated thread.
///
/// ```swift
/// let connection = try await RawTestConnection.connect(port: server.port)
/// try await connection.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
/// let transcript = await connection.readUntilClose()
/// #expect(transcript.ending == .eof)
/// let response = try RawHTTPResponse.parse(transcript.bytes)
/// ```
public final class RawTestConnection: Sendable {
    /// How the read loop ended.
    public enum Ending: Sendable, Equatable, CustomStringConvertible {
        /// The peer closed cleanly (FIN: `recv` returned 0).
        case eof
        /// The peer reset the connection (`ECONNRESET`).
        case reset
        /// Nothing more arrived within the timeout; the connection is still open.
        case timeout
        /// Enough bytes arrived (only from reads with a byte target).
        case satisfied
        /// Another socket error.
        case error(String)

        public var description: String {
            switch self {
            case .eof: "eof"
            case .reset: "reset"
            case .timeout: "timeout"
            case .satisfied: "satisfied"
            case .error(let text): "error(\(text))"
            }
        }
    }

    /// One `recv` result with its monotonic timestamp (ns).
    public struct Read: Sendable {
        public var bytes: [UInt8]
        public var at: UInt64
    }

    /// Everything read and how it ended.
    public struct Transcript: Sendable {
        public var reads: [Read]
        public var ending: Ending
        /// All bytes, concatenated.
        public var bytes: [UInt8] { reads.flatMap(\.bytes) }
        /// The bytes as UTF-8 text (lossy).
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The underlying socket (for tests that need `shutdown` or options).
    public let socket: Socket
    /// When the connection was established (monotonic ns).
    public let connectedAt: UInt64

    private init(socket: Socket) {
        self.socket = socket
        self.connectedAt = MonotonicClock.now()
    }

    deinit { socket.close() }

    /// Connects to `host:port` (`127.0.0.1` by default; `::1` or `[::1]` for IPv6).
    public static func connect(
        host: String = "127.0.0.1", port: UInt16, timeout: Duration = .seconds(5)
    ) async throws -> RawTestConnection {
        guard let address = SocketAddress(ipAddress: host, port: port) else {
            throw SocketError(code: .addressNotAvailable, errno: 0, syscall: "connect", message: "not an IP literal: \(host)")
        }
        return try await connect(to: address, timeout: timeout)
    }

    /// Connects to `address`.
    public static func connect(to address: SocketAddress, timeout: Duration = .seconds(5)) async throws -> RawTestConnection {
        try await runOnDedicatedThread(name: "raw-test-connect") {
            let socket = try Socket.connect(to: address, timeout: timeout)
            try? socket.setNoDelay(true)
            return RawTestConnection(socket: socket)
        }
    }

    /// Sends bytes.
    public func send(_ bytes: [UInt8]) async throws {
        let socket = self.socket
        try await runOnDedicatedThread(name: "raw-test-send") { try socket.writeAll(bytes, timeout: .seconds(10)) }
    }

    /// Sends UTF-8 text.
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Sends bytes in several writes with a pause between them (slow clients, split heads).
    public func send(pieces: [[UInt8]], pause: Duration) async throws {
        let socket = self.socket
        try await runOnDedicatedThread(name: "raw-test-send") {
            for (index, piece) in pieces.enumerated() {
                if index > 0 { Syscalls.sleepPrecisely(until: MonotonicClock.now() &+ UInt64(pause.nanoseconds)) }
                try socket.writeAll(piece, timeout: .seconds(10))
            }
        }
    }

    /// Reads until the peer closes or resets, or `timeout` passes with no new byte.
    public func readUntilClose(idleTimeout timeout: Duration = .seconds(5)) async -> Transcript {
        await read(idleTimeout: timeout) { _ in false }
    }

    /// Reads until at least `count` bytes arrived (or the connection ends / goes idle).
    public func read(atLeast count: Int, idleTimeout timeout: Duration = .seconds(5)) async -> Transcript {
        await read(idleTimeout: timeout) { $0.count >= count }
    }

    /// Reads one complete HTTP response (head plus body by its framing), or until the
    /// connection ends / goes idle. `isHeadRequest` marks a response without body.
    public func readResponse(idleTimeout timeout: Duration = .seconds(5), isHeadRequest: Bool = false) async -> Transcript {
        await read(idleTimeout: timeout) { bytes in
            RawHTTPResponse.completeLength(of: bytes, isHeadRequest: isHeadRequest) != nil
        }
    }

    /// Reads until `isComplete(bytesSoFar)` holds, the connection ends, or it is idle for `timeout`.
    public func read(idleTimeout timeout: Duration, until isComplete: @escaping @Sendable ([UInt8]) -> Bool) async -> Transcript {
        let socket = self.socket
        let result = try? await runOnDedicatedThread(name: "raw-test-read") { () -> Transcript in
            var reads: [Read] = []
            var all: [UInt8] = []
            while true {
                do {
                    let bytes = try socket.readSome(max: 64 * 1024, timeout: timeout)
                    if bytes.isEmpty { return Transcript(reads: reads, ending: .eof) }
                    reads.append(Read(bytes: bytes, at: MonotonicClock.now()))
                    all += bytes
                    if isComplete(all) { return Transcript(reads: reads, ending: .satisfied) }
                } catch let error as SocketError {
                    switch error.code {
                    case .timedOut: return Transcript(reads: reads, ending: .timeout)
                    case .connectionReset: return Transcript(reads: reads, ending: .reset)
                    default: return Transcript(reads: reads, ending: .error(error.description))
                    }
                } catch {
                    return Transcript(reads: reads, ending: .error("\(error)"))
                }
            }
        }
        return result ?? Transcript(reads: [], ending: .error("could not start a thread"))
    }

    /// Half-closes the sending side (the server sees end of file).
    public func shutdownWrite() { socket.shutdown(.write) }

    /// Closes the connection (FIN).
    public func close() { socket.close() }

    /// Aborts the connection with a TCP reset.
    public func reset() { socket.setLingerZeroAndClose() }
}
