import HTTPWire

/// The one table of fault kinds: each kind's key, parameters, bounds, help lines, the category of
/// its effect, where in the exchange it acts (``FaultPlacement``), how its value is read
/// (``build(_:)``) and written back (``FaultSpec/Action/arguments``).
///
/// Adding a fault means: a case here with its ``row`` and its ``build(_:)`` branch, the matching
/// ``FaultSpec/Action`` case with its `arguments`, and what it does at its placement in
/// ``FaultInjector`` (the switches are exhaustive, so the compiler points at each), plus a test.
/// The grammar's key lists, the help text, the journal's effect categories and the point where the
/// injector applies a fault all derive from this table.
public enum FaultKind: String, CaseIterable, Sendable, Hashable {
    case delayHeaders = "delay_headers"
    case delayBody = "delay_body"
    case stall
    case close
    case cut
    case reset = "rst"
    case malformed
    case contentType = "content_type"
    case brokenChunked = "bad_chunked"
    case lengthMismatch = "length_mismatch"
    case drip
    case status
    case streamError = "stream_error"

    /// The key that names the kind in the text and JSON forms.
    public var key: String { rawValue }

    /// Everything the grammar and the help need to know about one kind.
    struct Row {
        /// Parameters the kind accepts besides its own value (`after`, `for`, `retry_after`…).
        var parameters: [FaultParameter] = []
        /// `kind=a:b` means the parameter `a` with value `b` (`stall=after:3`).
        var splitsParameterValue = true
        /// The kind may be written without a value (`rst`).
        var mayBeBare = false
        /// Help: the grammar column, what it does, and an example (each may span lines).
        var usage: String
        var summary: String
        var example: String
        var effect: FaultSpec.Effect
        /// Where in the exchange it acts.
        var placement: FaultPlacement.Point
    }

    var row: Row {
        switch self {
        case .delayHeaders:
            Row(usage: "delay_headers=DUR", summary: "wait before the status line", example: "delay_headers=3s", effect: .delay, placement: .beforeHead)
        case .delayBody:
            Row(usage: "delay_body=DUR", summary: "headers at once, wait before the body", example: "delay_body=1500ms", effect: .delay, placement: .beforeBody)
        case .stall:
            Row(
                parameters: [.after, .for], usage: "stall=after:N[,for:DUR]",
                summary: "stop after N chunks; no 'for' = until the client gives up", example: "stall=after:3,for:5s",
                effect: .stall, placement: .afterChunks)
        case .close:
            Row(
                parameters: [.after], usage: "close=after:N",
                summary: "clean FIN after N chunks (no terminator, no final event)", example: "close=after:2", effect: .truncate, placement: .afterChunks)
        case .cut:
            Row(parameters: [.after], usage: "cut=after:N", summary: "send half of chunk N+1, then FIN", example: "cut=after:4", effect: .truncate, placement: .afterChunks)
        case .reset:
            Row(
                parameters: [.after], mayBeBare: true, usage: "rst=headers | rst=after:N",
                summary: "TCP RST (SO_LINGER 0) before the head or after N chunks", example: "rst=after:2,p=0.1", effect: .reset, placement: .afterChunks)
        case .malformed:
            Row(
                parameters: [.chunk], mayBeBare: true, usage: "malformed=chunk:N", summary: "chunk N carries truncated JSON",
                example: "malformed=chunk:3", effect: .malformed, placement: .onChunk)
        case .contentType:
            Row(
                splitsParameterValue: false, usage: "content_type=TYPE|none", summary: "wrong or missing Content-Type",
                example: "content_type=text/html", effect: .wrongContentType, placement: .onHead)
        case .brokenChunked:
            Row(
                parameters: [.after], usage: "bad_chunked=after:N",
                summary: "a chunk with a non-hex size line after N chunks, then FIN", example: "bad_chunked=after:1", effect: .truncate, placement: .afterChunks)
        case .lengthMismatch:
            Row(
                mayBeBare: true, usage: "length_mismatch=+N|-N", summary: "Content-Length off by N bytes, then FIN",
                example: "length_mismatch=+20", effect: .truncate, placement: .onHead)
        case .drip:
            Row(usage: "drip=BYTES_PER_SECOND", summary: "send the body slowly", example: "drip=200", effect: .slow, placement: .everyWrite)
        case .status:
            Row(
                parameters: [.retryAfter, .retryAfterMilliseconds, .shouldRetry, .message], splitsParameterValue: false,
                usage: "status=CODE",
                summary: "the provider's own error body; with retry_after=SEC,\nretry_after_ms=MS, should_retry=true|false, message=TEXT",
                example: "status=429,retry_after=2,times=1\nstatus=401   status=404   status=503", effect: .errorStatus,
                placement: .insteadOfAnswer)
        case .streamError:
            Row(
                parameters: [.after, .message], usage: "stream_error=after:N",
                summary: "mid-stream error: Ollama {\"error\":…} line or OpenAI data: {\"error\":{…}}\nevent, then the stream ends",
                example: "stream_error=after:5,message=\"boom\"", effect: .midStreamError,
                placement: .afterChunks)
        }
    }

    /// Builds the action from the kind's value and parameters; throws a located ``FaultSpecError``.
    func build(_ arguments: FaultArguments) throws(FaultSpecError) -> FaultSpec.Action {
        switch self {
        case .delayHeaders: return .delayHeaders(try arguments.requiredDuration())
        case .delayBody: return .delayBody(try arguments.requiredDuration())
        case .stall: return .stall(afterChunks: try arguments.after(), duration: try arguments.duration(.for))
        case .close: return .close(afterChunks: try arguments.after())
        case .cut: return .cut(afterChunks: try arguments.after())
        case .brokenChunked: return .brokenChunked(afterChunks: try arguments.after())
        case .reset:
            let value = arguments.value?.lowercased()
            if value == "headers" || value == "before_headers" || (value == nil && arguments[.after] == nil) {
                return .reset(afterChunks: nil)
            }
            return .reset(afterChunks: try arguments.after())
        case .malformed:
            return .malformed(chunk: try arguments.integer(.chunk, orValue: true, in: 1...FaultSpec.maximumCount) ?? 1)
        case .contentType:
            guard let value = arguments.value else {
                throw arguments.error("'content_type' needs a value (a media type, or none)")
            }
            return .contentType(value.lowercased() == "none" ? nil : value)
        case .lengthMismatch:
            let text = arguments.value ?? "+16"
            guard let delta = CheckedNumber.integer(text, in: -FaultSpec.maximumCount...FaultSpec.maximumCount), delta != 0 else {
                throw arguments.error(
                    "'length_mismatch' must be a non-zero whole number of bytes from -\(FaultSpec.maximumCount) to +\(FaultSpec.maximumCount) such as +10 or -5, got '\(text)'")
            }
            return .lengthMismatch(delta: delta)
        case .drip:
            guard let text = arguments.value, let rate = CheckedNumber.integer(text, in: 1...FaultSpec.maximumCount), !text.hasPrefix("+") else {
                throw arguments.error(
                    "'drip' must be a whole number of bytes per second from 1 to \(FaultSpec.maximumCount), got '\(arguments.value ?? "")'")
            }
            return .drip(bytesPerSecond: rate)
        case .status:
            guard let text = arguments.value, let code = CheckedNumber.integer(text, in: 400...599), !text.hasPrefix("+") else {
                throw arguments.error("'status' must be an HTTP error status 400–599, got '\(arguments.value ?? "")'")
            }
            var fault = FaultSpec.StatusFault(code: code)
            fault.retryAfterSeconds = try arguments.number(.retryAfter, maximum: FaultSpec.maximumRetryAfterSeconds)
            fault.retryAfterMilliseconds = try arguments.number(
                .retryAfterMilliseconds, maximum: FaultSpec.maximumRetryAfterSeconds * 1000)
            fault.shouldRetry = try arguments.boolean(.shouldRetry)
            fault.message = arguments[.message]?.value
            return .status(fault)
        case .streamError:
            return .streamError(afterChunks: try arguments.after(), message: arguments[.message]?.value)
        }
    }
}

/// A parameter of a fault kind (``FaultKind/Row/parameters``).
enum FaultParameter: String, CaseIterable, Sendable {
    case after
    case `for`
    case chunk
    case retryAfter = "retry_after"
    case retryAfterMilliseconds = "retry_after_ms"
    case shouldRetry = "should_retry"
    case message
}

extension FaultSpec.Action {
    /// The kind of this action (its row in the table).
    public var kind: FaultKind {
        switch self {
        case .delayHeaders: .delayHeaders
        case .delayBody: .delayBody
        case .stall: .stall
        case .close: .close
        case .cut: .cut
        case .reset: .reset
        case .malformed: .malformed
        case .contentType: .contentType
        case .brokenChunked: .brokenChunked
        case .lengthMismatch: .lengthMismatch
        case .drip: .drip
        case .status: .status
        case .streamError: .streamError
        }
    }

    /// The category of what the fault does to the exchange, for the journal and the verdicts.
    public var effect: FaultSpec.Effect { kind.row.effect }

    /// The action's value and parameters as written in the text and JSON forms: `value` is the
    /// kind's own value (`status=429`, `drip=200`), `nested` the parameters written inside it
    /// (`stall=after:3` / `{"stall":{"after":3}}`), `flat` those written beside it (`retry_after=2`).
    var arguments: (value: FaultSpec.Value?, nested: [(FaultParameter, FaultSpec.Value)], flat: [(FaultParameter, FaultSpec.Value)]) {
        switch self {
        case .delayHeaders(let d), .delayBody(let d): return (.duration(d), [], [])
        case .stall(let n, let d): return (nil, [(.after, .integer(n))] + (d.map { [(.for, .duration($0))] } ?? []), [])
        case .close(let n), .cut(let n), .brokenChunked(let n): return (nil, [(.after, .integer(n))], [])
        case .reset(let n): return n.map { (nil, [(.after, .integer($0))], []) } ?? (.text("headers"), [], [])
        case .malformed(let n): return (nil, [(.chunk, .integer(n))], [])
        case .contentType(let v): return (.text(v ?? "none"), [], [])
        case .lengthMismatch(let d): return (.signedInteger(d), [], [])
        case .drip(let r): return (.integer(r), [], [])
        case .status(let s):
            var flat: [(FaultParameter, FaultSpec.Value)] = []
            if let v = s.retryAfterSeconds { flat.append((.retryAfter, .number(v))) }
            if let v = s.retryAfterMilliseconds { flat.append((.retryAfterMilliseconds, .number(v))) }
            if let v = s.shouldRetry { flat.append((.shouldRetry, .boolean(v))) }
            if let m = s.message { flat.append((.message, .text(m))) }
            return (.integer(s.code), [], flat)
        case .streamError(let n, let m):
            return (nil, [(.after, .integer(n))] + (m.map { [(.message, .text($0))] } ?? []), [])
        }
    }
}
