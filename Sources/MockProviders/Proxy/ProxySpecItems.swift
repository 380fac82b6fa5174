import HTTPWire

/// The `key=value` (or `key:value`) items of a `--toxic` or `--emulate` spec, each with the
/// column where it starts, so an error names the item and the column.
struct ProxySpecItems {
    struct Item {
        var key: String
        var value: String?
        /// 1-based column of the item in the spec.
        var column: Int
    }

    let text: String
    var items: [Item] = []

    /// Splits `text` on commas; `separators` are the characters between key and value.
    init(_ text: String, separators: Set<Character> = ["=", ":"]) {
        self.text = text
        var column = 1
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingSpaces()
            if let sep = trimmed.firstIndex(where: { separators.contains($0) }) {
                items.append(Item(key: String(trimmed[..<sep]).lowercased(), value: String(trimmed[trimmed.index(after: sep)...]), column: column))
            } else {
                items.append(Item(key: trimmed.lowercased(), value: nil, column: column))
            }
            column += part.count + 1
        }
    }

    /// `"'spec' column N (item): message"`.
    func message(_ item: Item, _ text: String) -> String {
        "'\(self.text)' column \(item.column) (\(item.key)\(item.value.map { "=\($0)" } ?? "")): \(text)"
    }

    func duration(_ item: Item) -> Duration? {
        guard let v = item.value else { return nil }
        // Toxiproxy gives milliseconds as bare numbers.
        if let ms = CheckedNumber.number(v, in: 0...86_400_000) { return .nanoseconds(Int64(ms * 1e6)) }
        return DurationText.parse(v)
    }
}
