import Foundation
import HTTPWire

/// One TCP connect attempt and its outcome.
public struct ConnectAttempt: Sendable, Hashable {
    public var address: ProbeAddress
    public var port: UInt16
    public var outcome: Outcome
    public var elapsedMilliseconds: Double

    /// Payload-free classification of the attempt.
    public enum Outcome: Sendable, Hashable {
        case connected
        case refused
        case timedOut
        case failed(errno: String, message: String)
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
        return "\(address.hostForURL):\(port) \(what) in \(Self.format(elapsedMilliseconds))"
    }

    static func format(_ ms: Double) -> String {
        ms < 10 ? String(format: "%.1f ms", ms) : ms < 10_000 ? String(format: "%.0f ms", ms) : String(format: "%.1f s", ms / 1000)
    }
}

/// Async wrappers over the blocking probes in `Syscalls`; every blocking call runs on its own
/// thread, never on the cooperative pool, and is bounded by a timeout.
enum ProbeNet {
    /// Runs `body` on a fresh thread and returns its result.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "llmcheck-diagnose-probe"
            thread.start()
        }
    }

    static func parseNumeric(_ text: String) -> ProbeAddress? { Syscalls.probeParseNumeric(text) }

    static func resolve(_ host: String) async -> Result<[ProbeAddress], ProbeResolveFailure> {
        if let literal = parseNumeric(host) { return .success([literal]) }
        return await onThread { Syscalls.probeResolve(host: host) }
    }

    /// Connects, then closes at once; only the outcome is kept.
    static func connectOnly(_ address: ProbeAddress, port: UInt16, timeout: Double) async -> ConnectAttempt {
        await onThread {
            let start = MonotonicClock.now()
            let raw = Syscalls.probeConnect(address, port: port, timeoutMilliseconds: Int(timeout * 1000))
            let elapsed = Double(MonotonicClock.now() - start) / 1e6
            if case .connected(let fd) = raw { Syscalls.probeClose(fd) }
            return ConnectAttempt(address: address, port: port, outcome: classify(raw), elapsedMilliseconds: elapsed)
        }
    }

    static func classify(_ raw: ProbeConnectOutcome) -> ConnectAttempt.Outcome {
        switch raw {
        case .connected: .connected
        case .refused: .refused
        case .timedOut: .timedOut
        case .failed(_, let name, let message): .failed(errno: name, message: message)
        }
    }

    /// Everything received on one connection after sending a request.
    struct Exchange: Sendable {
        var connect: ConnectAttempt
        /// Each read with its arrival time (ms since the request was sent).
        var reads: [(milliseconds: Double, bytes: [UInt8])]
        var end: ProbeReadEnd?
        var totalMilliseconds: Double

        var bytes: [UInt8] { reads.flatMap(\.bytes) }
        var firstByteMilliseconds: Double? { reads.first?.milliseconds }
    }

    /// Connects, sends `request`, and reads until `isComplete` says so, the peer closes,
    /// nothing arrives for `idleTimeout`, `totalTimeout` passes or `maximumBytes` arrive.
    static func exchange(
        _ address: ProbeAddress, port: UInt16, request: [UInt8], connectTimeout: Double, idleTimeout: Double,
        totalTimeout: Double, maximumBytes: Int = 1 << 20,
        isComplete: @escaping @Sendable ([UInt8]) -> Bool
    ) async -> Exchange {
        let box = DescriptorBox()
        return await withTaskCancellationHandler {
            await onThread {
                let start = MonotonicClock.now()
                let raw = Syscalls.probeConnect(address, port: port, timeoutMilliseconds: Int(connectTimeout * 1000))
                let connectMs = Double(MonotonicClock.now() - start) / 1e6
                let attempt = ConnectAttempt(address: address, port: port, outcome: classify(raw), elapsedMilliseconds: connectMs)
                guard case .connected(let fd) = raw else {
                    return Exchange(connect: attempt, reads: [], end: nil, totalMilliseconds: connectMs)
                }
                box.set(fd)
                defer { box.closeOnce() }
                let sent = MonotonicClock.now()
                func since() -> Double { Double(MonotonicClock.now() - sent) / 1e6 }
                guard Syscalls.probeWrite(fd, request) else {
                    return Exchange(connect: attempt, reads: [], end: .reset, totalMilliseconds: 0)
                }
                var reads: [(Double, [UInt8])] = []
                var all: [UInt8] = []
                var end: ProbeReadEnd?
                let deadline = sent &+ UInt64(totalTimeout * 1e9)
                while end == nil {
                    let now = MonotonicClock.now()
                    if now >= deadline || box.isCancelled {
                        end = .timedOut
                        break
                    }
                    let remaining = Double(deadline - now) / 1e6
                    let wait = Int(min(idleTimeout * 1000, remaining))
                    let (bytes, ended) = Syscalls.probeReadSome(fd, maximum: 65536, timeoutMilliseconds: wait)
                    if let ended {
                        end = ended
                        break
                    }
                    reads.append((since(), bytes))
                    all += bytes
                    if all.count >= maximumBytes { end = .limit } else if isComplete(all) { end = .complete }
                }
                return Exchange(connect: attempt, reads: reads, end: end, totalMilliseconds: since())
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// Holds a socket descriptor so that task cancellation can shut it down from another thread.
final class DescriptorBox: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var fd: Int32 = -1
    private var cancelled = false
    private var closed = false

    func set(_ fd: Int32) {
        let cancelNow = lock.withLock {
            self.fd = fd
            return cancelled
        }
        if cancelNow { Syscalls.probeShutdown(fd) }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Shuts the socket down, which wakes a blocked read. Done under the lock so the
    /// descriptor cannot be closed and reused in between.
    func cancel() {
        lock.withLock {
            cancelled = true
            if !closed, fd >= 0 { Syscalls.probeShutdown(fd) }
        }
    }

    func closeOnce() {
        lock.withLock {
            if !closed, fd >= 0 { Syscalls.probeClose(fd) }
            closed = true
        }
    }
}
