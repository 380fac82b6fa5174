/// The status line and header fields of an HTTP response.
public struct HTTPResponseHead: Sendable, Hashable {
    public var version: HTTPVersion
    public var status: HTTPStatus
    public var headers: HTTPHeaders

    public init(version: HTTPVersion = .http1_1, status: HTTPStatus, headers: HTTPHeaders = [:]) {
        self.version = version
        self.status = status
        self.headers = headers
    }

    /// The bytes of the head, ending with the blank line.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out)
        return out
    }

    /// Appends the head, ending with the blank line, to `out` — byte by byte, no temporaries.
    ///
    /// - Parameters:
    ///   - addingChunkedTransferEncoding: append `Transfer-Encoding: chunked` after the fields.
    ///   - connection: append a `Connection` field with this value after the fields.
    public func write(to out: inout [UInt8], addingChunkedTransferEncoding: Bool = false, connection: String? = nil) {
        out.append(contentsOf: version.rawValue.utf8)
        out.append(0x20)
        let code = status.code
        if code >= 100 && code < 1000 {
            out.append(UInt8(0x30 + code / 100))
            out.append(UInt8(0x30 + code / 10 % 10))
            out.append(UInt8(0x30 + code % 10))
        } else {
            out.append(contentsOf: String(code).utf8)
        }
        out.append(0x20)
        out.append(contentsOf: status.reasonPhrase.utf8)
        out.append(0x0D)
        out.append(0x0A)
        for field in headers { Self.writeField(field.name, field.value, to: &out) }
        if addingChunkedTransferEncoding { Self.writeField("Transfer-Encoding", "chunked", to: &out) }
        if let connection { Self.writeField("Connection", connection, to: &out) }
        out.append(0x0D)
        out.append(0x0A)
    }

    private static func writeField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(0x3A)
        out.append(0x20)
        out.append(contentsOf: value.utf8)
        out.append(0x0D)
        out.append(0x0A)
    }
}
