extension String {
    /// Whether both strings have exactly the same UTF-8 bytes.
    ///
    /// Stricter than `==`, which calls canonically equivalent texts equal; used by caches whose
    /// values are computed from the bytes. Compares contiguous storage directly when it can.
    func hasSameBytes(as other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        let fast = a.withContiguousStorageIfAvailable { pa in
            b.withContiguousStorageIfAvailable { pb in
                for i in 0..<pa.count where pa[i] != pb[i] { return false }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return a.elementsEqual(b)
    }
}
