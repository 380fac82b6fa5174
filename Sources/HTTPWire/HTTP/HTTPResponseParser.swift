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

    private enum State {
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

    private var buffer: [UInt8] = []
    private var start = 0
    private var consumedBefore = 0  // stream offset of buffer[0]
    private var state = State.head
    private var chunked = ChunkedBodyDecoder(rules: Self.chunkRules(maximumHeadBytes: 0))
    private var trailers = HTTPHeaders()
    private var trailerBytes = 0
    public private(set) var framing = Framing.none
    /// The final response head, once parsed.
    public private(set) var head: HTTPResponseHead?
    /// Decoded body bytes so far.
    public private(set) var bodyByteCount = 0

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

    private mutating func compact() {
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

    private func offset(_ index: Int) -> Int { consumedBefore + index }

    // MARK: - State machine

    private mutating func run() throws(HTTPResponseParseError) -> [Event] {
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
                    trailers.add(name: field.0, value: field.1)
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
    private static func chunkRules(maximumHeadBytes: Int) -> ChunkedBodyDecoder.Rules {
        ChunkedBodyDecoder.Rules(
            maximumSizeLineLength: ChunkedBodyDecoder.defaultMaximumSizeLineLength,
            maximumTrailerLineLength: maximumHeadBytes, measuresCompleteLines: false,
            rejectsControlBytesInExtensions: false)
    }

    /// Where the next chunk-size line is, for error locations.
    private var sizeLineLocation: String { "chunk size line (chunk \(chunked.chunkCount + 1))" }

    /// The decoder's next part, its failures turned into ``HTTPResponseParseError``.
    private mutating func nextChunkedPart() throws(HTTPResponseParseError) -> ChunkedBodyDecoder.Part? {
        do throws(ChunkedBodyDecoder.Failure) {
            return try chunked.next(in: buffer, at: &start)
        } catch {
            throw parseError(error)
        }
    }

    private func parseError(_ failure: ChunkedBodyDecoder.Failure) -> HTTPResponseParseError {
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

    // MARK: - Head

    private mutating func parseHead() throws(HTTPResponseParseError) -> Event? {
        // Tolerate empty lines before the status line.
        while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A {
            if buffer[start] == 0x0D, start + 1 < buffer.count, buffer[start + 1] != 0x0A { break }
            if buffer[start] == 0x0D, start + 1 >= buffer.count { return nil }
            start += 1
        }
        guard start < buffer.count else { return nil }
        // The first bytes must look like a status line, so garbage fails fast instead of waiting.
        let prefix = Array("HTTP/".utf8)
        let have = min(prefix.count, buffer.count - start)
        if !buffer[start..<start + have].elementsEqual(prefix[0..<have]) {
            let lineEnd = buffer[start...].firstIndex(of: 0x0A) ?? buffer.count
            throw HTTPResponseParseError(
                .malformedStatusLine, location: "status line", message: "response does not start with \"HTTP/\"",
                snippet: quote(buffer[start..<min(lineEnd, start + 200)]), offset: offset(start))
        }
        var index = start
        var headEnd = -1
        var bodyStart = -1
        let end = buffer.count
        while index < end {
            if buffer[index] == 0x0A {
                if index + 1 < end && buffer[index + 1] == 0x0A {
                    headEnd = index
                    bodyStart = index + 2
                    break
                }
                if index + 2 < end && buffer[index + 1] == 0x0D && buffer[index + 2] == 0x0A {
                    headEnd = index
                    bodyStart = index + 3
                    break
                }
            }
            index += 1
        }
        if headEnd < 0 {
            if end - start > maximumHeadBytes {
                throw HTTPResponseParseError(
                    .headTooLarge, location: "head", message: "no end of head within \(maximumHeadBytes) bytes",
                    snippet: quote(buffer[start..<min(end, start + 200)]), offset: offset(start))
            }
            return nil
        }
        let parsed = try parseHeadLines(from: start, to: headEnd + 1)
        start = bodyStart
        let code = parsed.status.code
        if (100..<200).contains(code) && code != 101 {
            return .informational(parsed)
        }
        head = parsed
        try chooseFraming(parsed)
        return .head(parsed)
    }

    private mutating func chooseFraming(_ head: HTTPResponseHead) throws(HTTPResponseParseError) {
        if requestMethod == .head || !head.status.mayHaveBody {
            framing = .none
            state = .fixedBody(remaining: 0)
            return
        }
        if head.status.code == 101 {
            framing = .untilClose
            state = .untilClose
            return
        }
        if let encoding = head.headers.values(for: "Transfer-Encoding").joined(separator: ",").split(separator: ",").last,
            encoding.trimmingSpaces().caseInsensitiveEquals("chunked")
        {
            framing = .chunked
            chunked = ChunkedBodyDecoder(rules: Self.chunkRules(maximumHeadBytes: maximumHeadBytes))
            state = .chunked
            return
        }
        if head.headers.contains("Transfer-Encoding") {
            framing = .untilClose
            state = .untilClose
            return
        }
        let lengths = head.headers.values(for: "Content-Length")
        if !lengths.isEmpty {
            var length: Int?
            for item in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
                let text = item.trimmingSpaces()
                guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                    let value = Int(text)
                else {
                    throw HTTPResponseParseError(
                        .invalidContentLength, location: "Content-Length", message: "not a valid length",
                        snippet: quote(Array(text.utf8)), offset: offset(start))
                }
                if let length, length != value {
                    throw HTTPResponseParseError(
                        .invalidContentLength, location: "Content-Length",
                        message: "conflicting values \(length) and \(value)", snippet: quote(Array(lengths.joined(separator: ", ").utf8)),
                        offset: offset(start))
                }
                length = value
            }
            framing = .contentLength(length ?? 0)
            state = .fixedBody(remaining: length ?? 0)
            return
        }
        framing = .untilClose
        state = .untilClose
    }

    private func parseHeadLines(from: Int, to: Int) throws(HTTPResponseParseError) -> HTTPResponseHead {
        var version = HTTPVersion.http1_1
        var status = HTTPStatus.ok
        var headers = HTTPHeaders()
        try HTTPFieldLine.forEachLine(in: buffer, from: from, to: to) { line, lineStart, number throws(HTTPResponseParseError) in
            if number == 0 {
                (version, status) = try parseStatusLine(line, at: lineStart)
            } else {
                let field = try Self.parseField(line, location: "header \(number)", offset: offset(lineStart))
                headers.add(name: field.0, value: field.1)
            }
        }
        return HTTPResponseHead(version: version, status: status, headers: headers)
    }

    private func parseStatusLine(_ line: ArraySlice<UInt8>, at lineStart: Int) throws(HTTPResponseParseError) -> (HTTPVersion, HTTPStatus) {
        func failure(_ message: String) -> HTTPResponseParseError {
            HTTPResponseParseError(
                .malformedStatusLine, location: "status line", message: message, snippet: quote(line),
                offset: offset(lineStart))
        }
        let base = line.startIndex
        guard line.count >= 12 else { throw failure("too short for \"HTTP/x.y NNN\"") }
        let versionBytes = line[base..<base + 8]
        let version: HTTPVersion
        if versionBytes.elementsEqual("HTTP/1.1".utf8) {
            version = .http1_1
        } else if versionBytes.elementsEqual("HTTP/1.0".utf8) {
            version = .http1_0
        } else {
            throw failure("unsupported or malformed HTTP version")
        }
        guard line[base + 8] == 0x20 else { throw failure("expected a space after the version") }
        let codeBytes = line[base + 9..<base + 12]
        guard codeBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw failure("status code is not 3 digits") }
        let code = codeBytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard code >= 100 else { throw failure("status code below 100") }
        var reason = ""
        if line.count > 12 {
            guard line[base + 12] == 0x20 else { throw failure("expected a space after the status code") }
            let reasonBytes = line[(base + 13)...]
            if reasonBytes.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                throw failure("control byte in the reason phrase")
            }
            reason = String(decoding: reasonBytes, as: UTF8.self)
        }
        return (version, HTTPStatus(code: code, reasonPhrase: reason))
    }

    private static func parseField(
        _ line: ArraySlice<UInt8>, location: String, offset: Int
    ) throws(HTTPResponseParseError) -> (String, String) {
        func failure(_ message: String) -> HTTPResponseParseError {
            HTTPResponseParseError(.malformedHeader, location: location, message: message, snippet: quote(line), offset: offset)
        }
        switch HTTPFieldLine.parse(line) {
        case .success(let field): return field
        case .failure(.obsFold): throw failure("obs-fold (line starts with whitespace)")
        case .failure(.noColon): throw failure("no colon in header line")
        case .failure(.invalidName): throw failure("invalid field name")
        case .failure(.controlByteInValue): throw failure("control byte in the field value")
        }
    }
}
