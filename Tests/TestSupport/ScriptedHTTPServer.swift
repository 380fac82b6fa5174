import Foundation
import HTTPWire

/// One request as a ``ScriptedHTTPServer`` received it.
public struct ScriptedRequest: Sendable {
    public var method: String
    /// The request target as sent (`/v1/models`, or `http://host:port/` when sent to a proxy).
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    /// Every byte received (head and body), for forwarding.
    public var raw: [UInt8]
    /// Whether the bytes were a TLS ClientHello rather than HTTP (`method` is then `TLS`).
    public var isTLS: Bool { method == "TLS" }
}

/// A complete HTTP/1.1 answer with `Content-Length` and `Connection: close`.
public struct ScriptedReply: Sendable {
    public var status: Int
    public var reason: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int = 200, reason: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason ?? HTTPStatus(code: status).reasonPhrase
        self.headers = headers
        self.body = body
    }

    /// A JSON answer (`Content-Type: application/json`) plus `headers`.
    public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> ScriptedReply {
        ScriptedReply(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: Array(text.utf8))
    }

    public var bytes: [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}

/// What a ``ScriptedHTTPServer`` does with a request.
public enum ScriptedAction: Sendable {
    /// Answer with these bytes.
    case reply(ScriptedReply)
    /// Send these bytes as they are (a TLS alert, half a response…), then close.
    case raw([UInt8])
    /// Pass the request to the upstream port, read its whole answer, wait `holdBack`, then send
    /// it in one write: `.zero` is a transparent proxy, anything longer a buffering one.
    case forward(holdBack: Duration)
}

/// An HTTP server for tests that answers each request by a routing closure: scripted replies for
/// what the mocks do not stage (a keyed llama.cpp, an LM Studio with JIT loading off, a corporate
/// proxy), or forwarding to a mock, optionally holding the whole answer back as nginx
/// `proxy_buffering` does. One request per connection.
public final class ScriptedHTTPServer: Sendable {
    private let server: RawTestServer
    public var port: UInt16 { server.port }
    public var baseURL: String { server.baseURL }

    /// - Parameters:
    ///   - upstream: loopback port that ``ScriptedAction/forward(holdBack:)`` sends requests to.
    ///   - route: decides per request; runs on the connection's thread.
    public init(upstream: UInt16? = nil, route: @escaping @Sendable (ScriptedRequest) -> ScriptedAction) throws {
        server = try RawTestServer { socket in
            guard let request = ScriptedHTTPServer.readRequest(from: socket) else { return }
            switch route(request) {
            case .reply(let reply):
                try socket.writeAll(reply.bytes)
            case .raw(let bytes):
                try socket.writeAll(bytes)
            case .forward(let holdBack):
                guard let upstream else { return }
                let answer = ScriptedHTTPServer.exchange(request.raw, method: request.method, port: upstream)
                if holdBack > .zero { Thread.sleep(forTimeInterval: Double(holdBack.components.seconds) + Double(holdBack.components.attoseconds) / 1e18) }
                try socket.writeAll(answer)
            }
            socket.shutdown(.write)
            // Let the peer read everything before the close.
            _ = try? socket.readSome(max: 1024, timeout: .milliseconds(200))
        }
    }

    public func stop() { server.stop() }

    /// Reads a request head and its `Content-Length` body (or a TLS ClientHello).
    static func readRequest(from socket: Socket) -> ScriptedRequest? {
        var received: [UInt8] = []
        var headEnd: Int?
        while received.count < 1 << 20 {
            guard let bytes = try? socket.readSome(max: 64 * 1024, timeout: .seconds(5)), !bytes.isEmpty else { break }
            received += bytes
            if received.first == 0x16 { return ScriptedRequest(method: "TLS", path: "", headers: [:], raw: received) }
            if headEnd == nil, let end = find([13, 10, 13, 10], in: received) { headEnd = end + 4 }
            if let headEnd {
                let head = String(decoding: received[..<headEnd], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count >= headEnd + length { break }
            }
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: received[..<headEnd], as: UTF8.self).split(separator: "\r\n")
        let first = lines.first?.split(separator: " ") ?? []
        guard first.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return ScriptedRequest(method: String(first[0]), path: String(first[1]), headers: headers, raw: received)
    }

    /// Sends `request` to `127.0.0.1:port` and reads until the answer is complete or the peer closes.
    static func exchange(_ request: [UInt8], method: String, port: UInt16) -> [UInt8] {
        guard let socket = try? Socket.connect(to: .loopbackIPv4(port: port), timeout: .seconds(2)) else { return [] }
        defer { socket.close() }
        guard (try? socket.writeAll(request)) != nil else { return [] }
        var parser = HTTPResponseParser(requestMethod: HTTPMethod(rawValue: method))
        var answer: [UInt8] = []
        while !parser.isComplete, answer.count < 16 << 20 {
            guard let bytes = try? socket.readSome(max: 64 * 1024, timeout: .seconds(10)), !bytes.isEmpty else { break }
            answer += bytes
            if (try? parser.consume(bytes)) == nil { break }
        }
        return answer
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
