// MARK: - ScenarioLoadError

/// A scenario file that cannot be used, naming the file and the key path of the problem:
/// `Scenarios/retry/429.json: steps[0].expect.attempts: expected an integer or {"min","max"}, got "two"`.
public struct ScenarioLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file or directory could not be read.
        case unreadable
        /// The file is not valid JSON (line and column given).
        case syntax
        /// A key is not known at this place.
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value has the wrong type or is out of range.
        case invalidValue
        /// Two scenarios share an id.
        case duplicateID
        /// A reference (server name, model) points at nothing.
        case badReference
    }

    public var code: Code
    /// The file as given (relative paths stay relative).
    public var file: String
    /// Key path inside the file (`steps[0].expect`), empty for the whole file; `line N, column M` for syntax errors.
    public var keyPath: String
    public var message: String
    /// The scenario id, when it could be read before the error.
    public var scenarioID: String?

    public init(code: Code, file: String, keyPath: String, message: String, scenarioID: String? = nil) {
        self.code = code
        self.file = file
        self.keyPath = keyPath
        self.message = message
        self.scenarioID = scenarioID
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
    }
}
