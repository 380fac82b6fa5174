import Foundation
import HTTPWire
import MockProviders
import TestSupport
import Testing

/// Starts a mock, runs `body`, stops it.
func withMock<T: Sendable>(
    _ provider: MockProviderKind,
    configure: (inout MockConfiguration) throws -> Void = { _ in },
    _ body: (MockProviderServer) async throws -> T
) async throws -> T {
    var configuration = MockConfiguration(provider: provider, seed: 7)
    try configure(&configuration)
    return try await withMockProviderServer(configuration, body)
}

/// The header that lets a request change the mock through `/__llmcheck/`.
func controlHeaders(_ server: MockProviderServer) -> [(String, String)] {
    [(MockConfiguration.controlTokenHeader, server.configuration.controlToken)]
}

/// `Content-Type: application/json`, for control requests without a body.
let jsonContentType: [(String, String)] = [("Content-Type", "application/json")]

/// The bytes of a request with `Connection: close`.
func rawRequest(_ method: String, _ target: String, json: String? = nil, headers: [(String, String)] = []) -> String {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let json {
        text += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
    } else {
        text += "\r\n"
    }
    return text
}

/// Sends one request on a fresh connection and returns everything until the server closes.
func transcript(_ server: MockProviderServer, _ method: String, _ target: String, json: String? = nil, headers: [(String, String)] = [], idle: Duration = .seconds(5)) async throws -> RawTestConnection.Transcript {
    let connection = try await RawTestConnection.connect(port: server.port)
    try await connection.send(rawRequest(method, target, json: json, headers: headers))
    return await connection.readUntilClose(idleTimeout: idle)
}

/// Sends one request and parses the response.
func response(_ server: MockProviderServer, _ method: String, _ target: String, json: String? = nil, headers: [(String, String)] = []) async throws -> RawHTTPResponse {
    let t = try await transcript(server, method, target, json: json, headers: headers)
    return try RawHTTPResponse.parse(t.bytes, isHeadRequest: method == "HEAD")
}

/// Sends one request and parses the JSON body.
func jsonResponse(_ server: MockProviderServer, _ method: String, _ target: String, json: String? = nil, headers: [(String, String)] = []) async throws -> (RawHTTPResponse, JSONValue) {
    let r = try await response(server, method, target, json: json, headers: headers)
    return (r, try JSONValue.parse(r.body))
}

/// Non-empty lines of an NDJSON body, parsed.
func ndjsonLines(_ body: [UInt8]) throws -> [JSONValue] {
    try body.split(separator: 0x0A).map { try JSONValue.parse(Array($0)) }
}

/// The `data:` payloads of an SSE body, in order.
func sseData(_ body: [UInt8]) -> [String] {
    let text = String(decoding: body, as: UTF8.self)
    return text.components(separatedBy: "\n\n").compactMap { block in
        block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
    }
}

/// A writer that records what a handler wrote, without sockets.
final class RecordingWriter: HTTPResponseWriter {
    let requestHead: HTTPRequestHead
    var head: HTTPResponseHead?
    var chunks: [[UInt8]] = []
    var raw: [UInt8] = []
    var finished = false
    var closed = false
    var wasReset = false
    var pauses: [Duration] = []

    init(_ head: HTTPRequestHead) { requestHead = head }

    var isHeadWritten: Bool { head != nil }
    func writeHead(_ head: HTTPResponseHead) throws { self.head = head }
    func writeBody(_ bytes: [UInt8]) throws { if !bytes.isEmpty { chunks.append(bytes) } }
    func finish() throws { finished = true }
    func writeRaw(_ bytes: [UInt8]) throws { raw += bytes }
    func close() { closed = true }
    func reset() { wasReset = true }
    func pause(for duration: Duration) throws { pauses.append(duration) }
    func waitForPeerClose(timeout: Duration?) -> Bool { true }
}

/// A response read leniently from possibly broken bytes: the head, and the body de-chunked as
/// far as the framing goes.
struct LenientResponse {
    var head: String
    var body: [UInt8]
    /// Whether the chunked terminator `0\r\n\r\n` arrived.
    var isComplete: Bool
    /// The chunk-size line that could not be parsed, if any.
    var badSizeLine: String?

    init(_ bytes: [UInt8]) {
        let marker: [UInt8] = [13, 10, 13, 10]
        var split = bytes.count
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where Array(bytes[i..<(i + 4)]) == marker {
                split = i + 4
                break
            }
        }
        head = String(decoding: bytes[..<min(split, bytes.count)], as: UTF8.self)
        let rest = Array(bytes[min(split, bytes.count)...])
        isComplete = false
        badSizeLine = nil
        guard head.lowercased().contains("transfer-encoding: chunked") else {
            body = rest
            return
        }
        var out: [UInt8] = []
        var i = 0
        while i < rest.count {
            guard let lineEnd = (i..<max(i, rest.count - 1)).first(where: { rest[$0] == 13 && rest[$0 + 1] == 10 }) else {
                break
            }
            let line = String(decoding: rest[i..<lineEnd], as: UTF8.self)
            guard let size = Int(line, radix: 16) else {
                badSizeLine = line
                break
            }
            if size == 0 {
                isComplete = true
                break
            }
            let start = lineEnd + 2
            let end = min(rest.count, start + size)
            out += rest[start..<end]
            i = end + 2
        }
        body = out
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingSpaces() }
        }
        return nil
    }

    var status: Int? {
        let parts = head.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) : nil
    }
}
