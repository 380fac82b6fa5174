import HTTPWire

/// A file of recorded exchanges a mock replays byte-exact (format: `MockServers/README.md`).
public struct Fixture: Sendable {
    /// Where the fixture came from (for messages); empty when built in code.
    public var file: String
    /// The provider it was recorded from, if stated.
    public var provider: MockProviderKind?
    public var description: String?
    public var exchanges: [FixtureExchange]

    public init(file: String = "", provider: MockProviderKind? = nil, description: String? = nil, exchanges: [FixtureExchange]) {
        self.file = file
        self.provider = provider
        self.description = description
        self.exchanges = exchanges
    }

    /// The fixture as JSON in the documented format.
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let provider { pairs.append(("provider", .string(provider.rawValue))) }
        if let description { pairs.append(("description", .string(description))) }
        pairs.append(("exchanges", .array(exchanges.map(\.jsonValue))))
        return .object(pairs)
    }
}

/// One request matcher and the response to send when it matches.
public struct FixtureExchange: Sendable {
    public var name: String?
    public var request: FixtureRequestMatcher
    public var response: FixtureResponse
    /// The recording ended before the response did (the client or the upstream left mid-stream);
    /// the chunks are what arrived. Default false.
    public var isIncomplete: Bool

    public init(name: String? = nil, request: FixtureRequestMatcher, response: FixtureResponse, isIncomplete: Bool = false) {
        self.name = name
        self.request = request
        self.response = response
        self.isIncomplete = isIncomplete
    }

    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let name { pairs.append(("name", .string(name))) }
        pairs.append(("request", request.jsonValue))
        pairs.append(("response", response.jsonValue))
        if isIncomplete { pairs.append(("incomplete", true)) }
        return .object(pairs)
    }
}

/// Which requests an exchange answers. Every field given must match.
public struct FixtureRequestMatcher: Sendable {
    /// HTTP method; nil matches any.
    public var method: String?
    /// Path (without query), exact, or a pattern with `*`; a path containing `?` is matched
    /// against the whole target.
    public var path: String
    /// A JSON subset the body must contain (objects: listed keys must match recursively;
    /// arrays and scalars: equal).
    public var body: JSONValue?
    /// Headers that must be present with these values (names case-insensitive).
    public var headers: [(name: String, value: String)]
    /// Whether the request streamed (its `stream` field, or the endpoint's default when absent:
    /// Ollama's native `/api/…` endpoints stream, the OpenAI-compatible ones do not); nil matches both.
    public var streams: Bool?

    public init(
        method: String? = nil, path: String, body: JSONValue? = nil, headers: [(name: String, value: String)] = [],
        streams: Bool? = nil
    ) {
        self.method = method
        self.path = path
        self.body = body
        self.headers = headers
        self.streams = streams
    }

    /// Whether a request streams: its `stream` field, else the endpoint's default (see ``streams``).
    public static func streams(path: String, json: JSONValue?) -> Bool {
        if let s = json?["stream"]?.boolValue { return s }
        return path.hasPrefix("/api/chat") || path.hasPrefix("/api/generate") || path.hasPrefix("/api/pull")
            || path.hasPrefix("/api/push") || path.hasPrefix("/api/create")
    }

    /// Whether `request` satisfies the matcher.
    public func matches(_ request: MockRequest) -> Bool {
        if let method, !method.caseInsensitiveEquals(request.method.rawValue) { return false }
        let subject = path.contains("?") ? request.http.head.target : request.path
        if path.contains("*") ? !GlobPattern(path).matches(subject) : path != subject { return false }
        for h in headers where request.http.headers[h.name] != h.value { return false }
        if let streams, streams != FixtureRequestMatcher.streams(path: request.path, json: request.json) { return false }
        if let body {
            guard let json = request.json, FixtureRequestMatcher.isSubset(body, of: json) else { return false }
        }
        return true
    }

    /// Whether `pattern` is contained in `value` (see ``body``).
    public static func isSubset(_ pattern: JSONValue, of value: JSONValue) -> Bool {
        switch (pattern, value) {
        case (.object(let p), .object):
            return p.allSatisfy { key, sub in value[key].map { isSubset(sub, of: $0) } ?? false }
        case (.array(let p), .array(let v)):
            return p.count == v.count && zip(p, v).allSatisfy { isSubset($0, of: $1) }
        default:
            return pattern == value
        }
    }

    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let method { pairs.append(("method", .string(method))) }
        pairs.append(("path", .string(path)))
        if let body { pairs.append(("body", body)) }
        if !headers.isEmpty { pairs.append(("headers", .object(headers.map { ($0.name, .string($0.value)) }))) }
        if let streams { pairs.append(("stream", .bool(streams))) }
        return .object(pairs)
    }
}

/// The recorded response: status, headers, and body chunks with their time offsets.
public struct FixtureResponse: Sendable {
    public var status: Int
    /// Reason phrase; the standard one when nil.
    public var reason: String?
    /// Header fields in order. `Transfer-Encoding` is never replayed (framing is the server's);
    /// with a `Content-Length` the body is sent unchunked.
    public var headers: HTTPHeaders
    public var chunks: [FixtureChunk]

    public init(status: Int, reason: String? = nil, headers: HTTPHeaders = [:], chunks: [FixtureChunk] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.chunks = chunks
    }

    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [("status", .int(status))]
        if let reason { pairs.append(("reason", .string(reason))) }
        pairs.append(("headers", .object(headers.map { ($0.name, .string($0.value)) })))
        pairs.append(("chunks", .array(chunks.map(\.jsonValue))))
        return .object(pairs)
    }
}

/// One body write and when it happened, in milliseconds after the response head.
public struct FixtureChunk: Sendable, Hashable {
    public var offsetMilliseconds: Double
    public var bytes: [UInt8]

    public init(offsetMilliseconds: Double, bytes: [UInt8]) {
        self.offsetMilliseconds = offsetMilliseconds
        self.bytes = bytes
    }

    public init(offsetMilliseconds: Double, text: String) {
        self.init(offsetMilliseconds: offsetMilliseconds, bytes: Array(text.utf8))
    }

    /// `text` when the bytes are valid UTF-8, else `base64`.
    public var jsonValue: JSONValue {
        let offset = JSONValue.number((offsetMilliseconds * 1000).rounded() / 1000)
        if let text = String(validating: bytes, as: UTF8.self) {
            return .object([("offset_ms", offset), ("text", .string(text))])
        }
        return .object([("offset_ms", offset), ("base64", .string(Base64.encode(bytes)))])
    }
}
