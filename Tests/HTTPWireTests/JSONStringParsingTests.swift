import HTTPWire
import Testing

@Suite("JSON strings: the escape-free fast path and the escaping path agree")
struct JSONStringParsingTests {
    @Test(arguments: [
        ("\"\"", ""),
        ("\"plain\"", "plain"),
        ("\"caf\u{E9} \u{1F600}\"", "caf\u{E9} \u{1F600}"),
        (#""a\"b""#, "a\"b"),
        (#""\\start""#, "\\start"),
        (#""end\n""#, "end\n"),
        (#""tab\there\u00e9\ud83d\ude00/\/""#, "tab\there\u{E9}\u{1F600}//"),
        (#""lone \ud800 surrogate""#, "lone \u{FFFD} surrogate"),
    ])
    func parsesStrings(_ input: String, _ expected: String) throws {
        #expect(try JSONValue.parse(input) == .string(expected))
        // As an object key and value too (keys take the same path).
        let object = try JSONValue.parse("{\(input):\(input)}")
        #expect(object.keys == [expected])
        #expect(object[expected] == .string(expected))
    }

    @Test func invalidUTF8IsRepairedTheSameWithOrWithoutEscapes() throws {
        let plain: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        let escaped: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x5C, 0x6E, 0x22]
        #expect(try JSONValue.parse(plain) == .string("a\u{FFFD}b"))
        #expect(try JSONValue.parse(escaped) == .string("a\u{FFFD}b\n"))
    }

    @Test(arguments: [
        ("\"abc", 1, 1, "unterminated string"),
        ("[\"ab\\", 1, 6, "unterminated escape"),
        ("{\"a\":\"x\ny\"}", 1, 8, "control character"),
        ("\"ok\\q\"", 1, 4, "invalid escape"),
        ("[\"x\", \"unterminated", 1, 7, "unterminated string"),
    ])
    func errorsNameTheirPosition(_ input: String, _ line: Int, _ column: Int, _ message: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
        do {
            _ = try JSONValue.parse(input)
        } catch {
            #expect(error.line == line)
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -1_000_000, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_234_567_890, Int64.max])
    func writeIntegerMatchesDecimalText(_ value: Int64) {
        var out: [UInt8] = [0x5B]
        JSONValue.writeInteger(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "[" + String(value))
    }
}
