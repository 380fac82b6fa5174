import HTTPWire
import Testing

@Suite("HTTPResponseParser")
struct HTTPResponseParserTests {
    struct Outcome: Equatable {
        var informational: [Int] = []
        var status: Int?
        var headers: [String] = []
        var body: [UInt8] = []
        var trailers: [String] = []
        var ended = false
    }

    static func parse(
        _ pieces: [ArraySlice<UInt8>], method: HTTPMethod = .get, eof: Bool = true
    ) throws(HTTPResponseParseError) -> Outcome {
        var parser = HTTPResponseParser(requestMethod: method)
        var outcome = Outcome()
        func apply(_ events: [HTTPResponseParser.Event]) {
            for event in events {
                switch event {
                case .informational(let head): outcome.informational.append(head.status.code)
                case .head(let head):
                    outcome.status = head.status.code
                    outcome.headers = head.headers.map { "\($0.name)=\($0.value)" }
                case .body(let bytes):
                    #expect(!bytes.isEmpty)
                    outcome.body += bytes
                case .end(let trailers):
                    outcome.trailers = trailers.map { "\($0.name)=\($0.value)" }
                    outcome.ended = true
                }
            }
        }
        for piece in pieces { apply(try parser.consume(piece)) }
        if eof { apply(try parser.finish()) }
        return outcome
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var method: HTTPMethod = .get
        var body: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Content-Length", text: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", body: "hello"),
        Case(
            name: "chunked with extension and trailer",
            text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\ndata\r\nA\r\n: {\"a\":1}\n\r\n0\r\nX-T: 1\r\n\r\n",
            body: "data: {\"a\":1}\n"),
        Case(
            name: "chunked wins over Content-Length",
            text: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", body: "abc"),
        Case(name: "until close", text: "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nrest of stream", body: "rest of stream"),
        Case(name: "HEAD ignores length", text: "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", method: .head, body: ""),
        Case(name: "204", text: "HTTP/1.1 204 No Content\r\n\r\n", body: ""),
        Case(name: "304", text: "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", body: ""),
        Case(
            name: "100 Continue first",
            text: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", body: "ok"),
        Case(name: "LF-only and empty reason", text: "HTTP/1.1 200\nContent-Length: 1\n\nx", body: "x"),
    ]

    @Test(arguments: cases)
    func everyChunkSizeDecodesTheSame(_ testCase: Case) throws {
        let bytes = Array(testCase.text.utf8)
        let whole = try Self.parse([bytes[...]], method: testCase.method)
        #expect(whole.ended)
        #expect(String(decoding: whole.body, as: UTF8.self) == testCase.body)
        for size in 1...bytes.count {
            let pieces = stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
            #expect(try Self.parse(pieces, method: testCase.method) == whole, "chunk size \(size)")
        }
        for split in 0...bytes.count {
            #expect(try Self.parse([bytes[..<split], bytes[split...]], method: testCase.method) == whole, "split \(split)")
        }
    }

    @Test func chunkedCompletesWithoutEOFAndReportsEachChunk() throws {
        var parser = HTTPResponseParser()
        let events = try parser.consume(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\n".utf8))
        let bodies = events.compactMap { event -> String? in
            if case .body(let bytes) = event { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
        #expect(bodies == ["a", "bc"])
        #expect(parser.isComplete)
        #expect(parser.framing == .chunked)
        #expect(try parser.consume(Array("junk".utf8)).isEmpty)
    }

    @Test func informationalAndHeadValues() throws {
        let outcome = try Self.parse([Array(Self.cases[7].text.utf8)[...]])
        #expect(outcome.informational == [100])
        #expect(outcome.status == 201)
        let trailers = try Self.parse([Array(Self.cases[1].text.utf8)[...]])
        #expect(trailers.trailers == ["X-T=1"])
    }

    // MARK: - Errors

    struct Bad: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var code: HTTPResponseParseError.Code
        var location: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "not HTTP", text: "SSH-2.0-OpenSSH\r\n", code: .malformedStatusLine, location: "status line"),
        Bad(name: "HTML", text: "<html>hi</html>", code: .malformedStatusLine, location: "status line"),
        Bad(name: "HTTP/2 preface answer", text: "HTTP/2 200\r\n\r\n", code: .malformedStatusLine, location: "status line"),
        Bad(name: "letters as status", text: "HTTP/1.1 2x0 OK\r\n\r\n", code: .malformedStatusLine, location: "status line"),
        Bad(name: "no colon", text: "HTTP/1.1 200 OK\r\nA: 1\r\nbroken\r\n\r\n", code: .malformedHeader, location: "header 2"),
        Bad(name: "obs-fold", text: "HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", code: .malformedHeader, location: "header 2"),
        Bad(
            name: "bad length", text: "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", code: .invalidContentLength,
            location: "Content-Length"),
        Bad(
            name: "conflicting lengths", text: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            code: .invalidContentLength, location: "Content-Length"),
        Bad(
            name: "bad chunk size", text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nxyz\r\n",
            code: .malformedChunk, location: "chunk size line (chunk 2)"),
        Bad(
            name: "chunk overrun", text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n",
            code: .malformedChunk, location: "chunk 1 data end"),
        Bad(name: "EOF before anything", text: "", code: .truncatedHead, location: "status line"),
        Bad(name: "EOF inside head", text: "HTTP/1.1 200 OK\r\nContent-", code: .truncatedHead, location: "status line"),
        Bad(
            name: "short Content-Length", text: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", code: .truncatedBody,
            location: "body"),
        Bad(
            name: "EOF inside chunked", text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
            code: .truncatedBody, location: "chunk 1"),
        Bad(
            name: "EOF before last chunk", text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n",
            code: .truncatedBody, location: "chunk size line (chunk 2)"),
        Bad(
            name: "EOF inside trailers", text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n",
            code: .truncatedBody, location: "trailer section"),
    ]

    @Test(arguments: bad)
    func malformedBytesAreNamedAndQuoted(_ bad: Bad) {
        let bytes = Array(bad.text.utf8)
        for size in [max(1, bytes.count), 1] {
            let pieces = stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
            do {
                _ = try Self.parse(pieces)
                Issue.record("no error for \(bad.name)")
            } catch {
                #expect(error.code == bad.code, "size \(size): \(error)")
                #expect(error.location == bad.location, "size \(size): \(error)")
                if !error.isTruncation { #expect(!error.snippet.isEmpty) }
            }
        }
    }

    @Test func snippetIsCappedAndEscaped() throws {
        let line = "HTTP/1.1 200 OK\r\nBad\u{01}Name" + String(repeating: "x", count: 1000) + ": v\r\n\r\n"
        let error = try #require(throws: HTTPResponseParseError.self) { try Self.parse([Array(line.utf8)[...]]) }
        #expect(error.code == .malformedHeader)
        #expect(error.snippet.contains("\\x01"))
        #expect(error.snippet.count < 260)
        #expect(error.offset == 17)
    }
}
