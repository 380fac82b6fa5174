/// An incremental Server-Sent Events parser that follows the WHATWG rules at the byte level.
///
/// Feed it network reads in any split; it returns the events completed by each read.
///
/// * Lines end at `\r\n`, `\n` or `\r`; a `\r\n` split across two reads is one terminator.
/// * One UTF-8 byte-order mark is removed at the start of the stream only (even when split).
/// * `field: value` loses exactly one space after the colon; `data:x` and `data: x` are equal.
/// * `data` lines are joined with `\n`; a blank line dispatches the event; an event with an
///   empty data buffer is not dispatched.
/// * `:` lines are comments (counted in ``commentCount``); `id` without NUL sets the sticky
///   ``lastEventID``; an all-digit `retry` sets ``reconnectionTime``; other fields are ignored.
/// * Text is decoded as UTF-8 only once a line is complete, so multibyte characters split across
///   reads survive. Invalid UTF-8 becomes U+FFFD, as the specification requires.
/// * ``finish()`` discards an event that lacks its terminating blank line (WHATWG §9.2.6 and
///   openai-python agree) and reports it in ``discardedIncompleteEvent``.
///
/// ```swift
/// var parser = SSEParser()
/// for event in try parser.consume(Array("data: hi\n\n".utf8)) { print(event.data) }  // "hi"
/// ```
///
/// The parser is a value type with no locks: use one per stream.
public struct SSEParser: Sendable {
    /// Longest line accepted, in bytes (terminator excluded). Default 8 MiB, as Ollama's Go client.
    public var maximumLineLength: Int
    /// Largest `data` buffer one event may accumulate. Default 16 MiB.
    public var maximumEventSize: Int

    /// The sticky last event ID (`id:` field), or nil if none was seen.
    public private(set) var lastEventID: String?
    /// The reconnection time from the last valid `retry:` field, in milliseconds.
    public private(set) var reconnectionTime: Int?
    /// How many comment lines (`: ping`) were seen.
    public private(set) var commentCount = 0
    /// How many bytes have been consumed so far (including a BOM).
    public private(set) var bytesConsumed = 0
    /// Whether ``finish()`` found data without the blank line that dispatches it.
    public private(set) var discardedIncompleteEvent = false

    private var pending: [UInt8] = []
    private var skipLineFeed = false
    private var isStarted = false
    private var head: [UInt8] = []
    private var data: [UInt8] = []
    private var eventType: [UInt8]?
    private var failure: FramingError?

    public init(maximumLineLength: Int = 8 * 1024 * 1024, maximumEventSize: Int = 16 * 1024 * 1024) {
        self.maximumLineLength = maximumLineLength
        self.maximumEventSize = maximumEventSize
    }

    // MARK: - Feeding

    /// Consumes the next bytes of the stream.
    ///
    /// - Returns: the events completed by these bytes, in order.
    /// - Throws: ``FramingError`` when a line or an event exceeds its limit. After a throw the
    ///   parser stays failed and throws the same error again.
    public mutating func consume(_ bytes: some Collection<UInt8>) throws(FramingError) -> [SSEEvent] {
        if let failure { throw failure }
        var events: [SSEEvent] = []
        if bytes.isEmpty { return events }
        if !isStarted {
            head.append(contentsOf: bytes)
            guard startIfPossible(final: false) else { return events }
            let first = head
            head = []
            process(first, into: &events)
        } else {
            let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                process(buffer, into: &events)
            }
            if handled == nil { process(Array(bytes), into: &events) }
        }
        if let failure { throw failure }
        return events
    }

    /// Ends the stream: completes a final line that has no terminator, and discards an
    /// undispatched event (see ``discardedIncompleteEvent``).
    ///
    /// - Returns: events completed by the end of the stream (always empty per WHATWG, kept for symmetry).
    public mutating func finish() throws(FramingError) -> [SSEEvent] {
        if let failure { throw failure }
        var events: [SSEEvent] = []
        if !isStarted {
            _ = startIfPossible(final: true)
            let first = head
            head = []
            process(first, into: &events)
        }
        if !pending.isEmpty {
            var line: [UInt8] = []
            swap(&line, &pending)
            line.withUnsafeBufferPointer { handleLine($0, into: &events) }
        }
        if !data.isEmpty || eventType != nil { discardedIncompleteEvent = !data.isEmpty }
        data.removeAll()
        eventType = nil
        if let failure { throw failure }
        return events
    }

    // MARK: - Internals

    /// Strips a leading BOM once at least three bytes (or the end of the stream) are known.
    private mutating func startIfPossible(final: Bool) -> Bool {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if head.count < 3 && !final && bom.starts(with: head) { return false }
        isStarted = true
        if head.starts(with: bom) {
            head.removeFirst(3)
            bytesConsumed += 3
        }
        return true
    }

    private mutating func process(_ bytes: [UInt8], into events: inout [SSEEvent]) {
        bytes.withUnsafeBufferPointer { process($0, into: &events) }
    }

    private mutating func process(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [SSEEvent]) {
        let count = buffer.count
        var index = 0
        if skipLineFeed, count > 0 {
            skipLineFeed = false
            if buffer[0] == 0x0A { index = 1 }
        }
        var lineStart = index
        while index < count {
            let byte = buffer[index]
            if byte == 0x0A || byte == 0x0D {
                let length = index - lineStart
                if pending.isEmpty {
                    if length > maximumLineLength { return fail(.lineTooLong, maximumLineLength, bytesConsumed + index) }
                    handleLine(UnsafeBufferPointer(rebasing: buffer[lineStart..<index]), into: &events)
                } else {
                    if pending.count + length > maximumLineLength {
                        return fail(.lineTooLong, maximumLineLength, bytesConsumed + index)
                    }
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[lineStart..<index]))
                    var line: [UInt8] = []
                    swap(&line, &pending)
                    line.withUnsafeBufferPointer { handleLine($0, into: &events) }
                    line.removeAll(keepingCapacity: true)
                    swap(&line, &pending)
                }
                if failure != nil { return }
                if byte == 0x0D {
                    if index + 1 < count {
                        if buffer[index + 1] == 0x0A { index += 1 }
                    } else {
                        skipLineFeed = true
                    }
                }
                index += 1
                lineStart = index
            } else {
                index += 1
            }
        }
        if lineStart < count {
            if pending.count + (count - lineStart) > maximumLineLength {
                return fail(.lineTooLong, maximumLineLength, bytesConsumed + count)
            }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[lineStart..<count]))
        }
        bytesConsumed += count
    }

    private mutating func fail(_ code: FramingError.Code, _ limit: Int, _ offset: Int) {
        failure = FramingError(code: code, limit: limit, streamOffset: offset)
    }

    private mutating func handleLine(_ line: UnsafeBufferPointer<UInt8>, into events: inout [SSEEvent]) {
        let count = line.count
        if count == 0 {
            dispatch(into: &events)
            return
        }
        if line[0] == 0x3A {  // ':'
            commentCount += 1
            return
        }
        var colon = 0
        while colon < count && line[colon] != 0x3A { colon += 1 }
        var valueStart = Swift.min(colon + 1, count)
        if valueStart < count && line[valueStart] == 0x20 { valueStart += 1 }
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<count])
        switch colon {
        case 4 where line[0] == 0x64 && line[1] == 0x61 && line[2] == 0x74 && line[3] == 0x61:  // data
            if data.count + value.count + 1 > maximumEventSize {
                return fail(.eventTooLarge, maximumEventSize, bytesConsumed)
            }
            data.append(contentsOf: value)
            data.append(0x0A)
        case 5 where line[0] == 0x65 && line[1] == 0x76 && line[2] == 0x65 && line[3] == 0x6E && line[4] == 0x74:  // event
            eventType = Array(value)
        case 2 where line[0] == 0x69 && line[1] == 0x64:  // id
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case 5 where line[0] == 0x72 && line[1] == 0x65 && line[2] == 0x74 && line[3] == 0x72 && line[4] == 0x79:  // retry
            if !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                reconnectionTime = value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer { eventType = nil }
        guard !data.isEmpty else { return }
        let text = data.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0.dropLast()), as: UTF8.self) }
        data.removeAll(keepingCapacity: true)
        let type = eventType.map { String(decoding: $0, as: UTF8.self) }
        events.append(SSEEvent(type: (type?.isEmpty ?? true) ? "message" : type ?? "message", data: text, lastEventID: lastEventID))
    }
}
