import HTTPWire
import Testing

@Suite("HTTPRequestParser")
struct HTTPRequestParserTests {
    /// A compact, comparable view of a parsed request.
    struct Parsed: Equatable, CustomStringConvertible {
        var method: String
        var target: String
        var version: String
        var headers: [String]
        var body: String
        init(_ request: HTTPRequestParser.Request) {
            method = request.head.method.rawValue
            target = request.head.target
            version = request.head.version.rawValue
            headers = request.head.headers.map { "\($0.name)=\($0.value)" }
            body = String(decoding: request.body, as: UTF8.self)
        }
        var description: String { "\(method) \(target) \(version) \(headers) \(body.debugDescription)" }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var expectedCount: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "simple GET", bytes: Array("GET /api/tags?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n".utf8), expectedCount: 1),
        Case(
            name: "POST with Content-Length",
            bytes: Array("POST /v1/chat HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n{\"a\":\"b c\"}".utf8), expectedCount: 1),
        Case(
            name: "chunked with extensions and trailers",
            bytes: Array(
                "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA ; q=\"x\"\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
                    .utf8), expectedCount: 1),
        Case(
            name: "pipelined trio",
            bytes: Array(
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    .utf8), expectedCount: 3),
        Case(name: "leading empty lines and LF-only", bytes: Array("\r\n\nGET /lf HTTP/1.1\nHost: a\n\n".utf8), expectedCount: 1),
        Case(name: "OWS around values", bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX-A:\t spaced \t\r\nX-B:\r\n\r\n".utf8), expectedCount: 1),
    ]

    static func parseAll(_ pieces: [ArraySlice<UInt8>]) throws -> [Parsed] {
        var parser = HTTPRequestParser()
        var out: [Parsed] = []
        for piece in pieces {
            parser.append(piece)
            while let request = try parser.nextRequest() { out.append(Parsed(request)) }
        }
        #expect(!parser.hasPartialRequest)
        return out
    }

    @Test(arguments: cases)
    func everyChunkSizeGivesTheSameRequests(_ testCase: Case) throws {
        let whole = try Self.parseAll([testCase.bytes[...]])
        #expect(whole.count == testCase.expectedCount)
        for size in 1...testCase.bytes.count {
            let pieces = stride(from: 0, to: testCase.bytes.count, by: size).map {
                testCase.bytes[$0..<min($0 + size, testCase.bytes.count)]
            }
            let parsed = try Self.parseAll(pieces)
            #expect(parsed == whole, "chunk size \(size)")
        }
    }

    @Test(arguments: cases)
    func everySplitPointGivesTheSameRequests(_ testCase: Case) throws {
        let whole = try Self.parseAll([testCase.bytes[...]])
        for split in 0...testCase.bytes.count {
            let parsed = try Self.parseAll([testCase.bytes[..<split], [][...], testCase.bytes[split...]])
            #expect(parsed == whole, "split at \(split)")
        }
    }

    @Test func decodesValues() throws {
        let parsed = try Self.parseAll([Array(Self.cases[2].bytes)[...]])
        #expect(parsed.first?.body == "hello 0123456789")
        let trio = try Self.parseAll([Array(Self.cases[3].bytes)[...]])
        #expect(trio.map(\.target) == ["/1", "/2", "/3"])
        #expect(trio[1].body == "abc")
        #expect(trio[2].version == "HTTP/1.0")
        let ows = try Self.parseAll([Array(Self.cases[5].bytes)[...]])
        #expect(ows.first?.headers == ["Host=a", "X-A=spaced", "X-B="])
    }

    @Test func reportsHeadAwaitingBodyForContinue() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.headAwaitingBody?.headers["Expect"] == "100-continue")
        parser.append(Array("ok".utf8))
        #expect(try parser.nextRequest()?.body == Array("ok".utf8))
        #expect(parser.headAwaitingBody == nil)
    }

    // MARK: - Errors

    struct Bad: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var code: HTTPRequestParseError.Code
        var testDescription: String { name }
    }

    static let limits = HTTPServerConfiguration.Limits(
        maximumRequestLineLength: 64, maximumHeaderBytes: 256, maximumHeaderCount: 5, maximumBodyBytes: 32)

    static let bad: [Bad] = [
        Bad(name: "no spaces", text: "GARBAGE\r\n\r\n", code: .badRequest),
        Bad(name: "two parts", text: "GET /\r\n\r\n", code: .badRequest),
        Bad(name: "bad method byte", text: "G(T / HTTP/1.1\r\n\r\n", code: .badRequest),
        Bad(name: "control in target", text: "GET /\u{01} HTTP/1.1\r\n\r\n", code: .badRequest),
        Bad(name: "unknown version", text: "GET / HTTP/2.0\r\n\r\n", code: .versionNotSupported),
        Bad(name: "not a version", text: "GET / HTTQ/1.1\r\n\r\n", code: .badRequest),
        Bad(name: "obs-fold", text: "GET / HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n", code: .badRequest),
        Bad(name: "no colon", text: "GET / HTTP/1.1\r\nNoColon\r\n\r\n", code: .badRequest),
        Bad(name: "space before colon", text: "GET / HTTP/1.1\r\nName : v\r\n\r\n", code: .badRequest),
        Bad(name: "NUL in value", text: "GET / HTTP/1.1\r\nA: b\u{0}c\r\n\r\n", code: .badRequest),
        Bad(name: "bad Content-Length", text: "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", code: .badRequest),
        Bad(name: "negative Content-Length", text: "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", code: .badRequest),
        Bad(
            name: "conflicting Content-Length", text: "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            code: .badRequest),
        Bad(
            name: "Content-Length and chunked",
            text: "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", code: .badRequest),
        Bad(name: "gzip coding", text: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", code: .notImplemented),
        Bad(name: "bad chunk size", text: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", code: .badRequest),
        Bad(
            name: "chunk longer than size",
            text: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", code: .badRequest),
        Bad(name: "request line too long", text: "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n\r\n", code: .uriTooLong),
        Bad(name: "unterminated long line", text: "GET /" + String(repeating: "a", count: 100), code: .uriTooLong),
        Bad(
            name: "too many fields", text: "GET / HTTP/1.1\r\n" + (1...6).map { "H\($0): v\r\n" }.joined() + "\r\n",
            code: .headerFieldsTooLarge),
        Bad(
            name: "header block too large", text: "GET / HTTP/1.1\r\nBig: " + String(repeating: "b", count: 300) + "\r\n\r\n",
            code: .headerFieldsTooLarge),
        Bad(
            name: "unterminated header block",
            text: "GET / HTTP/1.1\r\nBig: " + String(repeating: "b", count: 300), code: .headerFieldsTooLarge),
        Bad(name: "body too large", text: "POST / HTTP/1.1\r\nContent-Length: 33\r\n\r\n", code: .payloadTooLarge),
        // Refused as soon as the bytes arrive, without waiting for a line end that never comes.
        Bad(name: "TLS ClientHello, no line end", text: "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{7c}\u{03}\u{03}", code: .badRequest),
        Bad(name: "control byte in an unfinished method", text: "GE\u{01}", code: .badRequest),
        Bad(name: "TLS ClientHello with a line feed inside", text: "\u{16}\u{03}\u{01}\u{02}\n\u{00}\u{01}\u{03}", code: .badRequest),
        Bad(
            name: "chunked body too large",
            text: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + String(repeating: "x", count: 32)
                + "\r\n1\r\n", code: .payloadTooLarge),
    ]

    @Test func aTLSHandshakeIsNamedFromItsFirstByte() throws {
        var parser = HTTPRequestParser()
        parser.append([0x16])
        let error = try #require(throws: HTTPRequestParseError.self) { try parser.nextRequest() }
        #expect(error.code == .badRequest)
        #expect(error.reason.contains("TLS handshake") && error.reason.contains("http://"), "\(error.reason)")
    }

    @Test func anUnfinishedValidMethodWaitsForMore() throws {
        var parser = HTTPRequestParser()
        for byte in Array("GET /a HTTP/1.1".utf8) {
            parser.append([byte])
            #expect(try parser.nextRequest() == nil)
        }
        parser.append(Array("\r\nHost: a\r\n\r\n".utf8))
        #expect(try parser.nextRequest()?.head.target == "/a")
    }

    @Test(arguments: bad)
    func malformedInputThrowsTheRightCode(_ bad: Bad) {
        // Whole, and byte by byte: the same classification either way, never a hang.
        for pieceSize in [Int.max, 1] {
            var parser = HTTPRequestParser(limits: Self.limits)
            let bytes = Array(bad.text.utf8)
            var thrown: HTTPRequestParseError?
            var offset = 0
            while offset < bytes.count && thrown == nil {
                let end = pieceSize == .max ? bytes.count : min(bytes.count, offset + pieceSize)
                parser.append(bytes[offset..<end])
                offset = end
                do {
                    while try parser.nextRequest() != nil {}
                } catch {
                    thrown = error
                }
            }
            #expect(thrown?.code == bad.code, "piece size \(pieceSize): \(String(describing: thrown))")
            #expect(thrown.map { !$0.reason.isEmpty } ?? false)
        }
    }

    @Test func statusOfEachCode() {
        let statuses = HTTPRequestParseError.Code.allCases.map { HTTPRequestParseError($0, "x").status.code }
        #expect(statuses == [400, 414, 431, 413, 501, 505])
    }
}
