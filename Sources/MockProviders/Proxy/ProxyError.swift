/// Why a proxy cannot start as configured; `code` is stable for scripts and tests.
public struct ProxyError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        /// `--upstream` is not an `http://host[:port][/path]` URL.
        case badUpstream = "bad_upstream"
        /// `--upstream` is `https://`: the proxy relays plain HTTP/1.1 and has no TLS of its own.
        case httpsUpstream = "https_upstream"
        /// A `--toxic` item is malformed.
        case badToxic = "bad_toxic"
        /// An `--emulate` item is malformed.
        case badEmulation = "bad_emulation"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
