extension String {
    /// The path without one trailing `/` (`/` itself stays `/`), as the personalities route.
    ///
    /// ASCII paths (what clients send) are decided on bytes, without counting Characters; any
    /// other path takes the Character-based rule, so both give the same answer.
    var withoutTrailingSlash: String {
        let utf8 = self.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            return utf8.count > 1 && utf8.last == UInt8(ascii: "/") ? String(dropLast()) : self
        }
        return count > 1 && hasSuffix("/") ? String(dropLast()) : self
    }
}
