import HTTPWire

/// Reads the body of an accepted response from a ``TimedExchange``.
final class ResponseReader {
    let head: HTTPResponseHead
    let attemptNumber: Int
    let tSend: UInt64
    let tConnected: UInt64?
    let tHeaders: UInt64
    private(set) var tEnd: UInt64?
    private var iterator: AsyncThrowingStream<TransportEvent, any Error>.AsyncIterator
    /// Kept alive while reading: dropping it terminates the exchange.
    private let exchange: TimedExchange

    init(
        head: HTTPResponseHead, attemptNumber: Int, tSend: UInt64, tConnected: UInt64?, tHeaders: UInt64,
        iterator: AsyncThrowingStream<TransportEvent, any Error>.AsyncIterator, exchange: TimedExchange
    ) {
        self.head = head
        self.attemptNumber = attemptNumber
        self.tSend = tSend
        self.tConnected = tConnected
        self.tHeaders = tHeaders
        self.iterator = iterator
        self.exchange = exchange
    }

    /// The next body piece with its arrival time, or nil at the end of the body.
    func next() async throws -> (bytes: [UInt8], at: UInt64)? {
        while let event = try await iterator.next() {
            switch event {
            case .body(let bytes, let at):
                if !bytes.isEmpty { return (bytes, at) }
            case .end(let at):
                tEnd = at
                return nil
            case .connected, .head:
                continue
            }
        }
        if Task.isCancelled { throw CancellationError() }
        tEnd = tEnd ?? MonotonicClock.now()
        return nil
    }

    /// Reads the rest of the body, keeping at most `limit` bytes (stops reading beyond it).
    func readBody(limit: Int) async throws -> [UInt8] {
        var body: [UInt8] = []
        while let (bytes, _) = try await next() {
            body.append(contentsOf: bytes.prefix(max(0, limit - body.count)))
            if body.count >= limit { break }
        }
        return body
    }
}
