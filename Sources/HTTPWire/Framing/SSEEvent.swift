/// One dispatched Server-Sent Event.
public struct SSEEvent: Sendable, Hashable, CustomStringConvertible {
    /// The `event:` field, or `message` when none was given.
    public var type: String
    /// The data lines joined with `\n` (the final newline removed).
    public var data: String
    /// The last event ID seen so far (sticky across events, as WHATWG specifies), or nil.
    public var lastEventID: String?

    public init(type: String = "message", data: String, lastEventID: String? = nil) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }

    /// Whether this is the OpenAI stream terminator `data: [DONE]`.
    ///
    /// openai-python tests `data.startswith("[DONE]")`; the same rule is used here.
    public var isDoneSentinel: Bool { data.hasPrefix("[DONE]") }

    public var description: String {
        var parts: [String] = []
        if type != "message" { parts.append("event: \(type)") }
        if let lastEventID { parts.append("id: \(lastEventID)") }
        parts.append("data: \(data)")
        return parts.joined(separator: "\n")
    }
}
