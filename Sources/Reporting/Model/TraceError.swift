// MARK: - TraceError

/// Why a request failed: a stable code (`rate_limited`, `timeout`), the provider's error type and a message.
public struct TraceError: Sendable, Hashable, Codable {
    public var code: String
    public var type: String?
    public var message: String

    public init(code: String, type: String? = nil, message: String) {
        self.code = code
        self.type = type
        self.message = message
    }
}
