import Foundation
import HTTPWire

// MARK: - RawHTTPExchange

/// One HTTP/1.1 request on its own connection (`Connection: close`), read incrementally.
///
/// Minimal on purpose: the misbehaving client needs exact control (when to stop reading, when to close)
/// rather than a full client. Blocking: call it from a dedicated thread (``runOnDedicatedThread(name:_:)``).
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

    /// Body framing state.
    private enum Framing {
        case length(Int)
        case chunked
        case untilClose
    }

    private var buffer: [UInt8] = []
    private var framing: Framing = .untilClose
    private var chunkRemaining = 0
    private var chunkState = 0  // 0: size line, 1: data, 2: CRLF after data, 3: done
    private(set) var bodyComplete = false

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
        let deadline = MonotonicClock.now() + UInt64(timeout.nanoseconds)
        while true {
            if let end = Self.find([13, 10, 13, 10], in: buffer) {
                let headText = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(..<(end + 4))
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, let status = Int(parts[1]) else { throw .protocolError("bad status line '\(statusLine)'") }
                var headers = HTTPHeaders()
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingSpaces())
                }
                if headers.containsToken("chunked", in: "Transfer-Encoding") {
                    framing = .chunked
                } else if let length = headers["Content-Length"].flatMap({ Int($0) }) {
                    framing = .length(length)
                    if length == 0 { bodyComplete = true }
                } else {
                    framing = .untilClose
                }
                return Head(status: status, headers: headers)
            }
            let now = MonotonicClock.now()
            guard now < deadline else { throw .timeout("no response head within \(timeout.milliseconds) ms") }
            let bytes = try readRaw(timeout: .nanoseconds(Int64(deadline - now)))
            if bytes.isEmpty { throw .closed("connection closed before the response head") }
            buffer += bytes
        }
    }

    /// Next decoded body bytes; empty when the body is complete. `nil` timeout waits without limit.
    @available(*, noasync)
    func readBody(timeout: Duration?) throws(Failure) -> [UInt8] {
        while true {
            let decoded = decode()
            if !decoded.isEmpty || bodyComplete { return decoded }
            let bytes = try readRaw(timeout: timeout)
            if bytes.isEmpty {
                if case .untilClose = framing {
                    bodyComplete = true
                    return []
                }
                throw .closed("connection closed before the body was complete")
            }
            buffer += bytes
        }
    }

    /// Reads the whole remaining body (capped at 1 MiB).
    @available(*, noasync)
    func readAll(timeout: Duration?) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        while !bodyComplete, out.count < 1 << 20 {
            out += try readBody(timeout: timeout)
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

    private func decode() -> [UInt8] {
        switch framing {
        case .untilClose:
            defer { buffer.removeAll() }
            return buffer
        case .length(let remaining):
            let take = min(remaining, buffer.count)
            let out = Array(buffer[..<take])
            buffer.removeSubrange(..<take)
            framing = .length(remaining - take)
            if remaining - take == 0 { bodyComplete = true }
            return out
        case .chunked:
            var out: [UInt8] = []
            while true {
                switch chunkState {
                case 0:
                    guard let end = Self.find([13, 10], in: buffer) else { return out }
                    let line = String(decoding: buffer[..<end], as: UTF8.self)
                    let sizeText = line.split(separator: ";").first.map { String($0).trimmingSpaces() } ?? ""
                    buffer.removeSubrange(..<(end + 2))
                    guard let size = Int(sizeText, radix: 16) else {
                        // Broken chunked framing: treat as the end of the usable body.
                        framing = .length(0)
                        bodyBroken = true
                        return out
                    }
                    if size == 0 {
                        chunkState = 3
                        bodyComplete = true
                        return out
                    }
                    chunkRemaining = size
                    chunkState = 1
                case 1:
                    let take = min(chunkRemaining, buffer.count)
                    if take == 0 { return out }
                    out += buffer[..<take]
                    buffer.removeSubrange(..<take)
                    chunkRemaining -= take
                    if chunkRemaining == 0 { chunkState = 2 }
                case 2:
                    guard buffer.count >= 2 else { return out }
                    buffer.removeSubrange(..<2)
                    chunkState = 0
                default:
                    return out
                }
            }
        }
    }

    /// Whether chunked framing was broken (a size line that is not hexadecimal).
    private(set) var bodyBroken = false

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        outer: for i in 0...(haystack.count - needle.count) {
            for j in 0..<needle.count where haystack[i + j] != needle[j] { continue outer }
            return i
        }
        return nil
    }
}
