import Foundation
import HTTPWire

/// One TCP connect attempt and its outcome.
public struct ConnectAttempt: Sendable, Hashable {
    public var address: SocketAddress
    public var port: UInt16
    public var outcome: Outcome
    public var elapsedMilliseconds: Double

    /// Payload-free classification of the attempt.
    public enum Outcome: Sendable, Hashable {
        case connected
        case refused
        case timedOut
        case failed(errno: String, message: String)

        /// Classifies a failed connect from HTTPWire's ``SocketError``.
        init(_ error: SocketError) {
            switch error.code {
            case .connectionRefused: self = .refused
            case .timedOut: self = .timedOut
            default: self = .failed(errno: Syscalls.errnoName(error.errno), message: error.message)
            }
        }
    }

    public init(address: SocketAddress, port: UInt16, outcome: Outcome, elapsedMilliseconds: Double) {
        self.address = address.with(port: port)
        self.port = port
        self.outcome = outcome
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    /// `127.0.0.1:11434 refused (0.2 ms)`.
    public var summary: String {
        let what: String
        switch outcome {
        case .connected: what = "connected"
        case .refused: what = "refused (ECONNREFUSED)"
        case .timedOut: what = "timed out (no answer to SYN)"
        case .failed(let name, let message): what = "failed: \(name) \(message)"
        }
        return "\(address.urlHost):\(port) \(what) in \(Self.format(elapsedMilliseconds))"
    }

    /// The one duration format of diagnose's text: milliseconds below a second, seconds above
    /// (`0.4 ms`, `850 ms`, `1.50 s`, `12.0 s`), so timings and timeouts read alike.
    static func format(_ ms: Double) -> String {
        if ms < 10 { return String(format: "%.1f ms", ms) }
        if ms < 1000 { return String(format: "%.0f ms", ms) }
        return ms < 10_000 ? String(format: "%.2f s", ms / 1000) : String(format: "%.1f s", ms / 1000)
    }

    /// A timeout given in seconds, in the same format as measured durations.
    static func format(seconds: Double) -> String { format(seconds * 1000) }
}

/// Diagnose's evidence-keeping probes on HTTPWire's ``NameResolver`` and ``Socket``: every
/// blocking call runs on a dedicated thread (``runOnDedicatedThread(name:_:)``), never on the
/// cooperative pool, and is bounded by a timeout.
enum ProbeNet {
    /// How a bounded read ended.
    enum ReadEnd: String, Sendable, Hashable {
        /// The peer closed its side (FIN).
        case closed
        /// The peer reset the connection (`ECONNRESET`).
        case reset
        /// Nothing more arrived within the timeout.
        case timedOut
        /// The byte limit was reached.
        case limit
        /// The caller's completion test said the message is complete.
        case complete
        /// Another read error.
        case error
    }

    /// Runs `body` on a dedicated thread and returns its result.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        do {
            return try await runOnDedicatedThread(name: "llmcheck-diagnose-probe", body)
        } catch {
            return body()  // no thread could be spawned: run here rather than lose the check
        }
    }

    /// A numeric IPv4/IPv6 literal without brackets (`::1`, not `[::1]`); nil for names.
    static func parseNumeric(_ text: String) -> SocketAddress? {
        text.hasPrefix("[") ? nil : SocketAddress(ipAddress: text, port: 0)
    }

    /// Every address `host` resolves to (``NameResolver``); failures carry getaddrinfo's code.
    static func resolve(_ host: String, port: UInt16 = 0) async -> Result<[SocketAddress], SocketError> {
        if let literal = parseNumeric(host) { return .success([literal.with(port: port)]) }
        do {
            return .success(try await NameResolver.resolve(host: host, port: port))
        } catch let error as SocketError {
            return .failure(error)
        } catch {
            return .failure(SocketError(code: .nameResolutionFailed, errno: 0, syscall: "getaddrinfo", message: "\(error)", address: host))
        }
    }

    /// Connects to `address:port` (``Socket/connect(to:timeout:)``), timing the attempt.
    @available(*, noasync, message: "blocks the calling thread")
    private static func connect(_ address: SocketAddress, port: UInt16, timeout: Double) -> (Socket?, ConnectAttempt) {
        let start = MonotonicInstant.now()
        var socket: Socket?
        var outcome = ConnectAttempt.Outcome.connected
        do {
            socket = try Socket.connect(to: address.with(port: port), timeout: .nanoseconds(Int64(timeout * 1e9)))
        } catch let error as SocketError {
            outcome = .init(error)
        } catch {
            outcome = .failed(errno: "error", message: "\(error)")
        }
        let elapsed = start.elapsed.milliseconds
        return (socket, ConnectAttempt(address: address, port: port, outcome: outcome, elapsedMilliseconds: elapsed))
    }

    /// Connects, then closes at once; only the outcome is kept.
    static func connectOnly(_ address: SocketAddress, port: UInt16, timeout: Double) async -> ConnectAttempt {
        await onThread {
            let (socket, attempt) = connect(address, port: port, timeout: timeout)
            socket?.close()
            return attempt
        }
    }

    /// Everything received on one connection after sending a request.
    struct Exchange: Sendable {
        var connect: ConnectAttempt
        /// Each read with its arrival time (ms since the request was sent).
        var reads: [(milliseconds: Double, bytes: [UInt8])]
        var end: ReadEnd?
        var totalMilliseconds: Double

        var bytes: [UInt8] { reads.flatMap(\.bytes) }
        var firstByteMilliseconds: Double? { reads.first?.milliseconds }
    }

    /// Connects, sends `request` (HTTP or not, such as a TLS ClientHello), and reads raw bytes
    /// until `isComplete` says so, the peer closes, nothing arrives for `idleTimeout`,
    /// `totalTimeout` passes or `maximumBytes` arrive. Cancellation shuts the socket.
    static func exchange(
        _ address: SocketAddress, port: UInt16, request: [UInt8], connectTimeout: Double, idleTimeout: Double,
        totalTimeout: Double, maximumBytes: Int = 1 << 20,
        isComplete: @escaping @Sendable ([UInt8]) -> Bool
    ) async -> Exchange {
        let box = SocketBox()
        return await withTaskCancellationHandler {
            await onThread {
                let (connected, attempt) = connect(address, port: port, timeout: connectTimeout)
                guard let socket = connected else {
                    return Exchange(connect: attempt, reads: [], end: nil, totalMilliseconds: attempt.elapsedMilliseconds)
                }
                box.set(socket)
                defer { socket.close() }
                let sent = MonotonicInstant.now()
                func since() -> Double { sent.elapsed.milliseconds }
                do {
                    try socket.writeAll(request, timeout: .nanoseconds(Int64(idleTimeout * 1e9)))
                } catch {
                    return Exchange(connect: attempt, reads: [], end: .reset, totalMilliseconds: 0)
                }
                var reads: [(Double, [UInt8])] = []
                var all: [UInt8] = []
                var end: ReadEnd?
                let deadline = sent + .seconds(totalTimeout)
                while end == nil {
                    let now = MonotonicInstant.now()
                    if now >= deadline || box.isCancelled {
                        end = .timedOut
                        break
                    }
                    let wait = min(.seconds(idleTimeout), now.duration(to: deadline))
                    do {
                        let bytes = try socket.readSome(max: 65536, timeout: wait)
                        if bytes.isEmpty {
                            end = .closed
                            break
                        }
                        reads.append((since(), bytes))
                        all += bytes
                        if all.count >= maximumBytes { end = .limit } else if isComplete(all) { end = .complete }
                    } catch let error as SocketError {
                        end = error.code == .timedOut ? .timedOut : error.code == .connectionReset ? .reset : .error
                    } catch {
                        end = .error
                    }
                }
                return Exchange(connect: attempt, reads: reads, end: end, totalMilliseconds: since())
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// Holds the probe's socket so that task cancellation can shut it down from another thread
/// (``Socket/shutdown(_:)`` is safe against a concurrent close). State lives in HTTPWire's
/// ``LockedValue``, the project's one lock primitive.
final class SocketBox: Sendable {
    private let state = LockedValue<(socket: Socket?, cancelled: Bool)>((nil, false))

    func set(_ socket: Socket) {
        let cancelNow = state.withLock { state in
            state.socket = socket
            return state.cancelled
        }
        if cancelNow { socket.shutdown() }
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Shuts the socket down, which wakes a blocked read.
    func cancel() {
        let socket = state.withLock { state in
            state.cancelled = true
            return state.socket
        }
        socket?.shutdown()
    }
}
