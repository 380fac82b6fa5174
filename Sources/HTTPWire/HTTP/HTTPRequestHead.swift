/// The request line and header fields of an HTTP request.
public struct HTTPRequestHead: Sendable, Hashable {
    public var method: HTTPMethod
    /// The request target exactly as sent, e.g. `/api/tags?x=1`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path part of the target, without the query.
    public var path: String {
        // Searched over UTF-8, not Characters: asked several times per request on the hot path.
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return String(target[..<q]) }
        return target
    }

    /// The raw query string after `?`, or nil.
    public var query: String? {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(target[target.index(after: q)...])
    }

    /// Whether the connection stays open after this exchange (HTTP/1.1 default, HTTP/1.0 opt-in).
    public var isKeepAlive: Bool {
        switch version {
        case .http1_1: !headers.containsToken("close", in: "Connection")
        case .http1_0: headers.containsToken("keep-alive", in: "Connection")
        }
    }
}

/// A complete HTTP request as the server hands it to a handler.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// The peer's address as text (`127.0.0.1:51234`, `[::1]:51234`), when known.
    public var remoteAddress: String?
    /// When the last byte of the request was read (nil when the request did not come off a socket).
    public var receivedAt: MonotonicInstant?
    /// A per-connection counter: the 1-based index of this request on its connection.
    public var indexOnConnection: Int
    /// A server-wide identifier of the connection this request arrived on.
    public var connectionID: Int

    public init(
        head: HTTPRequestHead,
        body: [UInt8] = [],
        remoteAddress: String? = nil,
        receivedAt: MonotonicInstant? = nil,
        indexOnConnection: Int = 1,
        connectionID: Int = 0
    ) {
        self.head = head
        self.body = body
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
        self.indexOnConnection = indexOnConnection
        self.connectionID = connectionID
    }

    public var method: HTTPMethod { head.method }
    public var path: String { head.path }
    public var headers: HTTPHeaders { head.headers }
}
