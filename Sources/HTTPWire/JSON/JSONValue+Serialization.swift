extension JSONValue {
    /// The compact JSON text of the value (no spaces), keys in their stored order.
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// The compact JSON bytes of the value.
    public func serializedBytes() -> [UInt8] {
        serializedBytes(reservingCapacity: 256)
    }

    /// The compact JSON bytes of the value, with room for `capacity` bytes reserved up front.
    public func serializedBytes(reservingCapacity capacity: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Human-readable JSON with two-space indentation and `": "` separators.
    public func prettySerialized() -> String {
        var out: [UInt8] = []
        write(to: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact JSON bytes of the value to `out` (the mocks' hot path: no intermediate arrays).
    public func write(to out: inout [UInt8]) {
        write(to: &out, indent: nil, level: 0)
    }

    /// Appends the JSON bytes of the value to `out`.
    public func write(to out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: JSONValue.nullBytes)
        case .bool(let b): out.append(contentsOf: b ? JSONValue.trueBytes : JSONValue.falseBytes)
        case .integer(let i): JSONValue.writeInteger(i, to: &out)
        case .number(let d): out.append(contentsOf: JSONValue.format(d).utf8)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(&out, indent, level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            if !items.isEmpty { newline(&out, indent, level) }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in pairs {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(&out, indent, level + 1)
                JSONValue.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                value.write(to: &out, indent: indent, level: level + 1)
            }
            if !pairs.isEmpty { newline(&out, indent, level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes: [UInt8] = Array("null".utf8)
    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the decimal digits of `i` without allocating a `String` (as ``write(to:)`` writes
    /// an ``integer(_:)``), for code that writes JSON bytes directly.
    public static func writeInteger(_ i: Int64, to out: inout [UInt8]) {
        if i >= 0, i < 10 {
            out.append(0x30 &+ UInt8(i))
            return
        }
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = i.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of UInt64.max
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 || count == 0 {
                buffer[23 - count] = 0x30 &+ UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    private func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent * level))
    }

    /// Formats a Double the way JSON expects: integral values without a fraction, no `inf`/`nan`
    /// (written as `null`), otherwise the shortest round-tripping form.
    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Appends `s` as a quoted JSON string, escaping quotes, backslashes and control characters
    /// (`\n`, `\r`, `\t`, `\b`, `\f`, otherwise `\u00XX`); everything else, multibyte UTF-8
    /// included, is copied as is. Unescaped runs are appended in one copy, not byte by byte.
    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { buffer in
            var start = 0
            for i in 0..<buffer.count {
                let byte = buffer[i]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if i > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<i])) }
                start = i + 1
                out.append(0x5C)
                switch byte {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(0x6E)
                case 0x0D: out.append(0x72)
                case 0x09: out.append(0x74)
                case 0x08: out.append(0x62)
                case 0x0C: out.append(0x66)
                default:
                    out.append(0x75)
                    out.append(0x30)
                    out.append(0x30)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
            }
            if start < buffer.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...])) }
        }
        out.append(0x22)
    }
}
