/// Why a request could not be parsed, with the status the server answers.
public struct HTTPRequestParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A payload-free classification, one per answer status.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Malformed syntax → `400`.
        case badRequest
        /// Request line longer than the limit → `414`.
        case uriTooLong
        /// Header block or field count over the limit → `431`.
        case headerFieldsTooLarge
        /// Body over the limit → `413`.
        case payloadTooLarge
        /// A transfer coding other than `chunked` → `501`.
        case notImplemented
        /// An HTTP version other than 1.0/1.1 → `505`.
        case versionNotSupported
    }

    public var code: Code
    /// What was wrong and where, e.g. `header 3: obs-fold (line starts with a space)`.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The status the server answers with.
    public var status: HTTPStatus {
        switch code {
        case .badRequest: .badRequest
        case .uriTooLong: .uriTooLong
        case .headerFieldsTooLarge: .headerFieldsTooLarge
        case .payloadTooLarge: .payloadTooLarge
        case .notImplemented: .notImplemented
        case .versionNotSupported: .httpVersionNotSupported
        }
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(reason)" }
}
