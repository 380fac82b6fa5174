import HTTPWire

/// Where a request is, for "waiting for …" indicators (``ProviderClientConfiguration/progress``).
///
/// The client reports each phase change once, plus ``receiving`` activity for every body piece,
/// so an observer can tell which phase has been silent for how long.
public enum RequestPhase: Sendable, Equatable, CustomStringConvertible {
    /// Resolving and connecting (attempt number, 1-based).
    case connecting(attempt: Int)
    /// Connected (or, for `https://`, connecting and) waiting for the response head.
    case awaitingHeaders(attempt: Int)
    /// A streamed answer's head arrived; no token yet.
    case awaitingFirstToken
    /// A non-streamed response's head arrived; its body is being read.
    case readingBody
    /// Body bytes arrived (reported for every piece: the observer times idleness from the last one).
    case receiving
    /// Waiting before the next attempt.
    case retrying(after: Duration, attempt: Int)
    /// The request finished (answer complete or failed).
    case finished

    /// What a person is waiting for in this phase ("waiting for response headers").
    public var waitingFor: String {
        switch self {
        case .connecting(let attempt): "the connection" + (attempt > 1 ? " (attempt \(attempt))" : "")
        case .awaitingHeaders(let attempt): "response headers" + (attempt > 1 ? " (attempt \(attempt))" : "")
        case .awaitingFirstToken: "the first token"
        case .readingBody: "the rest of the response body"
        case .receiving: "more data (stream idle)"
        case .retrying(_, let attempt): "attempt \(attempt)"
        case .finished: "nothing"
        }
    }

    public var description: String { waitingFor }
}
