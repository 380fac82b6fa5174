import Foundation
import HTTPWire

/// One fault to inject: what happens on the wire (``Action``) and to which requests (``Schedule``).
///
/// Faults are written as a compact text (`--fault 'status=429,retry_after=2,times=1'`, see
/// ``FaultSpec/parse(_:)``) or as JSON (scenario files, `POST /__llmcheck/faults`, see
/// ``FaultSpec/parse(json:path:)``); both forms use the same keys.
public struct FaultSpec: Sendable, Hashable, CustomStringConvertible {
    /// What the fault does. "After N chunks" counts body writes of the response (one SSE event,
    /// one NDJSON line, or the whole body of a non-streaming response).
    public enum Action: Sendable, Hashable {
        /// Wait before sending the status line and headers.
        case delayHeaders(Duration)
        /// Send the headers, then wait before the first body byte.
        case delayBody(Duration)
        /// After N chunks, stop sending: for `duration` (then carry on), or when nil until the
        /// client closes the connection (or the server stops).
        case stall(afterChunks: Int, duration: Duration?)
        /// After N chunks, close the connection cleanly (FIN): no terminator, no final event.
        case close(afterChunks: Int)
        /// After N chunks, send only the first half of chunk N+1 (a partial line or event), then FIN.
        case cut(afterChunks: Int)
        /// A TCP reset (`SO_LINGER` 0): before the headers when nil, else after N chunks.
        case reset(afterChunks: Int?)
        /// Chunk N (1-based) carries truncated, unparseable JSON; the SSE/NDJSON framing stays intact.
        case malformed(chunk: Int)
        /// Replace the `Content-Type` header with this value, or remove it when nil.
        case contentType(String?)
        /// After N chunks, send a chunk whose size line is not hexadecimal, then FIN.
        case brokenChunked(afterChunks: Int)
        /// Send the body with a `Content-Length` that is off by `delta` bytes, then FIN.
        case lengthMismatch(delta: Int)
        /// Send the body at most this many bytes per second, in small writes.
        case drip(bytesPerSecond: Int)
        /// Answer with this status and the provider's own error body instead of the normal response.
        case status(StatusFault)
        /// After N chunks, send the provider's mid-stream error (an Ollama `{"error":…}` NDJSON line
        /// or an OpenAI `data: {"error":{…}}` event) and end the stream.
        case streamError(afterChunks: Int, message: String?)

        /// The key that names this action in the text and JSON forms.
        public var kindName: String {
            switch self {
            case .delayHeaders: "delay_headers"
            case .delayBody: "delay_body"
            case .stall: "stall"
            case .close: "close"
            case .cut: "cut"
            case .reset: "rst"
            case .malformed: "malformed"
            case .contentType: "content_type"
            case .brokenChunked: "bad_chunked"
            case .lengthMismatch: "length_mismatch"
            case .drip: "drip"
            case .status: "status"
            case .streamError: "stream_error"
            }
        }
    }

    /// An HTTP error answer in the provider's own shape.
    public struct StatusFault: Sendable, Hashable {
        /// The status code (400–599).
        public var code: Int
        /// `retry-after` header in seconds (whole seconds are sent rounded up).
        public var retryAfterSeconds: Double?
        /// `retry-after-ms` header.
        public var retryAfterMilliseconds: Double?
        /// `x-should-retry` header.
        public var shouldRetry: Bool?
        /// Error message; the provider's realistic default when nil.
        public var message: String?

        public init(code: Int, retryAfterSeconds: Double? = nil, retryAfterMilliseconds: Double? = nil, shouldRetry: Bool? = nil, message: String? = nil) {
            self.code = code
            self.retryAfterSeconds = retryAfterSeconds
            self.retryAfterMilliseconds = retryAfterMilliseconds
            self.shouldRetry = shouldRetry
            self.message = message
        }
    }

    /// Which requests a fault applies to. Every condition given must hold.
    public struct Schedule: Sendable, Hashable {
        /// Only the Nth request (1-based) among those matching path/model/method.
        public var requestNumber: Int?
        /// Apply at most this many times (nil: no limit).
        public var times: Int?
        /// Request path pattern (`*` wildcards), e.g. `/api/chat` or `/v1/*`.
        public var path: GlobPattern?
        /// Model pattern (`*` wildcards) matched against the request body's `model`.
        public var model: GlobPattern?
        /// HTTP method, e.g. `POST`.
        public var method: String?
        /// Probability 0...1 of applying to a matching request, drawn from the server seed.
        public var probability: Double?
        /// Pattern the request's `X-Test-Id` header must match (isolates concurrent tests).
        public var testID: GlobPattern?

        public init(requestNumber: Int? = nil, times: Int? = nil, path: GlobPattern? = nil, model: GlobPattern? = nil, method: String? = nil, probability: Double? = nil, testID: GlobPattern? = nil) {
            self.requestNumber = requestNumber
            self.times = times
            self.path = path
            self.model = model
            self.method = method
            self.probability = probability
            self.testID = testID
        }

        /// Whether the request's method, path, model and `X-Test-Id` satisfy the filters.
        public func matches(method: String, path: String, model: String?, testID: String? = nil) -> Bool {
            if let m = self.method, !m.caseInsensitiveEquals(method) { return false }
            if let pattern = self.testID {
                guard let testID, pattern.matches(testID) else { return false }
            }
            if let p = self.path, !p.matches(path) { return false }
            if let pattern = self.model {
                guard let model, pattern.matches(model) else { return false }
            }
            return true
        }
    }

    public var action: Action
    public var schedule: Schedule

    public init(_ action: Action, schedule: Schedule = Schedule()) {
        self.action = action
        self.schedule = schedule
    }

    // MARK: - Canonical text

    /// The canonical compact text of the fault; parsing it gives back an equal spec.
    public var description: String {
        var items: [String] = []
        switch action {
        case .delayHeaders(let d): items.append("delay_headers=\(DurationText.format(d))")
        case .delayBody(let d): items.append("delay_body=\(DurationText.format(d))")
        case .stall(let n, let d):
            items.append("stall=after:\(n)")
            if let d { items.append("for:\(DurationText.format(d))") }
        case .close(let n): items.append("close=after:\(n)")
        case .cut(let n): items.append("cut=after:\(n)")
        case .reset(let n): items.append(n.map { "rst=after:\($0)" } ?? "rst=headers")
        case .malformed(let n): items.append("malformed=chunk:\(n)")
        case .contentType(let v): items.append("content_type=\(v.map(FaultSpec.quoteIfNeeded) ?? "none")")
        case .brokenChunked(let n): items.append("bad_chunked=after:\(n)")
        case .lengthMismatch(let d): items.append("length_mismatch=\(d >= 0 ? "+" : "")\(d)")
        case .drip(let r): items.append("drip=\(r)")
        case .status(let s):
            items.append("status=\(s.code)")
            if let v = s.retryAfterSeconds { items.append("retry_after=\(JSONValue.format(v))") }
            if let v = s.retryAfterMilliseconds { items.append("retry_after_ms=\(JSONValue.format(v))") }
            if let v = s.shouldRetry { items.append("should_retry=\(v)") }
            if let m = s.message { items.append("message=\(FaultSpec.quoteIfNeeded(m))") }
        case .streamError(let n, let m):
            items.append("stream_error=after:\(n)")
            if let m { items.append("message=\(FaultSpec.quoteIfNeeded(m))") }
        }
        let s = schedule
        if let v = s.path { items.append("path=\(v)") }
        if let v = s.model { items.append("model=\(v)") }
        if let v = s.method { items.append("method=\(v)") }
        if let v = s.requestNumber { items.append("request=\(v)") }
        if let v = s.times { items.append("times=\(v)") }
        if let v = s.probability { items.append("p=\(JSONValue.format(v))") }
        if let v = s.testID { items.append("test_id=\(FaultSpec.quoteIfNeeded(v.pattern))") }
        return items.joined(separator: ",")
    }

    static func quoteIfNeeded(_ text: String) -> String {
        if text.contains(",") || text.contains("\"") || text.hasPrefix("'") {
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return text
    }

    // MARK: - JSON form

    /// The JSON form of the fault (the same keys as the text form).
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = []
        func dur(_ d: Duration) -> JSONValue { .string(DurationText.format(d)) }
        switch action {
        case .delayHeaders(let d): pairs.append(("delay_headers", dur(d)))
        case .delayBody(let d): pairs.append(("delay_body", dur(d)))
        case .stall(let n, let d):
            var params: [(String, JSONValue)] = [("after", .int(n))]
            if let d { params.append(("for", dur(d))) }
            pairs.append(("stall", .object(params)))
        case .close(let n): pairs.append(("close", .object([("after", .int(n))])))
        case .cut(let n): pairs.append(("cut", .object([("after", .int(n))])))
        case .reset(let n): pairs.append(("rst", n.map { .object([("after", .int($0))]) } ?? "headers"))
        case .malformed(let n): pairs.append(("malformed", .object([("chunk", .int(n))])))
        case .contentType(let v): pairs.append(("content_type", .string(v ?? "none")))
        case .brokenChunked(let n): pairs.append(("bad_chunked", .object([("after", .int(n))])))
        case .lengthMismatch(let d): pairs.append(("length_mismatch", .int(d)))
        case .drip(let r): pairs.append(("drip", .int(r)))
        case .status(let s):
            pairs.append(("status", .int(s.code)))
            if let v = s.retryAfterSeconds { pairs.append(("retry_after", .number(v))) }
            if let v = s.retryAfterMilliseconds { pairs.append(("retry_after_ms", .number(v))) }
            if let v = s.shouldRetry { pairs.append(("should_retry", .bool(v))) }
            if let m = s.message { pairs.append(("message", .string(m))) }
        case .streamError(let n, let m):
            var params: [(String, JSONValue)] = [("after", .int(n))]
            if let m { params.append(("message", .string(m))) }
            pairs.append(("stream_error", .object(params)))
        }
        let s = schedule
        if let v = s.path { pairs.append(("path", .string(v.pattern))) }
        if let v = s.model { pairs.append(("model", .string(v.pattern))) }
        if let v = s.method { pairs.append(("method", .string(v))) }
        if let v = s.requestNumber { pairs.append(("request", .int(v))) }
        if let v = s.times { pairs.append(("times", .int(v))) }
        if let v = s.probability { pairs.append(("p", .number(v))) }
        if let v = s.testID { pairs.append(("test_id", .string(v.pattern))) }
        return .object(pairs)
    }
}
