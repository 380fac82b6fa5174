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
        self.init(http: http, number: number, path: http.path)
    }

    /// With the path already taken from the target (it is needed before the request is built).
    init(http: HTTPRequest, number: Int, path: String) {
        self.http = http
        self.number = number
        self.path = path
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
        // Joined with "\n" as it goes: the usual single part is returned without copying.
        var text = ""
        var isFirst = true
        func add(_ part: String) {
            if isFirst {
                text = part
                isFirst = false
            } else {
                text += "\n"
                text += part
            }
        }
        if let messages = json["messages"]?.arrayValue {
            for m in messages {
                let content = m["content"]
                if let s = content?.stringValue {
                    add(s)
                } else if let items = content?.arrayValue {
                    for item in items { if let t = item["text"]?.stringValue { add(t) } }
                }
            }
        }
        if let p = json["prompt"]?.stringValue { add(p) }
        if let p = json["prompt"]?.arrayValue {
            for item in p { if let s = item.stringValue { add(s) } }
        }
        if let s = json["system"]?.stringValue { add(s) }
        return text
    }
}
