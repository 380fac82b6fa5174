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
