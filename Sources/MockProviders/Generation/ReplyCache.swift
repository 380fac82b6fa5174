import Foundation
import HTTPWire

/// Generated replies by model, prompt and token limit, so that repeated requests (a benchmark, a
/// retry loop, a test suite asking the same question) skip generation and text joining.
///
/// Generation is a pure function of the generator's seed and fixed reply (fixed per cache), the
/// model, the prompt and the limit, so a hit returns exactly what a miss would compute. The cache
/// is bounded: at most ``maximumEntries`` replies for prompts of at most ``maximumPromptBytes``
/// bytes; when full it starts over.
final class ReplyCache: Sendable {

    /// One generated reply with its text joined once.
    final class Reply: Sendable {
        /// The tokens in order; their concatenation is ``text``.
        let tokens: [String]
        let text: String
        /// Whether generation stopped at the token limit.
        let hitLimit: Bool
        /// Tokens counted for the prompt.
        let promptTokens: Int

        init(_ output: TextGenerator.Output) {
            tokens = output.tokens
            text = output.text
            hitLimit = output.hitLimit
            promptTokens = output.promptTokens
        }
    }

    /// Compares and hashes the UTF-8 bytes: generation hashes bytes, so two canonically
    /// equivalent but differently encoded prompts (which `String ==` calls equal) differ here too.
    private struct Key: Hashable {
        var model: String
        var prompt: String
        /// The limit, 0 for none (nil and ≤ 0 generate the same).
        var maximumTokens: Int

        static func == (a: Key, b: Key) -> Bool {
            a.maximumTokens == b.maximumTokens && a.model.hasSameBytes(as: b.model) && a.prompt.hasSameBytes(as: b.prompt)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(maximumTokens)
            Key.combine(model, into: &hasher)
            Key.combine(prompt, into: &hasher)
        }

        private static func combine(_ text: String, into hasher: inout Hasher) {
            hasher.combine(text.utf8.count)
            let done: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if done == nil { for byte in text.utf8 { hasher.combine(byte) } }
        }
    }

    /// Most replies kept. Default 1024.
    static let maximumEntries = 1024
    /// Longer prompts are generated every time (hashing them would cost about as much).
    static let maximumPromptBytes = 16 * 1024

    let generator: TextGenerator
    private let entries = LockedValue<[Key: Reply]>([:])

    init(generator: TextGenerator) {
        self.generator = generator
    }

    /// The reply `generator` gives for `prompt` on `model`, generated at most once per key.
    func reply(model: String, prompt: String, maximumTokens: Int?) -> Reply {
        guard prompt.utf8.count <= ReplyCache.maximumPromptBytes else {
            return Reply(generator.generate(model: model, prompt: prompt, maximumTokens: maximumTokens))
        }
        let key = Key(model: model, prompt: prompt, maximumTokens: max(0, maximumTokens ?? 0))
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let reply = Reply(generator.generate(model: model, prompt: prompt, maximumTokens: maximumTokens))
        var dropped: [Key: Reply] = [:]
        entries.withLock { entries in
            if entries.count >= ReplyCache.maximumEntries { swap(&dropped, &entries) }
            entries[key] = reply
        }
        _ = dropped  // released outside the lock
        return reply
    }
}
