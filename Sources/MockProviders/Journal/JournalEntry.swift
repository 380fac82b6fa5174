import HTTPWire

/// What a mock server saw and did for one request.
///
/// The scenario runner judges client behaviour from these: retries and the delay between them
/// (``startedAt``), whether the client stopped reading (``outcome``), which secret
/// reached which host (masked ``headers`` and ``host``).
public struct JournalEntry: Sendable {
    /// How an exchange ended.
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The full response was sent.
        case completed
        /// The client closed the connection before the response was complete.
        case clientClosed(afterChunks: Int)
        /// A fault closed the connection cleanly (FIN) before the response was complete.
        case closedByFault(afterChunks: Int)
        /// A fault reset the connection (RST).
        case reset(afterChunks: Int)
        /// A stall without end: the client gave up (closed) after this many chunks.
        case clientGaveUp(afterChunks: Int)
        /// The server stopped while the exchange was in progress.
        case serverStopped(afterChunks: Int)
        /// The handler failed for another reason.
        case failed(String)

        /// A short stable name: `completed`, `client_closed`, `closed_by_fault`, `reset`,
        /// `client_gave_up`, `server_stopped`, `failed`.
        public var name: String {
            switch self {
            case .completed: "completed"
            case .clientClosed: "client_closed"
            case .closedByFault: "closed_by_fault"
            case .reset: "reset"
            case .clientGaveUp: "client_gave_up"
            case .serverStopped: "server_stopped"
            case .failed: "failed"
            }
        }

        public var description: String {
            switch self {
            case .completed: "completed"
            case .clientClosed(let n): "client closed early at chunk \(n)"
            case .closedByFault(let n): "closed by fault after chunk \(n)"
            case .reset(let n): "reset after chunk \(n)"
            case .clientGaveUp(let n): "client gave up during stall after chunk \(n)"
            case .serverStopped(let n): "server stopped after chunk \(n)"
            case .failed(let m): "failed: \(m)"
            }
        }
    }

    /// Server-wide request number, 1-based.
    public var id: Int
    public var provider: MockProviderKind
    public var connectionID: Int
    /// 1-based index of the request on its connection (keep-alive reuse shows as > 1).
    public var indexOnConnection: Int
    public var remoteAddress: String?
    /// When the request arrived.
    public var startedAt: MonotonicInstant
    /// Milliseconds since the server started.
    public var offsetMilliseconds: Double
    /// Wall-clock arrival in nanoseconds since the Unix epoch.
    public var wallTimeUnixNanoseconds: Int64
    /// Wall-clock arrival, RFC 3339 UTC (formatted on demand: the hot path only stores the number).
    public var wallTime: String { WallClock.rfc3339(unixNanoseconds: wallTimeUnixNanoseconds) }
    public var method: String
    /// Request target as sent (path and query).
    public var target: String
    public var path: String
    /// `model` from the JSON body, if any.
    public var model: String?
    /// `stream` from the JSON body, if present.
    public var stream: Bool?
    /// Selected request headers in order; secrets (Authorization…) are masked.
    public var headers: [(name: String, value: String)]
    public var bodyBytes: Int
    /// Response status, once the head went out (nil if the connection died before).
    public var status: Int?
    /// Body writes sent (SSE events, NDJSON lines, or 1 for a plain body).
    public var chunksSent: Int
    /// Body bytes sent (before transfer framing).
    public var bytesSent: Int
    /// Faults applied, as typed values (their canonical text is `description`).
    public var faults: [FaultSpec]
    /// What the applied faults did, by category, in the order of ``faults``.
    public var faultEffects: [FaultSpec.Effect] { faults.map(\.action.effect) }
    /// Name of the fixture exchange replayed, if any.
    public var fixture: String?
    public var outcome: Outcome
    /// From arrival to the head going out.
    public var timeToHead: Duration?
    /// From arrival to the first body byte.
    public var timeToFirstByte: Duration?
    /// From arrival to the end of the exchange.
    public var duration: Duration
    /// When each body write went out, as the time since arrival, for the first
    /// ``maximumRecordedWrites`` writes; ``bodyWriteCount`` counts them all. A write is one socket write of body
    /// bytes: an SSE event or NDJSON line, a plain body, or one piece of a `drip` fault.
    public var bodyWriteOffsets: [Duration] = []
    /// Body writes that went out (also those beyond ``bodyWriteOffsets``).
    public var bodyWriteCount: Int = 0
    /// Longest time the client was sent nothing after the response head: between the head and the first body
    /// write, between two writes, or from the last write to the end of the exchange (a stall the client sat
    /// through). Nil if no head went out.
    public var longestGap: Duration? = nil
    /// The `Retry-After` header value the response actually carried, if any.
    public var sentRetryAfter: String? = nil
    /// The `retry-after-ms` header value the response actually carried, if any.
    public var sentRetryAfterMilliseconds: String? = nil
    /// FNV-1a of the request body: tells a retry (same body) from a different request on the same path when a
    /// client sends no request id. Nil for an empty body.
    public var bodyFingerprint: UInt64? = nil
    /// Per-hop timing when the exchange went through `llmcheck proxy` (nil for a mock's own answer).
    public var hop: ProxyHopTiming? {
        get { hopStorage?.value }
        set { hopStorage = newValue.map(HopStorage.init) }
    }
    /// ``hop`` behind a reference: a mock's own entries (the many) do not carry its 144 bytes inline
    /// through every copy into and out of the journal's ring.
    var hopStorage: HopStorage? = nil

    final class HopStorage: Sendable {
        let value: ProxyHopTiming
        init(_ value: ProxyHopTiming) { self.value = value }
    }

    /// How many body write times an entry keeps (``bodyWriteOffsets``).
    public static let maximumRecordedWrites = 512

    /// The delay the sent `retry-after-ms` / `Retry-After` asked for, in milliseconds (`retry-after-ms` first,
    /// as openai-python reads them); nil if neither was sent or parses. An HTTP-date `Retry-After` is not
    /// interpreted (the mocks send seconds).
    public var sentRetryAfterDelayMilliseconds: Double? {
        if let text = sentRetryAfterMilliseconds, let ms = Double(text.filter { $0 != " " && $0 != "\t" }), ms.isFinite, ms >= 0 {
            return ms
        }
        if let text = sentRetryAfter, let seconds = Double(text.filter { $0 != " " && $0 != "\t" }), seconds.isFinite, seconds >= 0 {
            return seconds * 1000
        }
        return nil
    }

    /// The value of a journaled request header (masked if secret).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The entry as JSON (for `/__llmcheck/journal`).
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .int(id)), ("provider", .string(provider.rawValue)), ("connection", .int(connectionID)),
            ("index_on_connection", .int(indexOnConnection)),
        ]
        if let remoteAddress { pairs.append(("remote", .string(remoteAddress))) }
        pairs += [
            ("time", .string(wallTime)), ("offset_ms", .number((offsetMilliseconds * 1000).rounded() / 1000)),
            ("method", .string(method)), ("path", .string(path)), ("target", .string(target)),
            ("model", model.map(JSONValue.string) ?? .null), ("stream", stream.map(JSONValue.bool) ?? .null),
            ("headers", .object(headers.map { ($0.name, .string($0.value)) })),
            ("body_bytes", .int(bodyBytes)), ("status", status.map { .int($0) } ?? .null),
            ("chunks_sent", .int(chunksSent)), ("bytes_sent", .int(bytesSent)),
            ("faults", .array(faults.map { .string($0.description) })),
            ("fault_effects", .array(faultEffects.map { .string($0.rawValue) })), ("fixture", fixture.map(JSONValue.string) ?? .null),
            ("outcome", .string(outcome.name)), ("outcome_detail", .string(outcome.description)),
            ("head_ms", timeToHead.map { .number($0.milliseconds) } ?? .null),
            ("first_byte_ms", timeToFirstByte.map { .number($0.milliseconds) } ?? .null),
            ("duration_ms", .number(duration.milliseconds)),
            ("body_writes", .int(bodyWriteCount)),
            ("body_write_offsets_ns", .array(bodyWriteOffsets.map { .int(Int($0.nanoseconds)) })),
            ("longest_gap_ns", longestGap.map { .int(Int($0.nanoseconds)) } ?? .null),
            ("retry_after", sentRetryAfter.map(JSONValue.string) ?? .null),
            ("retry_after_ms", sentRetryAfterMilliseconds.map(JSONValue.string) ?? .null),
        ]
        if let hop { pairs.append(("proxy", hop.jsonValue(writeOffsets: bodyWriteOffsets, head: timeToHead))) }
        return .object(pairs)
    }

}
