import Foundation
import HTTPWire

// MARK: - TextSanitizer

/// Cleans free text before it goes into any report: ANSI escapes and control characters removed,
/// secrets masked, length capped.
///
/// XML 1.0 allows only TAB, LF and CR below U+0020 (and forbids U+FFFE/U+FFFF); CI readers reject
/// `&#27;` even as a character reference, so forbidden characters are dropped, not escaped.
public enum TextSanitizer {
    /// Everything a report needs: ``stripTerminalEscapes(_:)``, ``redactSecrets(_:)``, then ``truncate(_:maxBytes:)``.
    public static func clean(_ text: String, maxBytes: Int = .max) -> String {
        truncate(redactSecrets(stripTerminalEscapes(text)), maxBytes: maxBytes)
    }

    /// Removes ANSI/VT escape sequences (CSI, OSC, two-byte ESC) and every character XML 1.0 forbids
    /// or that is a C0/C1 control other than TAB, LF and CR.
    public static func stripTerminalEscapes(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == 0x1B {  // ESC
                i += 1
                guard i < scalars.count else { break }
                let next = scalars[i].value
                if next == 0x5B {  // CSI: ESC [ params intermediates final
                    i = skipCSI(scalars, from: i + 1)
                } else if next == 0x5D || next == 0x50 || next == 0x5F || next == 0x5E {  // OSC, DCS, APC, PM
                    i = skipString(scalars, from: i + 1)
                } else {
                    i += 1  // two-byte sequence (ESC c, ESC 7 …)
                }
                continue
            }
            if v == 0x9B {  // C1 CSI
                i = skipCSI(scalars, from: i + 1)
                continue
            }
            if isAllowed(v) { out.append(scalars[i]) }
            i += 1
        }
        return String(out)
    }

    private static func skipCSI(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count {
            let v = s[i].value
            i += 1
            if (0x40...0x7E).contains(v) { return i }  // final byte
            if !(0x20...0x3F).contains(v) { return i - 1 }  // malformed: stop before it
        }
        return i
    }

    private static func skipString(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count {
            let v = s[i].value
            if v == 0x07 { return i + 1 }  // BEL
            if v == 0x1B, i + 1 < s.count, s[i + 1].value == 0x5C { return i + 2 }  // ST
            i += 1
        }
        return i
    }

    /// Whether an XML 1.0 document may contain the scalar (C1 controls and DEL also excluded).
    static func isAllowed(_ v: UInt32) -> Bool {
        switch v {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// Masks credentials (``SecretMasking/redactTokens(_:)``): `Authorization`/`api-key` values,
    /// `Bearer` tokens, `sk-…` keys (last 4 kept), URL user-info and key-like query parameters.
    public static func redactSecrets(_ text: String) -> String {
        SecretMasking.redactTokens(text)
    }

    /// A base URL for a report: user-info, query and fragment dropped
    /// (`http://u:p@host:1234/v1?key=x` → `http://host:1234/v1`); text that is not a URL is
    /// masked with ``SecretMasking/redactURL(_:)``.
    public static func redactURL(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.host != nil else { return SecretMasking.redactURL(text) }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string.map(SecretMasking.redactURL) ?? SecretMasking.redactURL(text)
    }

    /// `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary, with a marker saying how much was dropped.
    public static func truncate(_ text: String, maxBytes: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > maxBytes, maxBytes > 0 else { return maxBytes <= 0 ? "" : text }
        var kept = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > maxBytes { break }
            kept.append(character)
            bytes += size
        }
        return kept + "\n… [truncated \(utf8.count - bytes) bytes]"
    }

    /// The first line of `text`, at most `maxCharacters` long (ellipsis added when cut).
    public static func headline(_ text: String, maxCharacters: Int = 200) -> String {
        let line = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > maxCharacters else { return trimmed }
        return String(trimmed.prefix(maxCharacters - 1)) + "…"
    }

    /// A name part safe for a dotted JUnit classname: lowercase `[a-z0-9_-]`, other characters become `-`, never empty.
    public static func identifierComponent(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            let v = scalar.value
            let ok = (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) || v == 0x5F || v == 0x2D
            return ok ? Character(scalar) : "-"
        }
        let result = String(mapped).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return result.isEmpty ? "unknown" : result
    }
}
