import Foundation
import HTTPWire

/// A tiny loopback listener for staging things the mocks don't do: ports that accept and never
/// answer, TLS bytes, non-HTTP services, HTML pages, hand-written JSON errors, full backlogs.
final class RawTestServer: Sendable {
    /// What to do with the connection once the handler returned. The server alone closes
    /// connections.
    enum Disposition: Sendable { case close, hold }
    typealias Handler = @Sendable (_ connection: Socket, _ request: [UInt8]) -> Disposition

    let port: UInt16
    let address: SocketAddress
    private let listener: Socket
    private let stopped = LockedValue(false)
    private let done = DispatchSemaphore(value: 0)

    /// Listens on `host` (port 0) and runs `handler` for each connection after reading the request head
    /// (or whatever arrived within 1 s). `accepting: false` never accepts (with backlog 0 the
    /// queue fills and later connects time out).
    init(host: String = "127.0.0.1", port: UInt16 = 0, backlog0: Bool = false, accepting: Bool = true, handler: @escaping Handler) throws {
        guard let requested = SocketAddress(ipAddress: host, port: port) else { throw POSIXError(.EINVAL) }
        let listener = try Socket(family: requested.family)
        try Syscalls.setReuseAddress(listener.fd)
        if requested.family == .ipv6 { try Syscalls.setIPv6Only(listener.fd, true) }
        try Syscalls.bindSocket(listener.fd, to: requested)
        try Syscalls.listenSocket(listener.fd, backlog: backlog0 ? 0 : 64)
        let bound = try Syscalls.localAddress(listener.fd) ?? requested
        self.listener = listener
        self.address = bound
        self.port = bound.port
        guard accepting else {
            done.signal()
            return
        }
        let thread = Thread { [self] in
            while !isStopped {
                guard (try? listener.waitReadable(timeout: .milliseconds(50))) == true,
                    let accepted = try? Syscalls.acceptConnection(listener.fd)
                else { continue }
                let client = Socket(adoptingDescriptor: accepted.fd, family: bound.family)
                let connection = Thread { [self] in
                    var request: [UInt8] = []
                    while request.count < 65536 {
                        guard let bytes = try? client.readSome(max: 65536, timeout: .seconds(1)), !bytes.isEmpty else { break }
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
                    client.close()
                }
                connection.start()
            }
            done.signal()
        }
        thread.start()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
        return nil
    }

    var url: String { "http://\(address.urlHost):\(port)" }

    func stop() {
        stopped.withLock { $0 = true }
        done.wait()
        listener.close()
    }

    // MARK: - Handlers

    /// Writes `bytes` then closes.
    static func reply(_ bytes: [UInt8]) -> Handler {
        { connection, _ in
            try? connection.writeAll(bytes, timeout: .seconds(5))
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
        { connection, request in
            let line = String(decoding: request.prefix(200), as: UTF8.self).split(separator: " ")
            let path = line.count > 1 ? String(line[1]) : "/"
            let bytes = responses[path] ?? http(404, "text/plain", "404 page not found")
            try? connection.writeAll(bytes, timeout: .seconds(5))
            return .close
        }
    }

    /// Keeps the connection open and silent until the server stops.
    static let silent: Handler = { _, _ in .hold }
}
