/// An incremental HTTP/1.x request parser: feed it bytes as they arrive, take complete requests out.
///
/// It handles leading empty lines, LF or CRLF line ends, `Content-Length` and chunked request
/// bodies (extensions and trailers), pipelined requests and the limits of
/// ``HTTPServerConfiguration/Limits``. Malformed input throws ``HTTPRequestParseError`` naming
/// the status to answer; after an error the parser must not be used again.
///
/// ```swift
/// var parser = HTTPRequestParser(limits: .init())
/// parser.append(bytesFromSocket)
/// while let request = try parser.nextRequest() { handle(request) }
/// ```
public struct HTTPRequestParser: Sendable {
    /// One complete request: head and de-chunked body.
    public struct Request: Sendable {
        public var head: HTTPRequestHead
        public var body: [UInt8]
    }

    enum State {
        case head
        case fixedBody(remaining: Int)
        /// A chunked body; `trailerBytes` counts the trailer section read so far.
        case chunked(trailerBytes: Int)
    }

    /// Longest chunk-size line accepted (size, extensions, CRLF).
    public static let maximumChunkSizeLineLength = ChunkedBodyDecoder.defaultMaximumSizeLineLength

    public let limits: HTTPServerConfiguration.Limits
    var storage: [UInt8] = []
    var start = 0
    var scanned = 0
    /// Offset of the request line's LF from `start`, once seen (survives compaction).
    var requestLineOffset: Int?
    var state = State.head
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    var chunked = ChunkedBodyDecoder(rules: Self.chunkRules(trailerBudget: 0))

    public init(limits: HTTPServerConfiguration.Limits = .init()) {
        self.limits = limits
        storage.reserveCapacity(16 * 1024)
    }

    // MARK: - Input

    /// Appends received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        storage.append(contentsOf: bytes)
    }

    /// Appends received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        compactIfUseful()
        storage.append(contentsOf: bytes)
    }

    mutating func compactIfUseful() {
        if start == storage.count {
            storage.removeAll(keepingCapacity: true)
            scanned = 0
            start = 0
        } else if start > 32 * 1024 || (start > 0 && start >= storage.count / 2) {
            storage.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
    }

    /// Whether part of a request has arrived (bytes buffered or a head waiting for its body).
    public var hasPartialRequest: Bool {
        if case .head = state { return start < storage.count }
        return true
    }

    /// The head of a request whose body is still arriving, if any (to answer `100-continue`).
    public var headAwaitingBody: HTTPRequestHead? {
        if case .head = state { return nil }
        return head
    }

    /// Bytes received but not yet consumed.
    public var bufferedByteCount: Int { storage.count - start }

    // MARK: - Parsing

    /// The next complete request, or nil if more bytes are needed.
    public mutating func nextRequest() throws(HTTPRequestParseError) -> Request? {
        while true {
            switch state {
            case .head:
                guard try parseHead() else { return nil }
            case .fixedBody(let remaining):
                let available = storage.count - start
                if available == 0 && remaining > 0 { return nil }
                let take = min(available, remaining)
                body.append(contentsOf: storage[start..<start + take])
                start += take
                if take < remaining {
                    state = .fixedBody(remaining: remaining - take)
                    return nil
                }
                return complete()
            case .chunked(let trailerBytes):
                guard try nextChunkedPart(trailerBytes: trailerBytes) else { return nil }
                if case .chunked = state { continue }
                return complete()
            }
        }
    }

    mutating func complete() -> Request? {
        guard let head else { return nil }
        let request = Request(head: head, body: body)
        self.head = nil
        body = []
        state = .head
        scanned = start
        return request
    }

    // MARK: - Chunked body

    /// The decoder's rules with the trailer line limit left by `trailerBudget` header bytes.
    static func chunkRules(trailerBudget: Int) -> ChunkedBodyDecoder.Rules {
        ChunkedBodyDecoder.Rules(
            maximumSizeLineLength: maximumChunkSizeLineLength, maximumTrailerLineLength: max(2, trailerBudget),
            measuresCompleteLines: true, rejectsControlBytesInExtensions: true)
    }

    /// Takes one part of a chunked body; false when more bytes are needed. Leaves `state` as
    /// `.chunked` until the body is complete.
    mutating func nextChunkedPart(trailerBytes: Int) throws(HTTPRequestParseError) -> Bool {
        let part: ChunkedBodyDecoder.Part?
        do throws(ChunkedBodyDecoder.Failure) {
            part = try chunked.next(in: storage, at: &start)
        } catch {
            throw Self.parseError(error, in: storage)
        }
        switch part {
        case nil:
            return false
        case .chunk(let size):
            if size > 0 && body.count + size > limits.maximumBodyBytes {
                throw HTTPRequestParseError(.payloadTooLarge, "chunked body exceeds \(limits.maximumBodyBytes) bytes")
            }
            body.reserveCapacity(body.count + size)
        case .data(let range):
            body.append(contentsOf: storage[range])
        case .trailer(let line, _):
            if line.first == 0x20 || line.first == 0x09 {
                throw HTTPRequestParseError(.badRequest, "trailer: obs-fold (line starts with whitespace)")
            }
            guard line.contains(0x3A) else {
                throw HTTPRequestParseError(.badRequest, "trailer without a colon: \(quote(line))")
            }
            let bytes = trailerBytes + line.count + 2
            chunked.rules.maximumTrailerLineLength = max(2, limits.maximumHeaderBytes - bytes)
            state = .chunked(trailerBytes: bytes)
        case .end:
            state = .head
        }
        return true
    }

    /// The request error for a malformed chunked body, with its answer status.
    static func parseError(_ failure: ChunkedBodyDecoder.Failure, in storage: [UInt8]) -> HTTPRequestParseError {
        switch failure {
        case .sizeLineTooLong(let limit, _):
            HTTPRequestParseError(.badRequest, "chunk size line longer than \(limit) bytes")
        case .trailerLineTooLong(let limit, _):
            HTTPRequestParseError(.headerFieldsTooLarge, "trailer section longer than \(limit) bytes")
        case .sizeNotHexadecimal(let line, _):
            HTTPRequestParseError(.badRequest, "chunk size line is not hexadecimal: \(quote(line))")
        case .sizeTooLarge(let line, _):
            HTTPRequestParseError(.payloadTooLarge, "chunk size \(quote(line)) is too large")
        case .junkAfterSize(let line, _):
            HTTPRequestParseError(.badRequest, "chunk size line has junk after the size: \(quote(line))")
        case .controlByteInExtension(let line, _):
            HTTPRequestParseError(.badRequest, "chunk extension contains control bytes: \(quote(line))")
        case .dataEndNotCRLF:
            HTTPRequestParseError(.badRequest, "chunk data not followed by CRLF")
        case .dataLongerThanSize(let at):
            HTTPRequestParseError(
                .badRequest, "chunk data longer than its size (found \(quote(storage[at..<min(storage.count, at + 20)])))")
        }
    }
}

/// Quotes bytes for an error message: printable ASCII as is, the rest as `\xNN`, capped at 200 bytes.
func quote(_ bytes: some Collection<UInt8>, limit: Int = 200) -> String {
    var text = "\""
    for byte in bytes.prefix(limit) {
        switch byte {
        case 0x0D: text += "\\r"
        case 0x0A: text += "\\n"
        case 0x09: text += "\\t"
        case 0x22: text += "\\\""
        case 0x5C: text += "\\\\"
        case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }
    }
    text += "\""
    if bytes.count > limit { text += "… (\(bytes.count) bytes)" }
    return text
}
