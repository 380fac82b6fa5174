import HTTPWire
import Reporting

/// Number formatting shared by the console table, progress lines and HTML (POSIX `.` decimals).
enum LoadFormat {
    /// ``NumberText/short(_:)`` (`2`, `0.5`, `12.35`), or `–` when not finite.
    static func number(_ value: Double) -> String {
        value.isFinite ? NumberText.short(value) : "–"
    }

    /// Milliseconds with 2 decimals, or `–`.
    static func ms(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return NumberText.fixed(value, digits: 2)
    }
}
