import HTTPWire

/// A shell-style pattern where `*` matches any run of characters and `?` one character;
/// everything else matches literally (case-sensitive).
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.characters = Array(pattern)
    }

    public var description: String { pattern }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        let t = Array(text)
        var p = 0
        var s = 0
        var star = -1
        var mark = 0
        while s < t.count {
            if p < characters.count, characters[p] == "?" || characters[p] == t[s] {
                p += 1
                s += 1
            } else if p < characters.count, characters[p] == "*" {
                star = p
                mark = s
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                s = mark
            } else {
                return false
            }
        }
        while p < characters.count, characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}
