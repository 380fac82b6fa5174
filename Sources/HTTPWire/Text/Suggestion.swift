// MARK: - Suggestion

/// "Did you mean …?" for a misspelt flag, key, name or subcommand: one rule for every parser.
///
/// ```swift
/// Suggestion.closest(to: "--modle", among: ["--model", "--mode"])  // "--model"
/// ```
public enum Suggestion {
    /// The candidate closest to `word`, or `nil` when none is close enough.
    ///
    /// Comparison ignores case. A candidate that extends `word` or that `word` extends (both at
    /// least three characters, `idle` → `idle_ms`) counts as distance 1. Ties go to the
    /// alphabetically first candidate, so the answer never depends on the candidates' order.
    /// - Parameters:
    ///   - word: What the user typed.
    ///   - candidates: The accepted spellings.
    ///   - maxDistance: The largest ``editDistance(_:_:)`` still suggested; defaults to
    ///     `max(2, word.count / 3)`.
    /// - Complexity: O(n·m) per candidate for words of length n and m.
    public static func closest(to word: String, among candidates: some Sequence<String>, maxDistance: Int? = nil) -> String? {
        let limit = maxDistance ?? max(2, word.count / 3)
        let lower = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let c = candidate.lowercased()
            let distance: Int
            if c == lower {
                distance = 0
            } else if lower.count >= 3, c.count >= 3, c.hasPrefix(lower) || lower.hasPrefix(c) {
                distance = 1
            } else {
                distance = editDistance(lower, c)
            }
            guard distance <= limit else { continue }
            if let current = best, current.distance < distance || (current.distance == distance && current.candidate <= candidate) {
                continue
            }
            best = (candidate, distance)
        }
        return best?.candidate
    }

    /// The Levenshtein distance between `a` and `b` (insertions, deletions and substitutions of
    /// characters each cost 1). Case-sensitive.
    /// - Complexity: O(n·m) time, O(m) memory.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
