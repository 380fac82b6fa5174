import Foundation
import HTTPWire
import Testing
@testable import Reporting

@Suite("Text sanitizing and formatting")
struct TextTests {
    @Test("ANSI sequences and XML-forbidden control characters are removed, TAB/LF/CR kept")
    func stripsControls() {
        let hostile = "\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{07}ok\u{00}\u{01}\u{08}\u{0B}\u{0C}\u{7F}\u{85}\u{FFFE}\ttab\nline\r\n"
        let clean = TextSanitizer.stripTerminalEscapes(hostile)
        #expect(clean == "red ok\ttab\nline\r\n")
        #expect(TextSanitizer.stripTerminalEscapes("\u{1B}") == "")
        #expect(TextSanitizer.stripTerminalEscapes("a\u{1B}[") == "a")
    }

    @Test("escaping neutralises markup and the CDATA terminator")
    func escaping() {
        #expect(Escaping.xml("<\"&]]>'") == "&lt;&quot;&amp;]]&gt;&#39;")
        #expect(Escaping.xmlAttribute("a\nb\tc") == "a&#10;b&#9;c")
        #expect(Escaping.markdownCell("a|b\nc `x` <b>") == "a\\|b c 'x' &lt;b&gt;")
        #expect(Escaping.csvField("a,\"b\"") == "\"a,\"\"b\"\"\"")
    }

    @Test("secrets are masked in text and URLs")
    func secrets() {
        let text = "Authorization: Bearer sk-proj-abcdefghijklmnop1234 and x-api-key: topsecret, key sk-abcdefghWXYZ"
        let masked = TextSanitizer.redactSecrets(text)
        #expect(!masked.contains("abcdefghijklmnop"))
        #expect(!masked.contains("topsecret"))
        #expect(masked.contains("Authorization: Bearer ***"))
        #expect(masked.contains("…WXYZ"))
        #expect(TextSanitizer.redactURL("https://user:pw@api.example.test:8443/v1?key=abc#x") == "https://api.example.test:8443/v1")
    }

    @Test("numbers never use locale separators", arguments: [
        (0.0, 3, "0.000"), (1.5, 3, "1.500"), (8926.9534, 3, "8926.953"), (-0.0004, 3, "0.000"), (-2.5, 1, "-2.5"),
        (0.9996, 3, "1.000"), (123456789.0, 0, "123456789"),
    ])
    func fixedDecimals(value: Double, digits: Int, expected: String) {
        #expect(NumberText.fixed(value, digits: digits) == expected)
    }

    @Test("truncation keeps whole characters and says how much was cut")
    func truncation() {
        let text = String(repeating: "é", count: 100)
        let cut = TextSanitizer.truncate(text, maxBytes: 11)
        #expect(cut.hasPrefix(String(repeating: "é", count: 5)))
        #expect(cut.contains("truncated 190 bytes"))
        #expect(TextSanitizer.identifierComponent("Chrome 123.0") == "chrome-123-0")
        #expect(TextSanitizer.identifierComponent("…") == "unknown")
    }
}
