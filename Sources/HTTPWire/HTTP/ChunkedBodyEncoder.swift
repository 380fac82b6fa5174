/// Writes the chunked transfer coding (RFC 9112 §7.1): the one encoder for every writer in
/// llmcheck (the server connection, the fault injector's raw mode, the bench).
///
/// Stateless; the counterpart of ``ChunkedBodyDecoder``.
public enum ChunkedBodyEncoder {
    /// The last chunk and the empty trailer section: `0\r\n\r\n`.
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the size line of a chunk of `size` bytes (lowercase hex, CRLF).
    public static func appendSizeLine(_ size: Int, to out: inout [UInt8]) {
        let count = max(0, size)
        var shift = (Int.bitWidth - count.leadingZeroBitCount + 3) / 4 * 4 - 4
        if shift < 0 { shift = 0 }
        while shift >= 0 {
            out.append(hexDigits[(count >> shift) & 0xF])
            shift -= 4
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Appends one chunk carrying `bytes`; nothing for empty `bytes` (an empty chunk would end the body).
    public static func appendChunk(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        appendSizeLine(bytes.count, to: &out)
        out.append(contentsOf: bytes)
        out.append(0x0D)
        out.append(0x0A)
    }

    /// One chunk carrying `bytes`, as a new array.
    public static func chunk(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 12)
        appendChunk(bytes, to: &out)
        return out
    }
}
