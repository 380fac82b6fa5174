/// When output is coloured: `--color auto|always|never`.
///
/// `auto` (the default) colours a stream only when it is a terminal, `NO_COLOR` is unset or empty
/// (https://no-color.org) and `TERM` is not `dumb`. `always` and `never` override all three.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto
    case always
    case never

    /// Whether a stream gets colour under this mode.
    ///
    /// - Parameters:
    ///   - isTerminal: Whether the stream is a terminal.
    ///   - environment: The process environment (`NO_COLOR`, `TERM`).
    public func usesColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isTerminal && Self.terminalAcceptsEscapes(environment) && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }

    /// Whether the terminal understands escape sequences (colour, "erase line"): `TERM` is not `dumb`.
    public static func terminalAcceptsEscapes(_ environment: [String: String]) -> Bool {
        environment["TERM"] != "dumb"
    }
}
