import Reporting

/// Number formatting shared by the console table, progress lines and HTML (POSIX `.` decimals).
enum LoadFormat {
    /// Up to 3 decimals, trailing zeros dropped (`2`, `0.5`, `12.345`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        var text = NumberText.fixed(value, digits: 3)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Milliseconds with 2 decimals, or `–`.
    static func ms(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return NumberText.fixed(value, digits: 2)
    }
}
