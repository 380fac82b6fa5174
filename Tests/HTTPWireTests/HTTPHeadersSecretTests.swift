import HTTPWire
import Testing

/// Which header fields carry secrets: the name rule (``SecretMasking/isSecretHeader(_:)``) and the
/// marks the parsers leave on the fields they read (``HTTPHeaders/Field/isSecret``).
@Suite("HTTPHeaders secret names")
struct HTTPHeadersSecretTests {
    /// The rule as its documentation states it, written the slow and obvious way.
    static func reference(_ name: String) -> Bool {
        let lower = Array(name.lowercased())
        for part in SecretMasking.secretNameParts.map(Array.init) where part.count <= lower.count {
            for start in 0...(lower.count - part.count) where Array(lower[start..<start + part.count]) == part {
                let end = start + part.count
                if part == Array("token"), end < lower.count, lower[end] == "s" { continue }
                return true
            }
        }
        return false
    }

    /// Names built from the parts, near-misses of them and ordinary words, in mixed case.
    static func names(count: Int) -> [String] {
        let pieces = SecretMasking.secretNameParts + [
            "ke", "tok", "toke", "tokens", "secre", "aut", "cooki", "pass", "credentia", "x", "api", "content", "-",
            "length", "s", "type", "ratelimit", "en", "y", "h", "@", "[", "`", "{",
        ]
        var random = SeededRandom(seed: 7)
        var out: [String] = []
        for _ in 0..<count {
            var name = ""
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let piece = pieces[Int.random(in: 0..<pieces.count, using: &random)]
                name += Bool.random(using: &random) ? piece.uppercased() : piece
            }
            out.append(name)
        }
        return out
    }

    @Test("the name rule is the documented one: a part anywhere, any case, `tokens` excepted")
    func ruleMatchesReference() {
        for name in Self.names(count: 3000) {
            #expect(SecretMasking.isSecretHeader(name) == Self.reference(name), "\(name)")
        }
        for part in SecretMasking.secretNameParts {
            #expect(SecretMasking.isSecretHeader(part))
            #expect(SecretMasking.isSecretHeader("X-" + part.uppercased() + "-Id"))
            #expect(!SecretMasking.isSecretHeader(String(part.dropLast())))
        }
    }

    @Test("a parsed request head marks its secret fields as the name rule does")
    func parsedRequestMarks() throws {
        // Names a request may carry (RFC 9110 tokens; `@`, `[` and `{` are not).
        let names = Self.names(count: 400).filter { !$0.contains(where: { "@[{".contains($0) }) }.prefix(80)
        var text = "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\n"
        for (i, name) in names.enumerated() { text += "\(name): v\(i)\r\n" }
        text += "Authorization: Bearer sk-0123456789abcdef\r\nContent-Length: 0\r\n\r\n"
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        let request = try #require(try parser.nextRequest())
        let headers = request.head.headers
        #expect(headers.count == names.count + 3)
        for field in headers {
            #expect(field.isSecret == SecretMasking.isSecretHeader(field.name), "\(field.name)")
        }
        #expect(headers.fields[headers.count - 2].isSecret)
        #expect(headers == HTTPHeaders(headers.map { ($0.name, $0.value) }), "the marks are not part of equality")
    }

    @Test("a field whose name changes answers for its new name")
    func renamedField() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\nX-Api-Key: k\r\n\r\n".utf8))
        let headers = try #require(try parser.nextRequest()).head.headers
        #expect(headers.map(\.isSecret) == [false, true])
        var field = headers.fields[1]
        field.name = "X-Trace"
        #expect(!field.isSecret)
        field.name = "Cookie"
        #expect(field.isSecret)
        #expect(HTTPHeaders.Field(name: "Set-Cookie", value: "s").isSecret)
    }

    @Test("a parsed response head and its trailers mark Set-Cookie and friends")
    func parsedResponseMarks() throws {
        var parser = HTTPResponseParser()
        let bytes = Array(
            "HTTP/1.1 200 OK\r\nSet-Cookie: s=1\r\nX-RateLimit-Remaining-Tokens: 9\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Session-Token: t\r\nX-Done: 1\r\n\r\n"
                .utf8)
        var trailers: HTTPHeaders?
        for event in try parser.consume(bytes) {
            if case .end(let t) = event { trailers = t }
        }
        let head = try #require(parser.head)
        #expect(head.headers.map(\.isSecret) == [true, false, false])
        let end = try #require(trailers)
        #expect(end.map(\.isSecret) == [true, false])
    }
}
