import HTTPWire

/// Reads the body of an accepted response from the transport's event stream, reporting each
/// piece to the progress observer.
final class ResponseReader {
    let head: HTTPResponseHead
    let attemptNumber: Int
    /// When the attempt started (its request was about to be written).
    let tSend: MonotonicInstant
    let tConnected: MonotonicInstant?
    let tHeaders: MonotonicInstant
    private(set) var tEnd: MonotonicInstant?
    /// Dropping the iterator terminates the transport stream, which closes the connection.
    private var iterator: AsyncThrowingStream<TransportEvent, any Error>.AsyncIterator
    private let progress: (@Sendable (RequestPhase) -> Void)?

    init(
        head: HTTPResponseHead, attemptNumber: Int, tSend: MonotonicInstant, tConnected: MonotonicInstant?, tHeaders: MonotonicInstant,
        iterator: AsyncThrowingStream<TransportEvent, any Error>.AsyncIterator, progress: (@Sendable (RequestPhase) -> Void)? = nil
    ) {
        self.head = head
        self.attemptNumber = attemptNumber
        self.tSend = tSend
        self.tConnected = tConnected
        self.tHeaders = tHeaders
        self.iterator = iterator
        self.progress = progress
    }

    /// The next body piece with its arrival time, or nil at the end of the body.
    func next() async throws -> (bytes: [UInt8], at: MonotonicInstant)? {
        while let event = try await iterator.next() {
            switch event {
            case .body(let bytes, let at):
                if !bytes.isEmpty {
                    progress?(.receiving)
                    return (bytes, at)
                }
            case .end(let at):
                tEnd = at
                return nil
            case .connected, .head:
                continue
            }
        }
        if Task.isCancelled { throw CancellationError() }
        tEnd = tEnd ?? .now()
        return nil
    }

    /// Reads the rest of the body, keeping at most `limit` bytes (stops reading beyond it; for
    /// error bodies, where the start is what matters).
    func readBody(limit: Int) async throws -> [UInt8] {
        var body: [UInt8] = []
        while let (bytes, _) = try await next() {
            body.append(contentsOf: bytes.prefix(max(0, limit - body.count)))
            if body.count >= limit { break }
        }
        return body
    }

    /// Reads the whole body; more than `maximum` bytes stops reading and throws
    /// `.responseTooLarge` (a cut JSON document would only fail later, less clearly).
    func readWholeBody(maximum: Int) async throws -> [UInt8] {
        var body: [UInt8] = []
        while let (bytes, _) = try await next() {
            guard body.count + bytes.count <= maximum else {
                throw ProviderError(
                    .responseTooLarge, "the response body exceeds the client's limit of \(maximum) bytes (maximumResponseBytes)",
                    status: head.status.code)
            }
            body.append(contentsOf: bytes)
        }
        return body
    }
}
