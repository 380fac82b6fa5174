import HTTPWire

/// The real provider behind a proxy: where to connect and the path prefix to put before every
/// forwarded target.
public struct ProxyUpstream: Sendable, Hashable {
    public var host: String
    public var port: UInt16
    /// Path prefix without a trailing slash (`""` or `/v1`).
    public var basePath: String
    /// `http://host:port` as shown in logs, 502 bodies and the journal (no path, no credentials).
    public var url: String

    /// Parses `http://host[:port][/path]`.
    ///
    /// - Throws: ``ProxyError`` `.httpsUpstream` for `https://` (with the reason and what to do),
    ///   `.badUpstream` for anything else that is not such a URL.
    public init(parsing text: String) throws(ProxyError) {
        let lower = text.lowercased()
        if lower.hasPrefix("https://") {
            throw ProxyError(.httpsUpstream, """
                --upstream '\(text)': https:// is not supported: the proxy relays the raw HTTP/1.1 bytes so it can \
                time and fault every chunk, and llmcheck has no TLS of its own; point it at the provider's plain \
                http:// port (local providers serve plain HTTP) or put a TLS-terminating tunnel in front of the upstream
                """)
        }
        guard lower.hasPrefix("http://") else {
            throw ProxyError(.badUpstream, "--upstream '\(text)': expected http://host[:port][/path], e.g. http://127.0.0.1:11434")
        }
        guard let request = HTTPClientRequest(url: text) else {
            throw ProxyError(.badUpstream, "--upstream '\(text)': malformed host or port (port 1-65535), e.g. http://127.0.0.1:11434")
        }
        if request.target.contains("?") {
            throw ProxyError(.badUpstream, "--upstream '\(text)': a query string cannot be a prefix of every request; give only a path")
        }
        host = request.host
        port = request.port
        var base = request.target
        while base.hasSuffix("/") { base.removeLast() }
        basePath = base
        url = "http://\(request.hostHeader)"
        if port == 80 { url = "http://\(request.hostHeader):80" }
    }

    /// The provider whose error dialect suits this upstream: Ollama on 11434, LM Studio on 1234,
    /// otherwise OpenAI-compatible.
    public var guessedProvider: MockProviderKind {
        switch port {
        case 11434: .ollama
        case 1234: .lmstudio
        default: .openai
        }
    }

    /// A request to the upstream with its host and port filled in.
    func request(method: HTTPMethod, target: String, headers: HTTPHeaders, body: [UInt8]) -> HTTPClientRequest {
        HTTPClientRequest(method: method, host: host, port: port, target: basePath.isEmpty ? target : basePath + target, headers: headers, body: body)
    }

    /// The `Host` field of every forwarded request (`host:port`; ``ProxyEngine`` builds it once).
    var hostField: String { HTTPClientRequest(host: host, port: port).hostHeader }

    /// Tries a TCP connection and a `GET /`; returns a warning when the upstream does not answer
    /// (it may come up later), nil when it does.
    @available(*, noasync, message: "blocks")
    public func probe(timeout: Duration = .seconds(2)) -> String? {
        let connection = HTTPClientConnection(
            request: request(method: .get, target: "/", headers: [:], body: []),
            options: HTTPClientOptions(timeouts: HTTPClientTimeouts(connect: timeout, headers: timeout, idle: timeout, total: timeout * 2)))
        do {
            _ = try connection.run { _ in }
            return nil
        } catch {
            return "upstream \(url) does not answer yet: \(error); requests get 502 until it does"
        }
    }
}
