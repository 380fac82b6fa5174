import Foundation
import HTTPWire

// MARK: - RawHTTPExchange

/// One HTTP/1.1 request on its own connection (`Connection: close`), read incrementally.
///
/// Minimal on purpose: the misbehaving client needs exact control (when to stop reading, when to close)
/// rather than a full client. Responses are read through ``HTTPResponseParser``, the code base's one parser. Blocking: call it from a dedicated thread (``runOnDedicatedThread(name:_:)``).
/// ``cancel()`` may be called from any thread; it shuts the socket down so a blocked read returns at once.
final class RawHTTPExchange: @unchecked Sendable {
    // @unchecked: `socket` is set once by the I/O thread under `lock`; `cancelled` is guarded by `lock`.
    private let lock = Lock()
    private var socket: Socket?
    private var cancelled = false

    struct Head {
        var status: Int
        var headers: HTTPHeaders
    }

    enum Failure: Error {
        case connect(String)
        case timeout(String)
        case closed(String)
        case reset(String)
        case protocolError(String)
        case cancelled
    }

    /// Response framing and decoding: the code base's one response parser.
    private var parser = HTTPResponseParser()
    private var head: Head?
    private var pendingBody: [UInt8] = []
    private(set) var bodyComplete = false
    /// Whether the body's framing was broken (a chunk size line that does not parse); the body then ends there.
    private(set) var bodyBroken = false

    func cancel() {
        let s: Socket? = lock.withLock {
            cancelled = true
            return socket
        }
        s?.shutdown()
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Connects and sends the request.
    @available(*, noasync)
    func send(host: String, port: UInt16, method: String, path: String, headers: HTTPHeaders, body: [UInt8], connectTimeout: Duration) throws(Failure) {
        guard let address = SocketAddress(ipAddress: host, port: port) else { throw .connect("bad address \(host)") }
        let s: Socket
        do {
            s = try Socket.connect(to: address, timeout: connectTimeout)
        } catch {
            throw .connect("\(error)")
        }
        let wasCancelled: Bool = lock.withLock {
            socket = s
            return cancelled
        }
        if wasCancelled { s.close(); throw .cancelled }
        parser = HTTPResponseParser(requestMethod: HTTPMethod(rawValue: method))
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for field in headers { text += "\(field.name): \(field.value)\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.count)\r\n" }
        text += "Connection: close\r\n\r\n"
        do {
            try s.writeAll(Array(text.utf8) + body, timeout: connectTimeout)
        } catch {
            throw .closed("\(error)")
        }
    }

    /// Reads the response head, waiting at most `timeout`.
    @available(*, noasync)
    func readHead(timeout: Duration) throws(Failure) -> Head {
        let deadline = MonotonicInstant.now() + timeout
        while true {
            if let head { return head }
            let left = deadline.remaining
            guard left > .zero else { throw .timeout("no response head within \(timeout.milliseconds) ms") }
            let bytes = try readRaw(timeout: left)
            if bytes.isEmpty { throw .closed("connection closed before the response head") }
            try feed(bytes)
        }
    }

    /// Next decoded body bytes; empty when the body is complete. `nil` timeout waits without limit.
    @available(*, noasync)
    func readBody(timeout: Duration?) throws(Failure) -> [UInt8] {
        while true {
            if !pendingBody.isEmpty || bodyComplete {
                defer { pendingBody.removeAll() }
                return pendingBody
            }
            let bytes = try readRaw(timeout: timeout)
            if bytes.isEmpty {
                do {
                    try handle(parser.finish())
                } catch {
                    throw .closed("connection closed before the body was complete (\(error.message))")
                }
                continue
            }
            try feed(bytes)
        }
    }

    /// Reads the whole remaining body (capped at 1 MiB).
    @available(*, noasync)
    func readAll(timeout: Duration?) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < 1 << 20 {
            let piece = try readBody(timeout: timeout)
            if piece.isEmpty { break }
            out += piece
        }
        return out
    }

    func close() {
        let s: Socket? = lock.withLock { socket }
        s?.shutdown()
        s?.close()
    }

    // MARK: - Internals

    @available(*, noasync)
    private func readRaw(timeout: Duration?) throws(Failure) -> [UInt8] {
        guard let s = lock.withLock({ socket }) else { throw .cancelled }
        do {
            let bytes = try s.readSome(max: 16 * 1024, timeout: timeout)
            if bytes.isEmpty, isCancelled { throw Failure.cancelled }
            return bytes
        } catch let error as SocketError {
            if isCancelled { throw .cancelled }
            switch error.code {
            case .timedOut: throw .timeout("no data for \(timeout.map { String(format2: $0.milliseconds) } ?? "?") ms")
            case .connectionReset: throw .reset("connection reset by peer")
            default: throw .closed("\(error)")
            }
        } catch let error as Failure {
            throw error
        } catch {
            throw .closed("\(error)")
        }
    }

    /// Parses received bytes; a broken chunk size line ends the usable body (``bodyBroken``).
    private func feed(_ bytes: [UInt8]) throws(Failure) {
        do {
            try handle(parser.consume(bytes))
        } catch {
            guard head != nil, error.code == .malformedChunk else { throw .protocolError(error.message) }
            bodyBroken = true
            bodyComplete = true
        }
    }

    private func handle(_ events: [HTTPResponseParser.Event]) {
        for event in events {
            switch event {
            case .informational: break
            case .head(let h): head = Head(status: h.status.code, headers: h.headers)
            case .body(let bytes): pendingBody += bytes
            case .end: bodyComplete = true
            }
        }
    }
}
