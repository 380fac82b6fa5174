import Foundation

// MARK: - Escaping

/// Escaping for the text formats the writers produce. Input is first cleaned with
/// ``TextSanitizer/stripTerminalEscapes(_:)`` so that no forbidden character survives.
public enum Escaping {
    /// XML/HTML element text: `& < >` escaped (so `]]>` can never appear), quotes too for safety.
    public static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in TextSanitizer.stripTerminalEscapes(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// XML/HTML attribute value: like ``xml(_:)`` plus TAB/LF/CR as character references (attribute
    /// normalisation would otherwise turn them into spaces).
    public static func xmlAttribute(_ text: String) -> String {
        var out = ""
        for scalar in xml(text).unicodeScalars {
            switch scalar {
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One Markdown table cell: one line, `|` and backticks neutralised, HTML-significant characters escaped.
    public static func markdownCell(_ text: String, maxCharacters: Int = 160) -> String {
        let line = TextSanitizer.stripTerminalEscapes(text)
            .replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\t", with: " ")
        let cut = line.count > maxCharacters ? String(line.prefix(maxCharacters - 1)) + "…" : line
        var out = ""
        for character in cut {
            switch character {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "`": out += "'"
            default: out.append(character)
            }
        }
        return out
    }

    /// One CSV field (RFC 4180): quoted when it contains a comma, quote or line break.
    public static func csvField(_ text: String) -> String {
        let clean = TextSanitizer.stripTerminalEscapes(text)
        guard clean.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return clean }
        return "\"" + clean.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
