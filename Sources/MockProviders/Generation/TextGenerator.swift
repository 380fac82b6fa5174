import HTTPWire

/// Produces the deterministic "model output" of the mocks.
///
/// Output depends only on the mock's seed, the model name and the prompt, so the same request
/// against the same seed always yields the same tokens. A token is one word with its leading
/// space (the first token has none); punctuation is attached to the word before it.
public struct TextGenerator: Sendable {
    /// The seed mixed into every choice.
    public var seed: UInt64
    /// A fixed reply used instead of generated words (split into word tokens), if set.
    public var fixedReply: String?

    public init(seed: UInt64, fixedReply: String? = nil) {
        self.seed = seed
        self.fixedReply = fixedReply
    }

    /// The result of one generation.
    public struct Output: Sendable, Hashable {
        /// The tokens in order; their concatenation is the text.
        public var tokens: [String]
        /// Whether generation stopped at the token limit (`length`) rather than naturally (`stop`).
        public var hitLimit: Bool
        /// Tokens counted for the prompt.
        public var promptTokens: Int
        public var text: String { tokens.joined() }
    }

    static let words: [String] = [
        "the", "model", "answers", "quickly", "local", "server", "stream", "token", "latency", "request",
        "response", "client", "retry", "timeout", "context", "window", "prompt", "llama", "runs", "on",
        "your", "machine", "and", "returns", "a", "short", "reply", "with", "every", "chunk", "sent",
        "over", "loopback", "while", "the", "harness", "measures", "time", "to", "first", "byte", "sky",
        "is", "blue", "because", "sunlight", "scatters", "in", "air", "ollama", "studio", "checks",
        "that", "errors", "are", "handled", "gracefully", "before", "shipping", "code", "people", "rely",
        "upon", "each", "day", "of", "week", "so", "it", "keeps", "going", "until", "done",
    ]

    /// ``words`` with the first letter upper-cased (a sentence start).
    static let capitalizedWords: [String] = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }
    /// ``words`` after a space (every token but the first).
    static let spacedWords: [String] = words.map { " " + $0 }
    /// ``capitalizedWords`` after a space.
    static let spacedCapitalizedWords: [String] = capitalizedWords.map { " " + $0 }

    /// Generates a reply for `prompt` on `model`.
    ///
    /// - Parameters:
    ///   - maximumTokens: the request's limit (`max_tokens`, `num_predict`); nil or ≤ 0 is unlimited.
    public func generate(model: String, prompt: String, maximumTokens: Int?) -> Output {
        let promptTokens = TextGenerator.countTokens(prompt)
        var tokens: [String]
        if let fixedReply {
            tokens = TextGenerator.wordTokens(fixedReply)
        } else {
            var rng = SeededRandom(seed: seed, mixing: model, prompt)
            let count = 12 + Int(rng.next() % 28)
            tokens = []
            tokens.reserveCapacity(count)
            var startSentence = true
            let vocabulary = UInt64(TextGenerator.words.count)
            for i in 0..<count {
                // Words and their capitalised forms, with and without the leading space, come
                // from tables built once; only punctuation concatenates (small strings, no allocation).
                let index = Int(rng.next() % vocabulary)
                let table = startSentence
                    ? (i == 0 ? TextGenerator.capitalizedWords : TextGenerator.spacedCapitalizedWords)
                    : (i == 0 ? TextGenerator.words : TextGenerator.spacedWords)
                var token = table[index]
                startSentence = false
                if i == count - 1 {
                    token += "."
                } else if rng.next() % 9 == 0 {
                    let isPeriod = rng.next() % 2 != 0
                    token += isPeriod ? "." : ","
                    startSentence = isPeriod
                }
                tokens.append(token)
            }
        }
        var hitLimit = false
        if let maximumTokens, maximumTokens > 0, tokens.count > maximumTokens {
            tokens = Array(tokens.prefix(maximumTokens))
            hitLimit = true
        }
        return Output(tokens: tokens, hitLimit: hitLimit, promptTokens: promptTokens)
    }

    /// Splits text into word tokens that keep their leading whitespace.
    static func wordTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var seenWord = false
        for ch in text {
            if ch.isWhitespace, seenWord {
                tokens.append(current)
                current = String(ch)
                seenWord = false
            } else {
                current.append(ch)
                if !ch.isWhitespace { seenWord = true }
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// A rough, stable token count: one token per four UTF-8 bytes, at least one for non-empty text.
    public static func countTokens(_ text: String) -> Int {
        let n = text.utf8.count
        return n == 0 ? 0 : max(1, (n + 3) / 4)
    }
}
