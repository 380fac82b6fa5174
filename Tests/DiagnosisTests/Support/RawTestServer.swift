import Foundation
import HTTPWire

/// A tiny loopback listener for staging things the mocks don't do: ports that accept and never
/// answer, TLS bytes, non-HTTP services, HTML pages, hand-written JSON errors, full backlogs.
final class RawTestServer: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `lock`.
    /// What to do with the connection once the handler returned. The server alone closes
    /// connection descriptors (a handler closing one could let `stop()` touch a reused number).
    enum Disposition: Sendable { case close, hold }
    typealias Handler = @Sendable (_ fd: Int32, _ request: [UInt8]) -> Disposition

    let port: UInt16
    let address: ProbeAddress
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// Listens on `host` (port 0) and runs `handler` for each connection after reading the request head
    /// (or whatever arrived within 1 s). `accepting: false` never accepts (with backlog 0 the
    /// queue fills and later connects time out).
    init(host: String = "127.0.0.1", port: UInt16 = 0, backlog0: Bool = false, accepting: Bool = true, handler: @escaping Handler) throws {
        guard let address = Syscalls.probeParseNumeric(host), let (fd, bound) = Syscalls.probeListen(address, port: port) else {
            throw POSIXError(.EADDRINUSE)
        }
        self.address = address
        self.listener = fd
        self.port = bound
        if backlog0 { Syscalls.probeRelisten(fd, backlog: 0) }
        guard accepting else {
            done.signal()
            return
        }
        let thread = Thread { [self] in
            while !isStopped {
                guard let client = Syscalls.probeAccept(fd, timeoutMilliseconds: 50) else { continue }
                let connection = Thread { [self] in
                    var request: [UInt8] = []
                    while request.count < 65536 {
                        let (bytes, end) = Syscalls.probeReadSome(client, maximum: 65536, timeoutMilliseconds: 1000)
                        if end != nil { break }
                        request += bytes
                        if let head = RawTestServer.headEnd(request) {
                            // Wait for a Content-Length body.
                            let text = String(decoding: request[..<head], as: UTF8.self).lowercased()
                            if let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                               let n = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                               request.count < head + n { continue }
                            break
                        }
                        if request.first == 0x16 { break }  // a TLS ClientHello
                    }
                    if handler(client, request) == .hold {
                        while !isStopped { Thread.sleep(forTimeInterval: 0.02) }
                    }
                    Syscalls.probeClose(client)
                }
                connection.start()
            }
            done.signal()
        }
        thread.start()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
        return nil
    }

    var url: String { "http://\(address.hostForURL):\(port)" }

    func stop() {
        lock.withLock { stopped = true }
        done.wait()
        Syscalls.probeClose(listener)
    }

    // MARK: - Handlers

    /// Writes `bytes` then closes.
    static func reply(_ bytes: [UInt8]) -> Handler {
        { fd, _ in
            _ = Syscalls.probeWrite(fd, bytes)
            return .close
        }
    }

    /// A complete HTTP response.
    static func http(_ status: Int, _ contentType: String, _ body: String, headers: [String] = []) -> [UInt8] {
        var head = "HTTP/1.1 \(status) X\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        for h in headers { head += h + "\r\n" }
        return Array((head + "\r\n" + body).utf8)
    }

    /// Routes by request path: `responses[path]` or 404.
    static func routes(_ responses: [String: [UInt8]]) -> Handler {
        { fd, request in
            let line = String(decoding: request.prefix(200), as: UTF8.self).split(separator: " ")
            let path = line.count > 1 ? String(line[1]) : "/"
            let bytes = responses[path] ?? http(404, "text/plain", "404 page not found")
            _ = Syscalls.probeWrite(fd, bytes)
            return .close
        }
    }

    /// Keeps the connection open and silent until the server stops.
    static let silent: Handler = { _, _ in .hold }
}
