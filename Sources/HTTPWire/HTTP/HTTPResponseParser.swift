/// An incremental HTTP/1.x response parser: feed bytes as they are read, get the head and the
/// decoded body pieces out.
///
/// Body framing follows RFC 9112 §6.3 (as NIO does): a response to HEAD and 1xx/204/304 has no
/// body; otherwise `Transfer-Encoding: chunked` wins over `Content-Length`; otherwise
/// `Content-Length`; otherwise the body runs until the connection closes. Interim 1xx
/// responses (other than 101) are reported and skipped. Chunk extensions are ignored, trailers
/// collected.
///
/// Every call to ``consume(_:)`` returns at most one ``Event/body(_:)`` per decoded piece of
/// the input (one per chunk in chunked mode), never coalescing across calls, so callers keep
/// real arrival timing.
///
/// ```swift
/// var parser = HTTPResponseParser(requestMethod: .post)
/// for event in try parser.consume(bytes) { … }
/// for event in try parser.finish() { … }   // at end of file
/// ```
public struct HTTPResponseParser: Sendable {
    /// Something the parser found.
    public enum Event: Sendable, Equatable {
        /// An interim 1xx response (such as `100 Continue`); the final head follows.
        case informational(HTTPResponseHead)
        /// The final response head.
        case head(HTTPResponseHead)
        /// A piece of decoded body.
        case body([UInt8])
        /// The response is complete; trailers of a chunked body, if any.
        case end(trailers: HTTPHeaders)
    }

    /// How the body of the current response is delimited.
    public enum Framing: Sendable, Equatable {
        case none
        case contentLength(Int)
        case chunked
        case untilClose
    }

    enum State {
        case head
        case fixedBody(remaining: Int)
        case chunked
        case untilClose
        case done
    }

    /// The request method (a response to HEAD has no body).
    public let requestMethod: HTTPMethod
    /// Largest head (status line plus fields) accepted. Default 256 KiB.
    public let maximumHeadBytes: Int

    var buffer: [UInt8] = []
    var start = 0
    var consumedBefore = 0  // stream offset of buffer[0]
    var state = State.head
    var chunked = ChunkedBodyDecoder(rules: Self.chunkRules(maximumHeadBytes: 0))
    var trailers = HTTPHeaders()
    var trailerBytes = 0
    public internal(set) var framing = Framing.none
    /// The final response head, once parsed.
    public internal(set) var head: HTTPResponseHead?
    /// Decoded body bytes so far.
    public internal(set) var bodyByteCount = 0

    public init(requestMethod: HTTPMethod = .get, maximumHeadBytes: Int = 256 * 1024) {
        self.requestMethod = requestMethod
        self.maximumHeadBytes = maximumHeadBytes
    }

    /// Whether the response is complete (later bytes belong to nothing).
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    // MARK: - Input

    /// Parses more bytes.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(HTTPResponseParseError) -> [Event] {
        if isComplete { return [] }
        compact()
        buffer.append(contentsOf: bytes)
        return try run()
    }

    /// Parses more bytes.
    public mutating func consume(_ bytes: some Collection<UInt8>) throws(HTTPResponseParseError) -> [Event] {
        if isComplete { return [] }
        compact()
        buffer.append(contentsOf: bytes)
        return try run()
    }

    /// Signals end of file: completes a close-delimited body, or throws a truncation error.
    public mutating func finish() throws(HTTPResponseParseError) -> [Event] {
        switch state {
        case .done:
            return []
        case .untilClose:
            state = .done
            return [.end(trailers: [:])]
        case .head:
            let pending = buffer.count - start
            throw HTTPResponseParseError(
                .truncatedHead, location: head == nil ? "status line" : "head",
                message: pending == 0
                    ? "connection closed before any response byte" : "connection closed inside the response head",
                snippet: quote(buffer[start...]), offset: offset(start))
        case .fixedBody(let remaining):
            throw HTTPResponseParseError(
                .truncatedBody, location: "body",
                message: "connection closed \(remaining) bytes short of Content-Length \(bodyByteCount + remaining)",
                offset: offset(start))
        case .chunked:
            let location: String
            switch chunked.phase {
            case .sizeLine: location = sizeLineLocation
            case .trailers, .done: location = "trailer section"
            case .data, .dataEnd: location = "chunk \(chunked.chunkCount)"
            }
            throw HTTPResponseParseError(
                .truncatedBody, location: location,
                message: "connection closed inside the chunked body (no last chunk) after \(bodyByteCount) body bytes",
                snippet: quote(buffer[start...]), offset: offset(start))
        }
    }

    mutating func compact() {
        if start == buffer.count {
            consumedBefore += start
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 16 * 1024 {
            consumedBefore += start
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    func offset(_ index: Int) -> Int { consumedBefore + index }

    // MARK: - State machine

    mutating func run() throws(HTTPResponseParseError) -> [Event] {
        var events: [Event] = []
        while true {
            switch state {
            case .done:
                return events
            case .head:
                guard let event = try parseHead() else { return events }
                events.append(event)
            case .fixedBody(let remaining):
                let take = min(remaining, buffer.count - start)
                if take > 0 {
                    events.append(.body(Array(buffer[start..<start + take])))
                    start += take
                    bodyByteCount += take
                }
                if take == remaining {
                    state = .done
                    events.append(.end(trailers: [:]))
                } else {
                    state = .fixedBody(remaining: remaining - take)
                    return events
                }
            case .untilClose:
                if start < buffer.count {
                    events.append(.body(Array(buffer[start...])))
                    bodyByteCount += buffer.count - start
                    start = buffer.count
                }
                return events
            case .chunked:
                guard let part = try nextChunkedPart() else { return events }
                switch part {
                case .chunk:
                    break
                case .data(let range):
                    events.append(.body(Array(buffer[range])))
                    bodyByteCount += range.count
                case .trailer(let line, let lineStart):
                    trailerBytes += line.count
                    if trailerBytes > maximumHeadBytes {
                        throw HTTPResponseParseError(
                            .headTooLarge, location: "trailer section", message: "trailers exceed \(maximumHeadBytes) bytes",
                            offset: offset(lineStart))
                    }
                    let field = try Self.parseField(line, location: "trailer \(trailers.count + 1)", offset: offset(lineStart))
                    trailers.add(field)
                case .end:
                    state = .done
                    events.append(.end(trailers: trailers))
                    return events
                }
            }
        }
    }

    // MARK: - Chunked body

    /// The decoder's rules: chunk-size lines up to 4 KiB, trailer lines up to the head limit.
    static func chunkRules(maximumHeadBytes: Int) -> ChunkedBodyDecoder.Rules {
        ChunkedBodyDecoder.Rules(
            maximumSizeLineLength: ChunkedBodyDecoder.defaultMaximumSizeLineLength,
            maximumTrailerLineLength: maximumHeadBytes, measuresCompleteLines: false,
            rejectsControlBytesInExtensions: false)
    }

    /// Where the next chunk-size line is, for error locations.
    var sizeLineLocation: String { "chunk size line (chunk \(chunked.chunkCount + 1))" }

    /// The decoder's next part, its failures turned into ``HTTPResponseParseError``.
    mutating func nextChunkedPart() throws(HTTPResponseParseError) -> ChunkedBodyDecoder.Part? {
        do throws(ChunkedBodyDecoder.Failure) {
            return try chunked.next(in: buffer, at: &start)
        } catch {
            throw parseError(error)
        }
    }

    func parseError(_ failure: ChunkedBodyDecoder.Failure) -> HTTPResponseParseError {
        func malformed(_ location: String, _ message: String, _ snippet: some Collection<UInt8>, at index: Int)
            -> HTTPResponseParseError
        {
            HTTPResponseParseError(
                .malformedChunk, location: location, message: message, snippet: quote(snippet), offset: offset(index))
        }
        switch failure {
        case .sizeLineTooLong(let limit, let lineStart), .trailerLineTooLong(let limit, let lineStart):
            let location: String
            if case .sizeLineTooLong = failure { location = sizeLineLocation } else { location = "trailer section" }
            return malformed(
                location, "line longer than \(limit) bytes", buffer[lineStart..<min(buffer.count, lineStart + 200)],
                at: lineStart)
        case .sizeNotHexadecimal(let line, let lineStart):
            return malformed(sizeLineLocation, "expected a hexadecimal chunk size", line, at: lineStart)
        case .sizeTooLarge(let line, let lineStart):
            return malformed(sizeLineLocation, "chunk size too large", line, at: lineStart)
        case .junkAfterSize(let line, let lineStart), .controlByteInExtension(let line, let lineStart):
            return malformed(sizeLineLocation, "unexpected bytes after the chunk size", line, at: lineStart)
        case .dataEndNotCRLF(let at), .dataLongerThanSize(let at):
            return malformed(
                "chunk \(chunked.chunkCount) data end",
                "chunk data not followed by CRLF (more bytes than the chunk size announced)",
                buffer[at..<min(buffer.count, at + 40)], at: at)
        }
    }
}
