import HTTPWire
import Testing

@Suite("Suggestion")
struct SuggestionTests {
    @Test("edit distance counts insertions, deletions and substitutions", arguments: [
        ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("kitten", "sitting", 3), ("flaw", "lawn", 2), ("same", "same", 0),
        ("é", "e", 1),
    ])
    func distance(a: String, b: String, expected: Int) {
        #expect(Suggestion.editDistance(a, b) == expected)
        #expect(Suggestion.editDistance(b, a) == expected)
    }

    @Test("the closest candidate within the limit is suggested")
    func closest() {
        #expect(Suggestion.closest(to: "--modle", among: ["--model", "--json", "--timeout"]) == "--model")
        #expect(Suggestion.closest(to: "STATUS", among: ["status", "stream"]) == "status")
        #expect(Suggestion.closest(to: "idle", among: ["idle_ms", "delay_ms"]) == "idle_ms")
        #expect(Suggestion.closest(to: "xyz", among: ["model", "stream"]) == nil)
        #expect(Suggestion.closest(to: "a", among: [String]()) == nil)
    }

    @Test("ties go to the alphabetically first candidate, whatever the order")
    func ties() {
        #expect(Suggestion.closest(to: "bat", among: ["cat", "hat"]) == "cat")
        #expect(Suggestion.closest(to: "bat", among: ["hat", "cat"]) == "cat")
    }

    @Test("maxDistance bounds the suggestion")
    func limit() {
        #expect(Suggestion.closest(to: "kitten", among: ["sitting"], maxDistance: 2) == nil)
        #expect(Suggestion.closest(to: "kitten", among: ["sitting"], maxDistance: 3) == "sitting")
    }
}
