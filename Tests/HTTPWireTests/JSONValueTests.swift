import HTTPWire
import Testing

@Suite struct JSONValueTests {
    @Test func roundTripKeepsKeyOrder() throws {
        let text = #"{"z":1,"a":[true,false,null],"m":{"s":"x\ny\u00e9\ud83d\ude00","n":-1.5e3}}"#
        let value = try JSONValue.parse(text)
        #expect(value.keys == ["z", "a", "m"])
        #expect(value["m"]?["s"]?.stringValue == "x\nyé😀")
        #expect(value["m"]?["n"]?.doubleValue == -1500)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(JSONValue.object([("b", 1), ("a", 2)]).serialized() == #"{"b":1,"a":2}"#)
    }

    @Test(arguments: [
        ("", 1, 1), ("{", 1, 2), ("{\"a\" 1}", 1, 6), ("[1,]", 1, 4), ("{\n  \"a\": tru }", 2, 8),
        ("01", 1, 1), ("\"\\x\"", 1, 2), ("[1] 2", 1, 5), ("\"a\u{01}\"", 1, 3),
    ])
    func errorsNamePosition(input: String, line: Int, column: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
        do {
            _ = try JSONValue.parse(input)
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
        }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}
