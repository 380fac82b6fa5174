/// How a response body is delimited on the wire (RFC 9112 §6.3), decided once per response from
/// its head and the request it answers. The server connection, the fault injector and the bench
/// all take this one decision.
public enum HTTPResponseFraming: Sendable, Hashable {
    /// No body goes out: a `HEAD` request, or a 1xx/204/304 status.
    case none
    /// `Transfer-Encoding: chunked` (written by ``ChunkedBodyEncoder``).
    case chunked
    /// `Content-Length` bytes.
    case length(Int)
    /// The end of the body is the end of the connection (HTTP/1.0 without a length, or a
    /// transfer coding other than chunked last).
    case untilClose

    /// The framing and the header fields the writer must add to make the head say it.
    public struct Decision: Sendable, Hashable {
        public var framing: HTTPResponseFraming
        /// The head names no framing: append `Transfer-Encoding: chunked`.
        public var addsChunkedTransferEncoding: Bool
        /// The connection ends after this response.
        public var closesConnection: Bool
        /// A `Connection` field to append (`close`, or `keep-alive` for an HTTP/1.0 client), if any.
        public var connectionField: String?
    }

    /// Decides the framing of `head` answering a request with `requestMethod` and `requestVersion`.
    ///
    /// - Parameter requestKeepsAlive: whether the request allows the connection to be reused
    ///   (``HTTPRequestHead/isKeepAlive``); a `Connection: close` in `head` also ends it.
    public static func decide(
        for head: HTTPResponseHead, requestMethod: HTTPMethod, requestVersion: HTTPVersion, requestKeepsAlive: Bool
    ) -> Decision {
        let headers = head.headers
        let headSaysClose = headers.containsToken("close", in: "Connection")
        var closes = !requestKeepsAlive || headSaysClose
        var addsChunked = false
        let framing: HTTPResponseFraming
        if requestMethod == .head || !head.status.mayHaveBody {
            framing = .none
        } else if let transferEncoding = headers["Transfer-Encoding"] {
            let last = transferEncoding.split(separator: ",").last
            if last.map({ $0.trimmingSpaces().caseInsensitiveEquals("chunked") }) == true {
                framing = .chunked
            } else {
                framing = .untilClose
                closes = true
            }
        } else if let text = headers["Content-Length"], let length = Self.contentLength(text) {
            framing = .length(length)
        } else if requestVersion == .http1_1 {
            framing = .chunked
            addsChunked = true
        } else {
            framing = .untilClose
            closes = true
        }
        var connectionField: String?
        if closes {
            if !headSaysClose { connectionField = "close" }
        } else if requestVersion == .http1_0 && !headers.contains("Connection") {
            connectionField = "keep-alive"
        }
        return Decision(
            framing: framing, addsChunkedTransferEncoding: addsChunked, closesConnection: closes,
            connectionField: connectionField)
    }

    /// A `Content-Length` value: decimal digits (surrounding spaces allowed), within `Int`; nil otherwise.
    /// Read in one pass over the bytes, without a trimmed copy: it runs for every response the
    /// mocks write (their responders state the length, and this decision reads it back).
    public static func contentLength(_ text: String) -> Int? {
        var text = text  // a native string's bytes are read in place
        return text.withUTF8 { bytes -> Int? in
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            guard start < end else { return nil }
            var value = 0
            for i in start..<end {
                let digit = bytes[i] &- 0x30
                guard digit <= 9 else { return nil }
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(digit))
                guard !o1, !o2 else { return nil }
                value = sum
            }
            return value
        }
    }
}
