/// A request for ``RawHTTPClient``: where to connect and what bytes to send.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    /// Host name or IP literal (IPv6 with or without brackets).
    public var host: String
    public var port: UInt16
    /// The request target, e.g. `/api/chat?stream=true`.
    public var target: String
    /// Header fields as sent. `Host` and `Content-Length` are added when missing.
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Addresses to try instead of resolving ``host`` (`--resolve host=addr`), in order.
    public var addresses: [SocketAddress]?

    public init(
        method: HTTPMethod = .get, host: String, port: UInt16 = 80, target: String = "/",
        headers: HTTPHeaders = [:], body: [UInt8] = [], addresses: [SocketAddress]? = nil
    ) {
        self.method = method
        self.host = host
        self.port = port
        self.target = target
        self.headers = headers
        self.body = body
        self.addresses = addresses
    }

    /// Parses an `http://host[:port]/path?query` URL; nil for another scheme or a malformed URL.
    public init?(
        url: String, method: HTTPMethod = .get, headers: HTTPHeaders = [:], body: [UInt8] = [],
        addresses: [SocketAddress]? = nil
    ) {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(7)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        var port: UInt16 = 80
        if let portText, !portText.isEmpty {
            guard let value = UInt16(portText) else { return nil }
            port = value
        }
        self.init(
            method: method, host: String(host), port: port, target: target, headers: headers, body: body,
            addresses: addresses)
    }

    /// The `Host` header value: brackets for IPv6 literals, the port unless it is 80.
    public var hostHeader: String {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let shown = bare.contains(":") ? "[\(bare)]" : bare
        return port == 80 ? shown : "\(shown):\(port)"
    }

    /// The exact bytes sent: request line, headers (with `Host` and `Content-Length` added when
    /// missing) and body.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + body.count)
        out.append(contentsOf: method.rawValue.utf8)
        out.append(0x20)
        out.append(contentsOf: target.utf8)
        out.append(contentsOf: " HTTP/1.1\r\n".utf8)
        if !headers.contains("Host") {
            out.append(contentsOf: "Host: ".utf8)
            out.append(contentsOf: hostHeader.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        for field in headers {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        let needsLength = !body.isEmpty || method == .post || method == .put || method == .patch
        if needsLength && !headers.contains("Content-Length") && !headers.contains("Transfer-Encoding") {
            out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: body)
        return out
    }
}
