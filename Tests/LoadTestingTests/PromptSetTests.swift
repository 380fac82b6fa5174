import LoadTesting
import ProviderClient
import Testing

@Suite("Prompt files") struct PromptSetTests {
    @Test func plainLinesAreOnePromptEach() throws {
        let set = try PromptSet.parse(Array("first prompt\r\n\n  \nsecond one\n".utf8), name: "p.txt")
        #expect(set.prompts.count == 2)
        #expect(set.messages(at: 0).map(\.content) == ["first prompt"])
        #expect(set.messages(at: 3).map(\.content) == ["second one"], "round robin")
    }

    @Test func jsonlCarriesMessagesOrAPrompt() throws {
        let text = """
            {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}
            {"prompt":"plain"}
            """
        let set = try PromptSet.parse(Array(text.utf8), name: "p.jsonl")
        #expect(set.prompts.count == 2)
        #expect(set.messages(at: 0).map(\.role) == ["system", "user"])
        #expect(set.messages(at: 1).map(\.content) == ["plain"])
    }

    @Test(arguments: [
        ("{\"prompt\":\"a\"}\n{broken\n", "line 2: not JSON"),
        ("{\"prompt\":\"a\"}\n{\"text\":\"b\"}\n", "line 2: expected an object with \"messages\""),
        ("{\"messages\":[{\"role\":\"user\"}]}\n", "line 1: messages[0] has no \"content\""),
        ("{\"messages\":[]}\n", "line 1: \"messages\" is empty"),
        ("\n  \n", "no prompts"),
    ])
    func badFilesNameTheLine(text: String, expected: String) {
        let error = #expect(throws: LoadInputError.self) { try PromptSet.parse(Array(text.utf8), name: "f.jsonl") }
        #expect(error?.code == .badPromptFile)
        #expect(error?.message.contains("f.jsonl") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test func notUTF8AndMissingFilesAreRefused() {
        #expect(throws: LoadInputError.self) { try PromptSet.parse([0xFF, 0xFE, 0x00], name: "bin") }
        let error = #expect(throws: LoadInputError.self) { try PromptSet.load(path: "/nonexistent/prompts.txt") }
        #expect(error?.message.contains("/nonexistent/prompts.txt") == true)
    }

    @Test func syntheticPromptsHaveTheRequestedWordCount() {
        let set = PromptSet.synthetic(words: 17, seed: 3)
        #expect(set.prompts.allSatisfy { $0.count == 1 && $0[0].content.split(separator: " ").count == 17 })
        #expect(set.messages(at: 5) == PromptSet.synthetic(words: 17, seed: 3).messages(at: 5), "deterministic")
    }
}
