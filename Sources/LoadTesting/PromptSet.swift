import Foundation
import HTTPWire
import ProviderClient

/// The prompts a load run sends, used round robin by request number.
public struct PromptSet: Sendable {
    /// One prompt: the messages of one chat request.
    public typealias Prompt = [ChatMessage]

    /// The prompts (at least one).
    public let prompts: [Prompt]
    /// Where they came from, for reports (`synthetic 32 words`, `prompts.jsonl (120 prompts)`).
    public let origin: String

    /// Largest prompt file read. 64 MiB.
    public static let maximumFileBytes = 64 << 20

    public init(prompts: [Prompt], origin: String) {
        self.prompts = prompts.isEmpty ? [[.user("Hello")]] : prompts
        self.origin = origin
    }

    /// The messages of request number `index`.
    public func messages(at index: Int) -> Prompt { prompts[index % prompts.count] }

    // MARK: - Synthetic

    /// Built-in synthetic prompts of exactly `words` words (64 distinct prompts from `seed`), so no
    /// tokenizer or data set is needed; a word is roughly 1.3 tokens in English BPE vocabularies.
    public static func synthetic(words: Int, seed: UInt64) -> PromptSet {
        let vocabulary = [
            "the", "model", "answers", "a", "short", "question", "about", "latency", "tokens", "stream", "server",
            "client", "every", "request", "measures", "time", "first", "last", "chunk", "load", "test", "local",
            "network", "quickly", "explain", "why", "sky", "is", "blue", "and", "how", "rain", "forms", "over", "hills",
        ]
        var random = SeededRandom(seed: seed ^ 0x5EED)
        let count = max(1, words)
        let prompts: [Prompt] = (0..<64).map { _ in
            let text = (0..<count).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }.joined(separator: " ")
            return [.user(text)]
        }
        return PromptSet(prompts: prompts, origin: "synthetic \(count) words")
    }

    // MARK: - Files

    /// Reads a prompt file: plain text with one prompt per line, or JSONL (every line an object with
    /// `"messages": [{"role", "content"}…]` or `"prompt": "…"`). Blank lines are skipped. JSONL is
    /// recognised when the first non-blank line starts with `{`.
    ///
    /// - Throws: ``LoadInputError`` `.badPromptFile` naming the file and line.
    public static func load(path: String) throws(LoadInputError) -> PromptSet {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? NSNumber, size.intValue > maximumFileBytes {
                throw LoadInputError(.badPromptFile, "--prompts \(path): larger than \(maximumFileBytes >> 20) MiB")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as LoadInputError {
            throw error
        } catch {
            throw LoadInputError(.badPromptFile, "--prompts \(path): cannot read the file (\(error.localizedDescription))")
        }
        return try parse(Array(data), name: path)
    }

    /// Parses prompt-file bytes (see ``load(path:)``); `name` is used in messages.
    public static func parse(_ bytes: [UInt8], name: String) throws(LoadInputError) -> PromptSet {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LoadInputError(.badPromptFile, "--prompts \(name): not UTF-8 text")
        }
        // "\r\n" is one Character in Swift: split on every newline character.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let isJSONL = lines.first { !$0.allSatisfy(\.isWhitespace) }?.drop { $0.isWhitespace }.hasPrefix("{") ?? false
        var prompts: [Prompt] = []
        for (offset, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            let where_ = "--prompts \(name) line \(offset + 1)"
            guard isJSONL else {
                prompts.append([.user(String(line))])
                continue
            }
            let json: JSONValue
            do {
                json = try JSONValue.parse(String(line))
            } catch {
                throw LoadInputError(.badPromptFile, "\(where_): not JSON (\(error.message)); a JSONL prompt file needs one object per line")
            }
            prompts.append(try prompt(from: json, at: where_))
        }
        guard !prompts.isEmpty else { throw LoadInputError(.badPromptFile, "--prompts \(name): no prompts (the file is empty)") }
        return PromptSet(prompts: prompts, origin: "\(name) (\(prompts.count) prompts\(isJSONL ? ", JSONL" : ""))")
    }

    private static func prompt(from json: JSONValue, at where_: String) throws(LoadInputError) -> Prompt {
        if let text = json["prompt"]?.stringValue {
            guard !text.isEmpty else { throw LoadInputError(.badPromptFile, "\(where_): \"prompt\" is empty") }
            return [.user(text)]
        }
        guard let messages = json["messages"]?.arrayValue else {
            throw LoadInputError(.badPromptFile, "\(where_): expected an object with \"messages\" (an array) or \"prompt\" (a string)")
        }
        guard !messages.isEmpty else { throw LoadInputError(.badPromptFile, "\(where_): \"messages\" is empty") }
        var out: Prompt = []
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue, !role.isEmpty else {
                throw LoadInputError(.badPromptFile, "\(where_): messages[\(index)] has no \"role\" string")
            }
            guard let content = message["content"]?.stringValue else {
                throw LoadInputError(.badPromptFile, "\(where_): messages[\(index)] has no \"content\" string")
            }
            out.append(ChatMessage(role: role, content: content))
        }
        return out
    }
}
