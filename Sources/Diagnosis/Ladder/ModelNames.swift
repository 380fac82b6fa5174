import Foundation
import HTTPWire

/// Model-name comparison: Ollama normalization, closest-name suggestions (ranked with
/// HTTPWire's `Suggestion.editDistance`, plus a same-base-name preference of its own).
public enum ModelNames {
    /// Ollama's canonical form: lower-cased, `:latest` when no tag, `registry.ollama.ai/library/` dropped.
    public static func normalizeOllama(_ name: String) -> String {
        var n = name.lowercased().trimmingCharacters(in: " ")
        for prefix in ["registry.ollama.ai/library/", "library/"] where n.hasPrefix(prefix) { n.removeFirst(prefix.count) }
        let last = n.split(separator: "/").last ?? Substring(n)
        if !last.contains(":") { n += ":latest" }
        return n
    }

    /// Name without tag (`llama3.2:3b` → `llama3.2`).
    public static func baseName(_ name: String) -> String {
        let n = normalizeOllama(name)
        guard let colon = n.lastIndex(of: ":") else { return n }
        return String(n[..<colon])
    }

    /// Up to `limit` installed names closest to `wanted`: same base name with another tag first,
    /// then by edit distance (only reasonably close ones).
    public static func closest(to wanted: String, in installed: [String], limit: Int = 3) -> [String] {
        let w = normalizeOllama(wanted)
        let wBase = baseName(wanted)
        let scored = installed.map { name -> (String, Int) in
            let n = normalizeOllama(name)
            if baseName(name) == wBase { return (name, 0) }
            // A typo (one or two edits) beats a mere prefix: gpt-4o-mimi → gpt-4o-mini before gpt-4o.
            let distance = Suggestion.editDistance(w, n)
            if distance <= 2 { return (name, 1) }
            if baseName(name).hasPrefix(wBase) || wBase.hasPrefix(baseName(name)) { return (name, 2) }
            return (name, 2 + distance)
        }
        let threshold = max(4, w.count / 2) + 2
        return scored.filter { $0.1 <= threshold }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(limit).map(\.0)
    }

    /// Compares dotted versions (`0.3.4` < `0.3.10`); pre-release suffixes are ignored.
    public static func version(_ a: String, isOlderThan b: String) -> Bool {
        func parts(_ s: String) -> [Int] {
            s.trimmingCharacters(in: "v").split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        }
        let x = parts(a), y = parts(b)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : 0, r = i < y.count ? y[i] : 0
            if l != r { return l < r }
        }
        return false
    }
}
