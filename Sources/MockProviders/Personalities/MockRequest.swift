import HTTPWire

/// A request as a personality sees it: the HTTP request with its JSON body parsed once.
public struct MockRequest: Sendable {
    public let http: HTTPRequest
    /// The parsed body, if it was non-empty valid JSON.
    public var json: JSONValue?
    /// Why the body is not JSON, if it is non-empty and unparseable.
    public var jsonError: JSONParseError?
    /// 1-based number of the request on the server.
    public var number: Int

    /// The path without the query (computed once).
    public let path: String

    public init(http: HTTPRequest, number: Int) {
        self.http = http
        self.number = number
        self.path = http.path
        if !http.body.isEmpty {
            do { json = try JSONValue.parse(http.body) } catch { jsonError = error }
        }
    }

    public var method: HTTPMethod { http.method }

    /// `model` from the body (or legacy `name`).
    public var model: String? { json?["model"]?.stringValue ?? json?["name"]?.stringValue }

    /// `stream` from the body, when it is a boolean.
    public var stream: Bool? { json?["stream"]?.boolValue }

    /// All text of the prompt: `messages[].content` (string or text parts), `prompt`, `input`.
    public var promptText: String {
        guard let json else { return "" }
        var parts: [String] = []
        if let messages = json["messages"]?.arrayValue {
            for m in messages {
                if let s = m["content"]?.stringValue {
                    parts.append(s)
                } else if let items = m["content"]?.arrayValue {
                    for item in items { if let t = item["text"]?.stringValue { parts.append(t) } }
                }
            }
        }
        if let p = json["prompt"]?.stringValue { parts.append(p) }
        if let p = json["prompt"]?.arrayValue { parts += p.compactMap(\.stringValue) }
        if let s = json["system"]?.stringValue { parts.append(s) }
        return parts.joined(separator: "\n")
    }
}
