import HTTPWire

/// Splits a raw streamed body (bytes as they arrive from any source) into complete events, byte
/// for byte: SSE events end at a blank line, NDJSON records at a newline, a plain body passes
/// through as it comes. Feeding ``FaultInjector/writeBody(_:)`` one event at a time is what makes
/// "after N chunks" faults count events on a relayed stream as they do on a mock's own.
///
/// ```swift
/// var splitter = StreamEventSplitter(framing: .init(contentType: head.headers["Content-Type"]))
/// splitter.append(bytesFromUpstream)
/// while let event = splitter.nextEvent() { try injector.writeBody(event) }
/// // at the upstream's end: if let rest = splitter.remainder() { try injector.writeBody(rest) }
/// ```
struct StreamEventSplitter {
    /// How a streamed body is divided into events, from its media type.
    enum Framing: Sendable, Hashable {
        case sse, ndjson, plain

        /// `text/event-stream` → SSE, `application/x-ndjson` → NDJSON, anything else (or none) → plain.
        init(contentType: String?) {
            let type = contentType ?? ""
            if Self.hasPrefix(type, "text/event-stream") {
                self = .sse
            } else if Self.hasPrefix(type, "application/x-ndjson") {
                self = .ndjson
            } else {
                self = .plain
            }
        }

        /// The provider-shaped mid-stream error for this framing: an OpenAI `data: {"error":{…}}`
        /// event, or an Ollama `{"error":…}` line.
        func errorEvent(_ message: String) -> [UInt8] {
            var out: [UInt8] = []
            switch self {
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
    }

    let framing: Framing
    private var buffer: [UInt8] = []
    /// Where the search for the next event end resumes (bytes before it hold no end).
    private var scanned = 0

    init(framing: Framing) {
        self.framing = framing
    }

    /// Adds bytes as they arrived.
    mutating func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete event (with its terminating blank line or newline), or nil until more
    /// bytes arrive. A plain body yields whatever has arrived.
    mutating func nextEvent() -> [UInt8]? {
        guard !buffer.isEmpty else { return nil }
        switch framing {
        case .plain:
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        case .ndjson:
            guard let newline = buffer[scanned...].firstIndex(of: 0x0A) else {
                scanned = buffer.count
                return nil
            }
            return take(through: newline)
        case .sse:
            // An event ends with an empty line: LF LF, or with CRLF / CR line ends.
            var index = max(scanned, 1)
            while index < buffer.count {
                let byte = buffer[index]
                if byte == 0x0A && buffer[index - 1] == 0x0A { return take(through: index) }
                if byte == 0x0A && index >= 3 && buffer[index - 1] == 0x0D && buffer[index - 2] == 0x0A
                    && buffer[index - 3] == 0x0D
                {
                    return take(through: index)
                }
                if byte == 0x0D && buffer[index - 1] == 0x0D { return take(through: index) }
                index += 1
            }
            scanned = max(0, buffer.count - 3)
            return nil
        }
    }

    /// Bytes left over at the end of the stream (an unterminated last event), handed over.
    mutating func remainder() -> [UInt8]? {
        guard !buffer.isEmpty else { return nil }
        defer {
            buffer.removeAll()
            scanned = 0
        }
        return buffer
    }

    private mutating func take(through index: Int) -> [UInt8] {
        let event = Array(buffer[...index])
        buffer.removeSubrange(...index)
        scanned = 0
        return event
    }
}
