import HTTPWire

/// Thrown inside a handler when a fault ended the exchange on purpose; the engine catches it.
struct ExchangeEnded: Error {
    var outcome: JournalEntry.Outcome
}

/// Wraps the server's writer for one exchange: applies the wire faults chosen for the request
/// and records what was sent, so personalities and fixture replay stay fault-agnostic.
///
/// "After N chunks" faults fire just before chunk N+1 would be written, or at ``finish()`` if
/// the response has only N chunks.
final class ExchangeWriter: HTTPResponseWriter {
    let base: any HTTPResponseWriter
    private let arrivedAt: UInt64

    // Fault settings for this exchange.
    private var delayHeaders: Duration?
    private var delayBody: Duration?
    private var resetBeforeHeaders = false
    private var afterActions: [Int: [FaultSpec.Action]] = [:]
    private var malformedChunks: Set<Int> = []
    private var contentTypeOverride: String??
    private var lengthDelta: Int?
    private var dripRate: Int?
    private var breaksChunking = false

    // What happened.
    private(set) var status: Int?
    private(set) var chunksSent = 0
    private(set) var bytesSent = 0
    private(set) var headAt: UInt64?
    private(set) var firstByteAt: UInt64?
    private(set) var outcome: JournalEntry.Outcome = .completed
    private(set) var isFinished = false
    /// When each body write went out (monotonic ns), the first ``JournalEntry/maximumRecordedWrites`` only.
    private(set) var writeTimes: [UInt64] = []
    /// Body writes that went out (all of them, also beyond the recorded times).
    private(set) var writeCount = 0
    /// When the latest body write (or, before any, the head) went out; start of the current silence.
    private var lastSentAt: UInt64?
    /// Longest silence between the head and a body write or between two body writes so far (ns).
    private var longestGap: UInt64 = 0
    /// `Retry-After` and `retry-after-ms` as they went out in the response head.
    private(set) var sentRetryAfter: String?
    private(set) var sentRetryAfterMilliseconds: String?

    // Framing state.
    private var framing: Framing = .plain
    private var rawMode = false
    private var pendingHead: HTTPResponseHead?
    private var buffered: [UInt8] = []

    private enum Framing { case plain, sse, ndjson }

    init(base: any HTTPResponseWriter, faults: [FaultSpec], arrivedAt: UInt64) {
        self.base = base
        self.arrivedAt = arrivedAt
        for fault in faults { install(fault.action) }
    }

    private func install(_ action: FaultSpec.Action) {
        switch action {
        case .delayHeaders(let d): delayHeaders = (delayHeaders ?? .zero) + d
        case .delayBody(let d): delayBody = (delayBody ?? .zero) + d
        case .reset(nil): resetBeforeHeaders = true
        case .reset(let n?): afterActions[n, default: []].append(action)
        case .stall(let n, _), .close(let n), .cut(let n), .streamError(let n, _): afterActions[n, default: []].append(action)
        case .brokenChunked(let n):
            breaksChunking = true
            afterActions[n, default: []].append(action)
        case .malformed(let n): malformedChunks.insert(n)
        case .contentType(let v): contentTypeOverride = .some(v)
        case .lengthMismatch(let d): lengthDelta = d
        case .drip(let r): dripRate = r
        case .status: break
        }
    }

    // MARK: - HTTPResponseWriter

    var requestHead: HTTPRequestHead { base.requestHead }
    var isHeadWritten: Bool { base.isHeadWritten || pendingHead != nil }

    func writeHead(_ head: HTTPResponseHead) throws {
        if resetBeforeHeaders {
            base.reset()
            throw ExchangeEnded(outcome: .reset(afterChunks: 0))
        }
        if let d = delayHeaders { try guarded { try base.pause(for: d) } }
        var head = head
        // One pass for the three fields read here (first of each, names compared only when the
        // length fits), instead of three case-insensitive searches.
        var contentType: String?
        var retryAfter: String?
        var retryAfterMilliseconds: String?
        for field in head.headers {
            switch field.name.utf8.count {
            case 12 where contentType == nil && field.name.caseInsensitiveEquals("Content-Type"): contentType = field.value
            case 11 where retryAfter == nil && field.name.caseInsensitiveEquals("Retry-After"): retryAfter = field.value
            case 14 where retryAfterMilliseconds == nil && field.name.caseInsensitiveEquals("retry-after-ms"): retryAfterMilliseconds = field.value
            default: break
            }
        }
        let type = contentType ?? ""
        framing = ExchangeWriter.hasPrefix(type, "text/event-stream") ? .sse : ExchangeWriter.hasPrefix(type, "application/x-ndjson") ? .ndjson : .plain
        if let override = contentTypeOverride {
            if let value = override { head.headers["Content-Type"] = value } else { head.headers.remove(name: "Content-Type") }
        }
        status = head.status.code
        sentRetryAfter = retryAfter
        sentRetryAfterMilliseconds = retryAfterMilliseconds
        if lengthDelta != nil {
            // Content-Length is only known at the end: hold the head and the body back.
            head.headers.remove(name: "Transfer-Encoding")
            pendingHead = head
            headAt = MonotonicClock.now()
            return
        }
        if breaksChunking {
            head.headers.remove(name: "Content-Length")
            head.headers["Transfer-Encoding"] = "chunked"
            rawMode = true
            try guarded { try base.writeRaw(head.serialized()) }
        } else {
            try guarded { try base.writeHead(head) }
        }
        headAt = MonotonicClock.now()
        lastSentAt = headAt
    }

    func writeBody(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if chunksSent == 0, let d = delayBody {
            delayBody = nil
            try guarded { try base.pause(for: d) }
        }
        if !afterActions.isEmpty { try fireAfterActions(pending: bytes) }
        if !malformedChunks.isEmpty, malformedChunks.contains(chunksSent + 1) {
            return try send(ExchangeWriter.corrupt(bytes))
        }
        try send(bytes)
    }

    /// `text.lowercased().hasPrefix(prefix)` for a lowercase ASCII `prefix`, decided on the bytes
    /// (no lowercased copy); non-ASCII text right after the prefix takes the Character-based rule.
    static func hasPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        let utf8 = text.utf8
        let count = prefix.utf8CodeUnitCount
        guard utf8.count >= count else { return false }
        let matches = prefix.withUTF8Buffer { p in
            var i = utf8.startIndex
            for expected in p {
                let byte = utf8[i]
                if byte != expected && !(byte >= 0x41 && byte <= 0x5A && byte | 0x20 == expected) { return false }
                i = utf8.index(after: i)
            }
            return true
        }
        guard matches else { return false }
        // A combining mark after the prefix would join its last Character.
        if utf8.count > count, utf8[utf8.index(utf8.startIndex, offsetBy: count)] >= 0x80 {
            return text.lowercased().hasPrefix(prefix.description)
        }
        return true
    }

    func finish() throws {
        guard !isFinished else { return }
        if !afterActions.isEmpty { try fireAfterActions(pending: nil) }
        isFinished = true
        if var head = pendingHead, let delta = lengthDelta {
            pendingHead = nil
            head.headers["Content-Length"] = String(max(0, buffered.count + delta))
            try guarded { try base.writeRaw(head.serialized()) }
            lastSentAt = MonotonicClock.now()  // the silence starts when the held-back head really went out
            try dripRaw(buffered, isBody: true)
            base.close()
            throw ExchangeEnded(outcome: .closedByFault(afterChunks: chunksSent))
        }
        if rawMode {
            try dripRaw(ChunkedBodyEncoder.lastChunk)
            base.close()
            return
        }
        try guarded { try base.finish() }
    }

    func writeRaw(_ bytes: [UInt8]) throws { try guarded { try base.writeRaw(bytes) } }
    func close() { base.close() }
    func reset() { base.reset() }

    func pause(for duration: Duration) throws {
        do { try base.pause(for: duration) } catch {
            outcome = .serverStopped(afterChunks: chunksSent)
            throw error
        }
    }

    func waitForPeerClose(timeout: Duration?) -> Bool { base.waitForPeerClose(timeout: timeout) }

    // MARK: - Faults after N chunks

    private func fireAfterActions(pending: [UInt8]?) throws {
        guard let actions = afterActions.removeValue(forKey: chunksSent) else { return }
        for action in actions {
            switch action {
            case .stall(_, let duration):
                if let duration {
                    if base.waitForPeerClose(timeout: duration) {
                        throw ExchangeEnded(outcome: .clientGaveUp(afterChunks: chunksSent))
                    }
                } else {
                    let closed = base.waitForPeerClose(timeout: nil)
                    base.close()
                    throw ExchangeEnded(outcome: closed ? .clientGaveUp(afterChunks: chunksSent) : .serverStopped(afterChunks: chunksSent))
                }
            case .close:
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: chunksSent))
            case .reset:
                base.reset()
                throw ExchangeEnded(outcome: .reset(afterChunks: chunksSent))
            case .cut:
                if let pending, pending.count > 1 {
                    try send(Array(pending.prefix(pending.count / 2)), countsAsChunk: false)
                }
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: chunksSent))
            case .brokenChunked:
                let data = pending ?? []
                try dripRaw(Array("zz\(String(data.count, radix: 16))\r\n".utf8) + data + [13, 10], isBody: true)
                base.close()
                throw ExchangeEnded(outcome: .closedByFault(afterChunks: chunksSent))
            case .streamError(_, let message):
                try send(streamErrorBytes(message ?? "an error was encountered while running the model"))
                if rawMode {
                    try dripRaw(ChunkedBodyEncoder.lastChunk)
                    base.close()
                } else {
                    try guarded { try base.finish() }
                }
                isFinished = true
                throw ExchangeEnded(outcome: .completed)
            default:
                break
            }
        }
    }

    /// The provider-shaped mid-stream error for the response's framing.
    private func streamErrorBytes(_ message: String) -> [UInt8] {
        var out: [UInt8] = []
        switch framing {
        case .sse:
            out += Array("data: ".utf8)
            let error: JSONValue = ["error": ["message": .string(message), "type": "server_error", "param": nil, "code": nil]]
            out += error.serializedBytes()
            out += Array("\n\n".utf8)
        case .ndjson, .plain:
            out += JSONValue.object([("error", .string(message))]).serializedBytes()
            out.append(0x0A)
        }
        return out
    }

    // MARK: - Sending

    private func send(_ bytes: [UInt8], countsAsChunk: Bool = true) throws {
        if firstByteAt == nil { firstByteAt = MonotonicClock.now() }
        if countsAsChunk {
            chunksSent += 1
            bytesSent += bytes.count
        }
        if pendingHead != nil {
            buffered += bytes
            return
        }
        if rawMode {
            try dripRaw(ChunkedBodyEncoder.chunk(bytes), isBody: true)
            return
        }
        guard let rate = dripRate else {
            try guarded { try base.writeBody(bytes) }
            noteBodyWrite()
            return
        }
        let piece = max(1, rate / 20)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try guarded { try base.writeBody(Array(bytes[offset..<end])) }
            noteBodyWrite()
            try pause(for: .nanoseconds(Int64(Double(end - offset) / Double(rate) * 1e9)))
            offset = end
        }
    }

    /// Writes raw bytes (at the drip rate, if any); `isBody` records each write's time (not for framing such
    /// as the last chunk's `0\r\n\r\n`).
    private func dripRaw(_ bytes: [UInt8], isBody: Bool = false) throws {
        guard let rate = dripRate else {
            try guarded { try base.writeRaw(bytes) }
            if isBody { noteBodyWrite() }
            return
        }
        let piece = max(1, rate / 20)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try guarded { try base.writeRaw(Array(bytes[offset..<end])) }
            if isBody { noteBodyWrite() }
            try pause(for: .nanoseconds(Int64(Double(end - offset) / Double(rate) * 1e9)))
            offset = end
        }
    }

    // MARK: - Timing

    /// The recorded body write times as nanoseconds since arrival, handed over (the writer keeps none).
    func takeWriteOffsets() -> [UInt64] {
        var offsets: [UInt64] = []
        swap(&offsets, &writeTimes)
        for i in offsets.indices { offsets[i] = offsets[i] &- arrivedAt }
        return offsets
    }

    /// Records that a body write just went out: its time (bounded) and the silence before it.
    private func noteBodyWrite() {
        let now = MonotonicClock.now()
        writeCount += 1
        if writeTimes.count < JournalEntry.maximumRecordedWrites { writeTimes.append(now) }
        if let last = lastSentAt, now > last { longestGap = max(longestGap, now - last) }
        lastSentAt = now
    }

    /// The longest silence after the head went out, counting the one from the last write to `end` (a stall the
    /// client sat through, or gave up on); nil if no head went out.
    func longestGap(until end: UInt64) -> UInt64? {
        guard let last = lastSentAt else { return nil }
        return max(longestGap, end > last ? end - last : 0)
    }

    /// Runs a socket write; a failure means the peer went away.
    private func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let ended as ExchangeEnded {
            throw ended
        } catch {
            if case .completed = outcome {
                if let e = error as? HTTPServerError, e.code == .serverStopping {
                    outcome = .serverStopped(afterChunks: chunksSent)
                } else {
                    outcome = .clientClosed(afterChunks: chunksSent)
                }
            }
            throw error
        }
    }

    /// Truncates the JSON inside a chunk to half its length, keeping any framing around it
    /// (`data: ` before, newlines after).
    static func corrupt(_ bytes: [UInt8]) -> [UInt8] {
        guard let open = bytes.firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) else {
            return Array("{\"".utf8) + bytes
        }
        let close = bytes.lastIndex(where: { $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "]") }) ?? (bytes.count - 1)
        let cut = open + max(1, (close - open + 1) / 2)
        return Array(bytes[..<cut]) + Array(bytes[(close + 1)...])
    }
}
