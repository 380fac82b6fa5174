import HTTPWire
import ProviderClient

/// How one exchange on a kept-alive connection ended.
enum ExchangeOutcome {
    /// The response ended at `at`; the job is completed by the caller (after the connection is pooled).
    case complete(keepAlive: Bool, at: MonotonicInstant)
    /// Closed or reset before any response byte: a reused connection the server had closed while idle.
    case staleConnection
    case failed(TransportError)
}

/// The response side of one exchange on a kept-alive connection: parses what each read brought, reports
/// the head and body to the job, and decides when the response ended, whether the connection can be kept,
/// and which error a failure is. Shared by the connection threads (``PooledConnection``) and the readiness
/// loop (``WholeExchangeLoop``), so both judge a response alike.
struct ResponseReader {
    private var parser: HTTPResponseParser
    private(set) var receivedAny = false
    private(set) var head: HTTPResponseHead?
    private(set) var bodyCount = 0

    init(method: HTTPMethod) { parser = HTTPResponseParser(requestMethod: method) }

    /// Feeds the bytes of one read that arrived at `now` (empty: the server closed).
    ///
    /// - Returns: the outcome once the exchange is over; nil while the response goes on.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, at now: MonotonicInstant, for job: PooledConnection.Job) -> ExchangeOutcome? {
        if bytes.isEmpty && !receivedAny { return .staleConnection }
        let events: [HTTPResponseParser.Event]
        if bytes.isEmpty {
            // The server closed: a body or head it had announced and not finished is a truncation (as the
            // raw-socket client reports it), not a malformed response.
            do {
                events = try parser.finish()
            } catch {
                return .failed(error.code == .truncatedHead
                    ? TransportError(.connectionReset, "the server closed the connection inside the response head", receivedResponseBytes: true)
                    : TransportError(.truncatedBody, error.description, receivedResponseBytes: true))
            }
        } else {
            do {
                events = try parser.consume(bytes)
            } catch {
                return .failed(TransportError(.protocolError, "malformed response: \(error)", receivedResponseBytes: true))
            }
        }
        receivedAny = true
        let request = job.request
        for event in events {
            switch event {
            case .informational:
                break
            case .head(let h):
                head = h
                job.report(.head(h, at: now))
            case .body(let body):
                bodyCount += body.count
                if head?.status.isSuccess == false, bodyCount > job.maximumErrorBodyBytes {
                    // Enough of an error body to judge it; the rest is not read (nor the connection reused).
                    job.report(.body(Array(body.prefix(max(0, body.count - (bodyCount - job.maximumErrorBodyBytes)))), at: now))
                    return .complete(keepAlive: false, at: now)
                }
                if let limit = request.maximumBodyBytes, head?.status.isSuccess == true, bodyCount > limit {
                    return .failed(TransportError(.tooLarge, "the body exceeds the limit of \(limit) bytes", receivedResponseBytes: true))
                }
                job.report(.body(body, at: now))
            case .end:
                let closes = head?.headers.containsToken("close", in: "Connection") ?? true
                return .complete(keepAlive: !closes && parser.framing != .untilClose && !job.isCancelled, at: now)
            }
        }
        if bytes.isEmpty {
            return .failed(TransportError(.truncatedBody, "the connection closed before the response ended", receivedResponseBytes: true))
        }
        return nil
    }

    /// The outcome of an error from a read or a write of this exchange.
    func failure(_ error: any Error, for job: PooledConnection.Job) -> ExchangeOutcome {
        if job.isCancelled { return .failed(TransportError(.cancelled, "the request was cancelled", receivedResponseBytes: receivedAny)) }
        if !receivedAny, let socketError = error as? SocketError, [.connectionReset, .brokenPipe].contains(socketError.code) {
            return .staleConnection
        }
        if let transportError = error as? TransportError { return .failed(transportError) }
        return .failed(TransportError(.connectionReset, "\(error)", errno: (error as? SocketError)?.errno, receivedResponseBytes: receivedAny))
    }

    /// When the next read must have brought something: the headers timeout runs from the request written
    /// (partial head bytes do not extend it), the idle timeout from the last read; the total caps both.
    func deadline(_ timeouts: RequestTimeouts, written: MonotonicInstant, lastRead: MonotonicInstant, total: MonotonicInstant?) -> MonotonicInstant? {
        let phase = head == nil ? timeouts.headers.map { written + $0 } : timeouts.idle.map { lastRead + $0 }
        return MonotonicInstant.earliest(phase, total)
    }

    /// The timeout that passed: total if its deadline is reached, else headers before the head, idle after it.
    func timeoutError(_ timeouts: RequestTimeouts, total: MonotonicInstant?) -> TransportError {
        if let total, MonotonicInstant.now() >= total {
            return TransportError(.totalTimeout, "total timeout (\(timeouts.total ?? .zero)) fired", receivedResponseBytes: receivedAny)
        }
        guard head != nil else {
            let limit = timeouts.headers.map { NumberText.duration(seconds: $0.secondsDouble) } ?? "?"
            return TransportError(.headersTimeout, "no response head within \(limit) of sending the request", receivedResponseBytes: receivedAny)
        }
        let limit = timeouts.idle.map { NumberText.duration(seconds: $0.secondsDouble) } ?? "?"
        return TransportError(.idleTimeout, "no body bytes for \(limit) after \(bodyCount) bytes", receivedResponseBytes: true)
    }

    /// The request's bytes on the wire, with a Host header.
    static func requestBytes(_ request: TransportRequest) -> [UInt8] {
        var headers = request.headers
        if !headers.contains("Host") { headers.replaceOrAdd(name: "Host", value: request.authority) }
        return HTTPClientRequest(
            method: request.method, host: request.host, port: request.port, target: request.target, headers: headers, body: request.body
        ).serialized()
    }
}
