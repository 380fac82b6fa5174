extension String {
    /// The path without one trailing `/` (`/` itself stays `/`), as the personalities route.
    ///
    /// ASCII paths (what clients send) are decided on bytes, without counting Characters; any
    /// other path takes the Character-based rule, so both give the same answer.
    var withoutTrailingSlash: String {
        var copy = self  // a native string's bytes are read in place, without a copy
        let ascii = copy.withUTF8 { bytes -> (isASCII: Bool, endsWithSlash: Bool) in
            for b in bytes where b >= 0x80 { return (false, false) }
            return (true, bytes.count > 1 && bytes[bytes.count - 1] == UInt8(ascii: "/"))
        }
        if ascii.isASCII { return ascii.endsWithSlash ? String(dropLast()) : self }
        return count > 1 && hasSuffix("/") ? String(dropLast()) : self
    }
}
