import Foundation
import HTTPWire

/// A fake transport that replays scripted exchanges, for unit tests without sockets.
///
/// Each call to ``execute(_:)`` takes the next script (the last one repeats when the list runs
/// out) and records the request, so tests can check what was sent and how often.
///
/// ```swift
/// let transport = ScriptedTransport([.response(status: 429, headers: ["retry-after-ms": "10"]), .sse(["data: [DONE]\n\n"])])
/// ```
///
/// Like every transport it enforces the request's timeouts itself, here with a ``TimedExchange``
/// watchdog over the scripted events.
public final class ScriptedTransport: HTTPTransport, Sendable {

    /// One step of a scripted exchange.
    public enum Step: Sendable {
        /// Emit `.connected`.
        case connect
        /// Emit the response head.
        case head(status: Int, headers: HTTPHeaders)
        /// Emit a body chunk.
        case body([UInt8])
        /// Wait (real time) before the next step.
        case pause(Duration)
        /// Fail with a transport error.
        case fail(TransportError)
        /// Emit `.end`.
        case end
        /// Stop yielding and wait until the consumer cancels (to test timeouts and cancellation).
        case hang
    }

    /// A scripted exchange: steps played in order.
    public struct Script: Sendable {
        public var steps: [Step]
        public init(_ steps: [Step]) { self.steps = steps }

        /// A complete response with a body.
        public static func response(status: Int, headers: HTTPHeaders = ["Content-Type": "application/json"], body: String = "") -> Script {
            Script([.connect, .head(status: status, headers: headers), .body(Array(body.utf8)), .end])
        }

        /// A 200 SSE stream, one chunk per element.
        public static func sse(_ chunks: [String], status: Int = 200) -> Script {
            Script([.connect, .head(status: status, headers: ["Content-Type": "text/event-stream"])] + chunks.map { .body(Array($0.utf8)) } + [.end])
        }

        /// A 200 NDJSON stream, one chunk per element.
        public static func ndjson(_ chunks: [String]) -> Script {
            Script([.connect, .head(status: 200, headers: ["Content-Type": "application/x-ndjson"])] + chunks.map { .body(Array($0.utf8)) } + [.end])
        }

        /// A transport failure before any response.
        public static func failure(_ code: TransportError.Code, errno: Int32? = nil) -> Script {
            Script([.fail(TransportError(code, "scripted \(code.rawValue)", errno: errno))])
        }
    }

    private struct State {
        var scripts: [Script]
        var recorded: [TransportRequest] = []
        var terminationCount = 0
    }

    private let state: LockedValue<State>

    public init(_ scripts: [Script]) {
        state = LockedValue(State(scripts: scripts))
    }

    /// The requests executed so far.
    public var requests: [TransportRequest] { state.withLock { $0.recorded } }

    /// How many streams were terminated by their consumer before the script ended.
    public var cancelledCount: Int { state.withLock { $0.terminationCount } }

    public func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        let script: Script = state.withLock { state in
            state.recorded.append(request)
            if state.scripts.count > 1 { return state.scripts.removeFirst() }
            return state.scripts.first ?? Script([.fail(TransportError(.other, "no script left"))])
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TransportEvent.self)
        let task = Task {
            for step in script.steps {
                if Task.isCancelled { return }
                switch step {
                case .connect: continuation.yield(.connected(at: .now(), remoteAddress: "\(request.host):\(request.port)"))
                case .head(let status, let headers):
                    continuation.yield(.head(HTTPResponseHead(status: HTTPStatus(code: status), headers: headers), at: .now()))
                case .body(let bytes): continuation.yield(.body(bytes, at: .now()))
                case .pause(let duration): try? await Task.sleep(for: duration)
                case .fail(let error):
                    continuation.finish(throwing: error)
                    return
                case .end:
                    continuation.yield(.end(at: .now()))
                    continuation.finish()
                    return
                case .hang:
                    while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                    return
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination {
                self?.state.withLock { $0.terminationCount += 1 }
            }
            task.cancel()
        }
        return TimedExchange(stream, timeouts: request.timeouts, reportsConnect: true).events
    }
}
