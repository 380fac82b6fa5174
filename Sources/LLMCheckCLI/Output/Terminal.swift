import HTTPWire

/// Terminal facts and ANSI styling, applied only when the stream is a terminal.
public enum Terminal {
    /// Whether `fileDescriptor` refers to a terminal (`isatty`).
    public static func isTerminal(fileDescriptor: Int32) -> Bool {
        Syscalls.isTerminal(fileDescriptor)
    }

    public enum Style: String, Sendable {
        case bold = "1"
        case dim = "2"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case blue = "34"
        case cyan = "36"
    }

    /// `text` wrapped in the style's escape codes when `enabled`, else unchanged.
    public static func style(_ text: String, _ style: Style, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
