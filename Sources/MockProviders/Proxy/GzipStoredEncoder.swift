/// A gzip (RFC 1952) stream made of stored DEFLATE blocks (RFC 1951 §3.2.4, BTYPE 00): valid gzip
/// any client decodes, written piece by piece as a stream is relayed, without compressing (Foundation
/// has no gzip encoder on Linux, and no zlib is linked; compression ratios are not what
/// `--emulate gzip` is about — the `Content-Encoding` and the decoder in the client are).
struct GzipStoredEncoder {
    private var crc: UInt32 = 0xFFFF_FFFF
    private var size: UInt32 = 0
    private var startedHeader = false

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The gzip bytes for `data` (with the gzip header before the first piece).
    mutating func encode(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        if !startedHeader {
            startedHeader = true
            out += [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        }
        var offset = 0
        while offset < data.count {
            let end = min(data.count, offset + 65_535)
            let n = UInt16(end - offset)
            out += [0x00, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)]
            out += data[offset..<end]
            offset = end
        }
        for byte in data { crc = GzipStoredEncoder.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        size = size &+ UInt32(truncatingIfNeeded: data.count)
        return out
    }

    /// The final empty stored block and the gzip trailer (CRC-32 and size).
    mutating func finish() -> [UInt8] {
        var out = encode([])
        out += [0x01, 0x00, 0x00, 0xFF, 0xFF]
        let c = ~crc
        out += [UInt8(c & 0xFF), UInt8((c >> 8) & 0xFF), UInt8((c >> 16) & 0xFF), UInt8(c >> 24)]
        out += [UInt8(size & 0xFF), UInt8((size >> 8) & 0xFF), UInt8((size >> 16) & 0xFF), UInt8(size >> 24)]
        return out
    }
}
