import HTTPWire

/// A fault specification that could not be understood, naming the problem and where it is.
public struct FaultSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable classification of the problem.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case empty
        case unknownKey
        case duplicateKey
        case missingAction
        case multipleActions
        case badValue
        case misplacedParameter
        case notAnObject
    }

    public var code: Code
    /// What is wrong, e.g. `'after' must be a whole number ≥ 0, got 'x'`.
    public var message: String
    /// Where: `column 7` in the text form, or a JSON path such as `faults[1].stall.after`.
    public var location: String
    /// The whole specification as given (text form), or empty for JSON.
    public var specification: String

    public init(code: Code, message: String, location: String, specification: String = "") {
        self.code = code
        self.message = message
        self.location = location
        self.specification = specification
    }

    public var description: String {
        specification.isEmpty ? "\(location): \(message)" : "fault '\(specification)' at \(location): \(message)"
    }
}
