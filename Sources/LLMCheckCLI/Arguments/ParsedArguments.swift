import HTTPWire

/// The options and positionals of one command line, checked against a ``CommandSpec``.
///
/// Typed accessors throw a ``UsageError`` that names the option and the bad value.
public struct ParsedArguments: Sendable {
    /// Values by canonical option name, in the order given.
    public var values: [String: [String]]
    /// Flags given, by canonical name.
    public var flags: Set<String>
    public var positionals: [String]

    public init(values: [String: [String]] = [:], flags: Set<String> = [], positionals: [String] = []) {
        self.values = values
        self.flags = flags
        self.positionals = positionals
    }

    /// Whether the flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The last value of an option, or nil.
    public func string(_ name: String) -> String? { values[name]?.last }

    /// Every value of a repeatable option.
    public func strings(_ name: String) -> [String] { values[name] ?? [] }

    /// The option parsed as an integer within `range`.
    public func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw UsageError("\(name) expects a whole number, got '\(text)'") }
        guard range.contains(value) else {
            throw UsageError("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// The option parsed as an unsigned 64-bit whole number (a seed, say).
    public func uint64(_ name: String) throws(UsageError) -> UInt64? {
        guard let text = string(name) else { return nil }
        guard let value = UInt64(text) else {
            throw UsageError("\(name) expects a whole number from 0 to \(UInt64.max), got '\(text)'")
        }
        return value
    }

    /// The option parsed as a non-negative number of seconds (`2`, `0.5`, `250ms`, `1.5s`).
    public func seconds(_ name: String) throws(UsageError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = DurationText.parseSeconds(text), value >= 0 else {
            throw UsageError("\(name) expects a duration such as 2, 0.5, 250ms or 1.5s, got '\(text)'")
        }
        return value
    }

    /// The option, which must be one of `choices`.
    public func choice(_ name: String, from choices: [String]) throws(UsageError) -> String? {
        guard let text = string(name) else { return nil }
        guard choices.contains(text) else {
            throw UsageError("\(name) must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }
}
