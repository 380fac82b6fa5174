import HTTPWire

/// A complete tool call, normalised: arguments are always available both as a JSON value and as
/// text, whether the provider sent an object (Ollama) or a JSON-encoded string (OpenAI).
public struct ToolCall: Sendable, Hashable {
    public var id: String?
    public var name: String
    /// The arguments as JSON; `.string(text)` when the text is not valid JSON.
    public var arguments: JSONValue
    /// The arguments as compact JSON text.
    public var argumentsText: String

    public init(id: String?, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.argumentsText = arguments.serialized()
    }

    /// From OpenAI's JSON-encoded string form.
    public init(id: String?, name: String, argumentsText: String) {
        self.id = id
        self.name = name
        self.argumentsText = argumentsText
        self.arguments = (try? JSONValue.parse(argumentsText)) ?? .string(argumentsText)
    }

    /// Parses either provider's shape: `{"id"?, "function":{"name","arguments": object | string}}`.
    public static func parse(_ json: JSONValue) -> ToolCall? {
        let function = json["function"] ?? json
        guard let name = function["name"]?.stringValue else { return nil }
        let id = json["id"]?.stringValue
        switch function["arguments"] {
        case .string(let text)?: return ToolCall(id: id, name: name, argumentsText: text)
        case let value?: return ToolCall(id: id, name: name, arguments: value)
        case nil: return ToolCall(id: id, name: name, arguments: .object([]))
        }
    }
}

/// A piece of a streamed tool call (OpenAI sends name then argument fragments per `index`).
public struct ToolCallDelta: Sendable, Hashable {
    public var index: Int
    public var id: String?
    public var name: String?
    /// The next fragment of the arguments text.
    public var argumentsFragment: String

    public init(index: Int, id: String?, name: String?, argumentsFragment: String) {
        self.index = index
        self.id = id
        self.name = name
        self.argumentsFragment = argumentsFragment
    }
}
