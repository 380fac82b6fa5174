import HTTPWire
import Testing

/// The fast serializer (runs copied in one append, integers without `String`) must stay
/// byte-identical to the obvious byte-at-a-time definition kept here as the reference.
@Suite("JSON serialization equivalence")
struct JSONSerializationEquivalenceTests {
    // MARK: - Reference

    private static func reference(_ root: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        func string(_ s: String) {
            out.append(0x22)
            for byte in s.utf8 {
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case 0x08: out += [0x5C, 0x62]
                case 0x0C: out += [0x5C, 0x66]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: out.append(byte)
                }
            }
            out.append(0x22)
        }
        func value(_ v: JSONValue) {
            switch v {
            case .null: out += Array("null".utf8)
            case .bool(let b): out += Array((b ? "true" : "false").utf8)
            case .integer(let i): out += Array(String(i).utf8)
            case .number(let d): out += Array(JSONValue.format(d).utf8)
            case .string(let s): string(s)
            case .array(let items):
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    value(item)
                }
                out.append(UInt8(ascii: "]"))
            case .object(let pairs):
                out.append(UInt8(ascii: "{"))
                for (i, (k, item)) in pairs.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    string(k)
                    out.append(UInt8(ascii: ":"))
                    value(item)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
        value(root)
        return out
    }

    // MARK: - Cases

    @Test("documents serialize byte-identically", arguments: [
        #"{"a":[1,2.5,-3,1e300,true,false,null],"b":"quote \" back \\ nl \n tab \t cr \r bell \u0007 del \u007f é 日本 😀"}"#,
        #"[]"#, #"{}"#, #""""#, #"{"k":{"n":[{"x":""}]}}"#, #"[0.1,123456789012,-0.0,3.14159]"#,
        #"["\\\\", "\"\"", "\b\f", "\u0000\u001f", "end\\"]"#,
    ])
    func documents(_ text: String) throws {
        let value = try JSONValue.parse(text)
        #expect(value.serializedBytes() == Self.reference(value))
        var appended: [UInt8] = [0x41]
        value.write(to: &appended)
        #expect(appended == [0x41] + Self.reference(value))
    }

    @Test("every ASCII byte, alone and in runs, escapes like the reference")
    func everyASCIIByte() {
        for byte in UInt8(0)..<128 {
            for text in [String(decoding: [byte], as: UTF8.self), "ab" + String(decoding: [byte, byte], as: UTF8.self) + "é"] {
                let value = JSONValue.string(text)
                #expect(value.serializedBytes() == Self.reference(value), "byte \(byte)")
            }
        }
    }

    @Test("integers at the edges", arguments: [0, 1, 9, 10, -1, -9, -10, 99, 100, 12345, Int64.max, Int64.min, Int64(Int32.max), -1_000_000] as [Int64])
    func integers(_ i: Int64) {
        let value = JSONValue.array([.integer(i), .string(""), .object([("", .integer(i))])])
        #expect(value.serializedBytes() == Self.reference(value))
        #expect(value.serialized() == "[\(i),\"\",{\"\":\(i)}]")
    }
}
