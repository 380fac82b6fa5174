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
        public var kindName: String { kind.key }
    }

    /// What a fault does to an exchange, by category: how the journal and the verdicts see it.
    public enum Effect: String, Sendable, Hashable, CaseIterable {
        /// A status-only error answer (401, 429, 500 …).
        case errorStatus = "error-status"
        /// A delay before the head or the first body byte.
        case delay
        /// The body stops for a while or for good.
        case stall
        /// The body ends early without its terminator.
        case truncate
        /// The connection is reset.
        case reset
        /// A chunk that does not parse.
        case malformed
        /// A wrong or missing `Content-Type`.
        case wrongContentType = "wrong-content-type"
        /// A provider error inside an otherwise successful stream.
        case midStreamError = "mid-stream-error"
        /// The body goes out slowly.
        case slow
    }

    /// One value in a fault's text or JSON form.
    enum Value {
        case integer(Int)
        /// Written with its sign (`+20`, `-5`).
        case signedInteger(Int)
        case number(Double)
        case boolean(Bool)
        case duration(Duration)
        case text(String)

        var text: String {
            switch self {
            case .integer(let v): String(v)
            case .signedInteger(let v): v >= 0 ? "+\(v)" : String(v)
            case .number(let v): JSONValue.format(v)
            case .boolean(let v): String(v)
            case .duration(let v): DurationText.format(v)
            case .text(let v): FaultSpec.quoteIfNeeded(v)
            }
        }

        var json: JSONValue {
            switch self {
            case .integer(let v), .signedInteger(let v): .int(v)
            case .number(let v): .number(v)
            case .boolean(let v): .bool(v)
            case .duration(let v): .string(DurationText.format(v))
            case .text(let v): .string(v)
            }
        }

        /// Text parameters are written `key=value`, the others `key:value` (`for:5s`).
        var separator: String {
            if case .text = self { return "=" }
            return ":"
        }
    }

    // MARK: - Bounds

    /// The largest count a fault accepts (`after`, `chunk`, `request`, `times`, `drip`, the
    /// `length_mismatch` offset): 10⁹.
    public static let maximumCount = 1_000_000_000
    /// The longest duration a fault accepts (`delay_headers`, `delay_body`, `stall … for`): 1 hour.
    public static let maximumDuration: Duration = .seconds(3600)
    /// The largest `retry_after` in seconds (`retry_after_ms` allows the same in ms): 10⁶ s (~11.6 days).
    public static let maximumRetryAfterSeconds: Double = 1_000_000

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
        let key = action.kindName
        let (value, nested, flat) = action.arguments
        if let value { items.append("\(key)=\(value.text)") }
        for (index, (parameter, value)) in nested.enumerated() {
            items.append(index == 0 ? "\(key)=\(parameter.rawValue):\(value.text)" : "\(parameter.rawValue)\(value.separator)\(value.text)")
        }
        for (parameter, value) in flat { items.append("\(parameter.rawValue)=\(value.text)") }
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
        let key = action.kindName
        let (value, nested, flat) = action.arguments
        if !nested.isEmpty {
            pairs.append((key, .object(nested.map { ($0.0.rawValue, $0.1.json) })))
        } else if let value {
            pairs.append((key, value.json))
        }
        for (parameter, value) in flat { pairs.append((parameter.rawValue, value.json)) }
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
