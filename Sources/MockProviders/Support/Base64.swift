import Foundation
import HTTPWire

/// Base64 helpers (standard alphabet, padded).
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return [UInt8](data)
    }

    /// Little-endian float32 bytes of `values`, base64-encoded (OpenAI `encoding_format: base64`).
    static func encodeFloat32LittleEndian(_ values: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for v in values {
            let bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return encode(bytes)
    }
}
