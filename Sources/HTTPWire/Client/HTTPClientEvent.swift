/// What ``RawHTTPClient`` reports while an exchange runs, in order:
/// `connected`, (`informational`)*, `head`, (`body`)*, `end`.
public enum HTTPClientEvent: Sendable {
    /// The TCP connection is up; every attempt so far (failed ones first).
    case connected([HTTPTimeline.ConnectAttempt])
    /// An interim 1xx response (such as `100 Continue`).
    case informational(HTTPResponseHead, at: MonotonicInstant)
    /// The final response head and when it was parsed.
    case head(HTTPResponseHead, at: MonotonicInstant)
    /// One decoded body piece exactly as read from the socket (never coalesced), and when.
    case body([UInt8], at: MonotonicInstant)
    /// The response is complete; the full timeline.
    case end(HTTPTimeline)
}

/// A complete response collected by ``RawHTTPClient/send(_:)``.
public struct HTTPClientResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: [UInt8]
    public var timeline: HTTPTimeline
    /// Whether the body was cut at the client's size cap (the rest was not read).
    public var isBodyTruncated: Bool

    public var status: HTTPStatus { head.status }
    /// The body as UTF-8 text (lossy).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
