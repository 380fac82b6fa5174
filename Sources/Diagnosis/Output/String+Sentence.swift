extension String {
    /// The text with its first letter upper-cased, for a message shown as a sentence
    /// ("the URL has no port…" → "The URL has no port…").
    var sentenceCased: String {
        guard let first = first, first.isLowercase else { return self }
        return first.uppercased() + dropFirst()
    }
}
