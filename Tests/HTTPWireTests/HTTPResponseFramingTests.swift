import HTTPWire
import Testing

/// The one framing decision reads `Content-Length` back from every head the mocks write: the byte
/// reader must agree with the rule (digits, optional spaces and tabs around, within `Int`).
@Suite("Response framing: Content-Length and trimming")
struct HTTPResponseFramingTests {
    @Test(arguments: [
        ("0", 0), ("1050", 1050), (" 42", 42), ("42\t", 42), (" \t7 \t", 7), ("007", 7),
        ("9223372036854775807", Int.max),
    ])
    func readsLengths(text: String, expected: Int) {
        #expect(HTTPResponseFraming.contentLength(text) == expected)
    }

    @Test(arguments: [
        "", " ", "\t", "-1", "+1", "1 2", "1,1", "12a", "0x10", "١٢", "9223372036854775808",
        "99999999999999999999999999999999999999",
    ])
    func refusesWhatIsNoLength(text: String) {
        #expect(HTTPResponseFraming.contentLength(text) == nil)
    }

    @Test func aLengthDecidesTheFraming() {
        let head = HTTPResponseHead(status: .ok, headers: ["Content-Length": " 12 "])
        let decision = HTTPResponseFraming.decide(for: head, requestMethod: .post, requestVersion: .http1_1, requestKeepsAlive: true)
        #expect(decision.framing == .length(12))
        #expect(!decision.addsChunkedTransferEncoding)
        let bad = HTTPResponseHead(status: .ok, headers: ["Content-Length": "twelve"])
        // An unreadable length is no length: HTTP/1.1 then frames the body itself.
        #expect(HTTPResponseFraming.decide(for: bad, requestMethod: .post, requestVersion: .http1_1, requestKeepsAlive: true).framing == .chunked)
    }

    @Test func trimsSpacesAndTabsOnly() {
        #expect(" a b ".trimmingSpaces() == "a b")
        #expect("\t\tx\t".trimmingSpaces() == "x")
        #expect("plain".trimmingSpaces() == "plain")
        #expect("   ".trimmingSpaces() == "")
        #expect("\n x \n".trimmingSpaces() == "\n x \n")
        // A combining mark after a leading space: the space (a byte of its own) goes, the mark stays.
        #expect(" \u{301}é ".trimmingSpaces().unicodeScalars.map(\.value) == [0x301, 0xE9])
        #expect(Substring(" ab ").trimmingSpaces() == "ab")
    }
}
