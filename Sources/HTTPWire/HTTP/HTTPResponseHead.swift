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
        var out = "\(version.rawValue) \(status.code) \(status.reasonPhrase)\r\n"
        for field in headers { out += "\(field.name): \(field.value)\r\n" }
        out += "\r\n"
        return Array(out.utf8)
    }
}
