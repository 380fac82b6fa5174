import ProviderClient
import Testing

@Suite("URLParts: base URLs split as written")
struct URLPartsTests {
    @Test func everyPieceAsWritten() throws {
        let parts = try URLParts.split(" 'HTTP://u:p@Host.Example:80/v1/?x=1#y' ")
        #expect(parts.removedQuotes && parts.scheme == "http" && parts.hadUserInfo)
        #expect(parts.host == "Host.Example" && !parts.isBracketed && parts.portText == "80")
        #expect(parts.path == "/v1/" && parts.suffix == "?x=1#y")
    }

    @Test(arguments: [
        ("[::1]:1234", "::1", true, "1234"), ("::1", "::1", false, nil), (":8080", "", false, "8080"),
        ("localhost", "localhost", false, nil), ("[fe80::1]", "fe80::1", true, nil),
    ])
    func hostsAndPorts(input: String, host: String, bracketed: Bool, port: String?) throws {
        let parts = try URLParts.split(input)
        #expect(parts.host == host && parts.isBracketed == bracketed && parts.portText == port && parts.scheme == nil)
    }

    @Test func problems() {
        #expect(throws: URLParts.Problem.unterminatedBracket) { try URLParts.split("http://[::1:80") }
        #expect(throws: URLParts.Problem.unexpectedAfterBracket("x")) { try URLParts.split("[::1]x") }
    }

    @Test func queryBeforeSlashIsSuffix() throws {
        let parts = try URLParts.split("h?next=/a")
        #expect(parts.host == "h" && parts.path == "" && parts.suffix == "?next=/a")
    }
}
