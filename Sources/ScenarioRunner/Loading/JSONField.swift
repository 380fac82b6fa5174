import HTTPWire

// MARK: - JSONField

/// A JSON value together with where it sits (file and key path), with typed accessors whose
/// errors name both. Objects are read through ``ObjectReader`` which rejects unknown keys.
struct JSONField: Sendable {
    let value: JSONValue
    let file: String
    let path: String

    func child(_ key: String, _ value: JSONValue) -> JSONField {
        JSONField(value: value, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func element(_ index: Int, _ value: JSONValue) -> JSONField {
        JSONField(value: value, file: file, path: "\(path)[\(index)]")
    }

    func error(_ message: String, code: ScenarioLoadError.Code = .invalidValue) -> ScenarioLoadError {
        ScenarioLoadError(code: code, file: file, keyPath: path, message: message)
    }

    /// `got "two"` / `got an object` text for error messages.
    var shown: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        default: value.serialized()
        }
    }

    // MARK: - Typed access

    func string() throws(ScenarioLoadError) -> String {
        guard let s = value.stringValue else { throw error("expected a string, got \(shown)") }
        return s
    }

    func nonEmptyString() throws(ScenarioLoadError) -> String {
        let s = try string()
        guard !s.isEmpty else { throw error("must not be empty") }
        return s
    }

    func bool() throws(ScenarioLoadError) -> Bool {
        guard let b = value.boolValue else { throw error("expected true or false, got \(shown)") }
        return b
    }

    func integer(in range: ClosedRange<Int>) throws(ScenarioLoadError) -> Int {
        guard let i = value.intValue else { throw error("expected an integer, got \(shown)") }
        guard range.contains(i) else {
            throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
        }
        return i
    }

    func array() throws(ScenarioLoadError) -> [JSONField] {
        guard let items = value.arrayValue else { throw error("expected an array, got \(shown)") }
        return items.enumerated().map { element($0.offset, $0.element) }
    }

    func strings() throws(ScenarioLoadError) -> [String] {
        var out: [String] = []
        for item in try array() { out.append(try item.nonEmptyString()) }
        return out
    }

    func choice(_ choices: [String]) throws(ScenarioLoadError) -> String {
        let s = try string()
        guard choices.contains(s) else {
            var message = "expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \(shown)"
            if let near = Suggestion.closest(to: s, among: choices) { message += "; did you mean \"\(near)\"?" }
            throw error(message)
        }
        return s
    }

    /// An integer or `{"min": a, "max": b}` (either end optional, min ≤ max, both ≥ 0).
    func bounds() throws(ScenarioLoadError) -> Bounds {
        let expected = #"expected an integer or {"min","max"}"#
        switch value {
        case .integer, .number:
            guard let d = value.doubleValue, d >= 0 else { throw error("\(expected) with values ≥ 0, got \(shown)") }
            return .exactly(d)
        case .object:
            let reader = try object()
            let lo = try reader.optional("min") { (f) throws(ScenarioLoadError) in try f.nonNegativeNumber() }
            let hi = try reader.optional("max") { (f) throws(ScenarioLoadError) in try f.nonNegativeNumber() }
            try reader.finish()
            guard lo != nil || hi != nil else { throw error(#"needs "min", "max" or both"#) }
            if let lo, let hi, lo > hi { throw error("min (\(Bounds.format(lo))) is greater than max (\(Bounds.format(hi)))") }
            return Bounds(minimum: lo, maximum: hi)
        default:
            throw error("\(expected), got \(shown)")
        }
    }

    func nonNegativeNumber() throws(ScenarioLoadError) -> Double {
        guard let d = value.doubleValue else { throw error("expected a number, got \(shown)") }
        guard d >= 0, d.isFinite else { throw error("must be ≥ 0, got \(shown)") }
        return d
    }

    func object() throws(ScenarioLoadError) -> ObjectReader {
        guard let pairs = value.objectValue else { throw error("expected an object, got \(shown)") }
        return ObjectReader(field: self, pairs: pairs)
    }
}

// MARK: - ObjectReader

/// Reads the keys of one JSON object; ``finish()`` rejects every key that was not read.
final class ObjectReader {
    let field: JSONField
    private let pairs: [(String, JSONValue)]
    private var used: Set<String> = []

    init(field: JSONField, pairs: [(String, JSONValue)]) {
        self.field = field
        self.pairs = pairs
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.0 == key } }

    /// The child at `key`, nil if absent. Marks the key as known.
    func field(_ key: String) -> JSONField? {
        used.insert(key)
        guard let value = pairs.last(where: { $0.0 == key })?.1 else { return nil }
        return field.child(key, value)
    }

    func required<T>(_ key: String, _ read: (JSONField) throws(ScenarioLoadError) -> T) throws(ScenarioLoadError) -> T {
        guard let child = field(key) else {
            throw ScenarioLoadError(
                code: .missingKey, file: field.file, keyPath: field.path.isEmpty ? key : "\(field.path).\(key)",
                message: "required key is missing"
            )
        }
        return try read(child)
    }

    func optional<T>(_ key: String, _ read: (JSONField) throws(ScenarioLoadError) -> T) throws(ScenarioLoadError) -> T? {
        guard let child = field(key), !child.value.isNull else { return nil }
        return try read(child)
    }

    /// Marks keys as known without reading them (pass-through values).
    func accept(_ keys: String...) { used.formUnion(keys) }

    /// Throws for the first key that was never read, with a suggestion.
    func finish() throws(ScenarioLoadError) {
        if let first = unknownKeys().first { throw first }
    }

    /// One error per key that was never read or appears twice, in file order.
    func unknownKeys() -> [ScenarioLoadError] {
        var seen: Set<String> = []
        var problems: [ScenarioLoadError] = []
        for (key, _) in pairs {
            if seen.contains(key) {
                problems.append(field.child(key, .null).error("key appears more than once", code: .invalidValue))
                continue
            }
            seen.insert(key)
            guard !used.contains(key) else { continue }
            var message = "unknown key"
            if let near = Suggestion.closest(to: key, among: Array(used)) { message += "; did you mean \"\(near)\"?" }
            if !used.isEmpty { message += " (known keys: \(used.sorted().joined(separator: ", ")))" }
            problems.append(field.child(key, .null).error(message, code: .unknownKey))
        }
        return problems
    }
}
