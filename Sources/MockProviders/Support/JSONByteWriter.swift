import HTTPWire

/// Writes compact JSON straight into bytes, for the mocks' hottest responses.
///
/// Building a ``JSONValue`` tree for every answer costs an array per object and a retain per
/// key; these responses have a fixed shape, so their constant parts are written as literal bytes
/// and only the variable values go through ``JSONValue/writeString(_:to:)``. The output must stay
/// byte-identical to ``JSONValue/serialized()`` of the equivalent tree (tests pin it).
struct JSONByteWriter {
    var bytes: [UInt8]

    init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends literal JSON text (punctuation, keys, constant values) as is.
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends literal bytes as is.
    @inline(__always)
    mutating func raw(_ prepared: [UInt8]) {
        bytes.append(contentsOf: prepared)
    }

    /// Appends `text` as a quoted, escaped JSON string.
    @inline(__always)
    mutating func string(_ text: String) {
        JSONValue.writeString(text, to: &bytes)
    }

    /// Appends an integer.
    @inline(__always)
    mutating func integer(_ value: Int) {
        JSONValue.writeInteger(Int64(value), to: &bytes)
    }

    /// Appends an integer.
    @inline(__always)
    mutating func integer(_ value: Int64) {
        JSONValue.writeInteger(value, to: &bytes)
    }

    /// Appends any JSON value (the cold, variable-shaped parts).
    @inline(__always)
    mutating func value(_ value: JSONValue) {
        value.write(to: &bytes)
    }
}
