extension SeededRandom {
    /// A named stream of per-request generators (`ids`, `jitter`, …) whose name is hashed once.
    ///
    /// `Stream(seed: s, name: n).generator(number: k)` is the same generator as
    /// `SeededRandom(seed: s, mixing: n, String(k))`, without building or hashing the two strings
    /// on every request.
    public struct Stream: Sendable {
        /// The state after mixing the name (the first step of `init(seed:mixing:)`).
        private let prefix: UInt64

        public init(seed: UInt64, name: String) {
            prefix = SeededRandom.mix(seed ^ 0x9E37_79B9_7F4A_7C15 ^ SeededRandom.stableHash(name))
        }

        /// The generator of request `number`.
        public func generator(number: Int) -> SeededRandom {
            SeededRandom(seed: SeededRandom.mix(prefix ^ SeededRandom.stableHash(decimal: number)))
        }
    }

    /// `stableHash(String(value))` without building the string: FNV-1a over the decimal digits.
    public static func stableHash(decimal value: Int) -> UInt64 {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: a sign and the 19 digits of Int.max
        return withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = value.magnitude
            var start = 24
            repeat {
                start -= 1
                buffer[start] = 0x30 &+ UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for i in start..<24 {
                h ^= UInt64(buffer[i])
                h = h &* 0x0000_0100_0000_01B3
            }
            return h
        }
    }
}
