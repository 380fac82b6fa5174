import HTTPWire
import Testing

/// The request parser's shortcuts on the mocks' hot path (shared method constants, byte-wise
/// version check) must parse exactly like the general path.
@Suite("Request line fast paths")
struct RequestLineFastPathTests {
    static func parse(_ text: String) throws(HTTPRequestParseError) -> HTTPRequestParser.Request? {
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        return try parser.nextRequest()
    }

    @Test(arguments: ["GET", "POST", "HEAD", "PUT", "get", "Post", "PUTS", "GETS", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "P"])
    func methodsKeepTheTokenAsSent(_ method: String) throws {
        let request = try #require(try RequestLineFastPathTests.parse("\(method) /x HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(request.head.method.rawValue == method)
        #expect(request.head.method == HTTPMethod(rawValue: method))
        #expect((request.head.method == .post) == (method == "POST"))
        #expect((request.head.method == .head) == (method == "HEAD"))
    }

    @Test func versionsOneZeroAndOneOne() throws {
        #expect(try RequestLineFastPathTests.parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n")?.head.version == .http1_1)
        #expect(try RequestLineFastPathTests.parse("GET / HTTP/1.0\r\n\r\n")?.head.version == .http1_0)
    }

    @Test(arguments: [
        ("HTTP/1.2", HTTPStatus.httpVersionNotSupported.code), ("HTTP/2.0", HTTPStatus.httpVersionNotSupported.code),
        ("HTTP/1.1x", HTTPStatus.badRequest.code), ("HTTX/1.1", HTTPStatus.badRequest.code), ("http/1.1", HTTPStatus.badRequest.code),
        ("HTTP/1.", HTTPStatus.badRequest.code), ("HTTP/1.A", HTTPStatus.badRequest.code),
    ])
    func otherVersionsAreRefused(_ version: String, _ status: Int) {
        do {
            _ = try RequestLineFastPathTests.parse("GET / \(version)\r\n\r\n")
            Issue.record("\(version) was accepted")
        } catch {
            #expect(error.status.code == status, "\(version): \(error)")
        }
    }
}
