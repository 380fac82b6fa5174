// MARK: - ChunkedBodyDecoder

/// The chunked transfer coding (RFC 9112 §7.1) shared by ``HTTPRequestParser`` and
/// ``HTTPResponseParser``, so both sides of the wire split chunk-size lines, chunk data, the line
/// end after the data and the trailer section the same way.
///
/// It is incremental over the caller's byte buffer: ``next(in:at:)`` reads from `start`, advances
/// it past what it consumed and returns one ``Part``, or nil when more bytes are needed. It never
/// copies data; the caller takes ``Part/data(_:)`` ranges out of its own buffer. Trailer lines are
/// handed back unparsed, and failures come out as ``Failure`` for each parser to turn into its own
/// typed error, so limits on the body and the trailer section stay with the parsers.
struct ChunkedBodyDecoder: Sendable {
    /// Line limits and strictness; each parser keeps its own.
    struct Rules: Sendable {
        /// Longest chunk-size line accepted (size, extensions, line end).
        var maximumSizeLineLength: Int
        /// Longest trailer line accepted; a parser may lower it as its trailer budget shrinks.
        var maximumTrailerLineLength: Int
        /// Whether a line that has arrived whole is measured too (true), or only a partial line
        /// waiting for its LF (false: the response parser's long-standing, lenient behaviour).
        var measuresCompleteLines: Bool
        /// Whether control bytes in chunk extensions are refused (the request parser) or ignored.
        var rejectsControlBytesInExtensions: Bool
    }

    /// Where the decoder is in the body.
    enum Phase: Sendable, Equatable {
        /// Waiting for a chunk-size line.
        case sizeLine
        /// Inside a chunk's data, `remaining` bytes to go.
        case data(remaining: Int)
        /// Waiting for the LF or CRLF after a chunk's data.
        case dataEnd
        /// After the last chunk, reading trailer lines up to the empty line.
        case trailers
        /// The empty line after the trailers was read.
        case done
    }

    /// One step of decoding.
    enum Part: Sendable, Equatable {
        /// A chunk-size line was read; `0` is the last chunk (trailers follow).
        case chunk(size: Int)
        /// Decoded body bytes: `buffer[range]` of the buffer passed to ``next(in:at:)``.
        case data(Range<Int>)
        /// One trailer line without its line end, and where it starts in the buffer.
        case trailer(ArraySlice<UInt8>, lineStart: Int)
        /// The chunked body is complete (the empty line after the trailers was consumed).
        case end
    }

    /// Why the chunked body is malformed. Offsets are indexes into the caller's buffer.
    enum Failure: Error, Sendable, Equatable {
        /// No LF within `limit` bytes of a chunk-size line starting at `lineStart`.
        case sizeLineTooLong(limit: Int, lineStart: Int)
        /// No LF within `limit` bytes of a trailer line starting at `lineStart`.
        case trailerLineTooLong(limit: Int, lineStart: Int)
        /// The chunk-size line does not start with a hexadecimal digit.
        case sizeNotHexadecimal(ArraySlice<UInt8>, lineStart: Int)
        /// More than 15 hexadecimal digits.
        case sizeTooLarge(ArraySlice<UInt8>, lineStart: Int)
        /// Something other than whitespace or `;` extensions after the size.
        case junkAfterSize(ArraySlice<UInt8>, lineStart: Int)
        /// A control byte in the chunk extensions (only with ``Rules/rejectsControlBytesInExtensions``).
        case controlByteInExtension(ArraySlice<UInt8>, lineStart: Int)
        /// The chunk data is followed by CR and then something other than LF, at `at` (the CR).
        case dataEndNotCRLF(at: Int)
        /// The chunk data is followed by a byte that is neither CR nor LF: the chunk is longer
        /// than its size.
        case dataLongerThanSize(at: Int)
    }

    /// Longest chunk-size line either parser accepts by default.
    static let defaultMaximumSizeLineLength = 4096

    var rules: Rules
    private(set) var phase = Phase.sizeLine
    /// Chunk-size lines read so far (the last chunk included).
    private(set) var chunkCount = 0

    init(rules: Rules) {
        self.rules = rules
    }

    // MARK: - Decoding

    /// The next part found in `buffer[start...]`, advancing `start` past it; nil when more bytes
    /// are needed (or after ``Part/end``).
    mutating func next(in buffer: [UInt8], at start: inout Int) throws(Failure) -> Part? {
        while true {
            switch phase {
            case .sizeLine:
                guard let (line, lineStart) = try Self.takeLine(
                    buffer, at: &start, limit: rules.maximumSizeLineLength, measuresComplete: rules.measuresCompleteLines,
                    tooLong: Failure.sizeLineTooLong)
                else { return nil }
                let size = try Self.parseSize(line, at: lineStart, rejectingControlBytes: rules.rejectsControlBytesInExtensions)
                chunkCount += 1
                phase = size == 0 ? .trailers : .data(remaining: size)
                return .chunk(size: size)
            case .data(let remaining):
                let take = min(remaining, buffer.count - start)
                if take == 0 { return nil }
                let range = start..<start + take
                start += take
                phase = take == remaining ? .dataEnd : .data(remaining: remaining - take)
                return .data(range)
            case .dataEnd:
                guard let length = try Self.lineEndLength(buffer, at: start) else { return nil }
                start += length
                phase = .sizeLine
            case .trailers:
                guard let (line, lineStart) = try Self.takeLine(
                    buffer, at: &start, limit: rules.maximumTrailerLineLength, measuresComplete: rules.measuresCompleteLines,
                    tooLong: Failure.trailerLineTooLong)
                else { return nil }
                if line.isEmpty {
                    phase = .done
                    return .end
                }
                return .trailer(line, lineStart: lineStart)
            case .done:
                return nil
            }
        }
    }

    // MARK: - Bytes

    /// One line (without its LF or CRLF) and its start, advancing `start` past the LF; nil if
    /// the LF has not arrived.
    private static func takeLine(
        _ buffer: [UInt8], at start: inout Int, limit: Int, measuresComplete: Bool,
        tooLong: (_ limit: Int, _ lineStart: Int) -> Failure
    ) throws(Failure) -> (ArraySlice<UInt8>, Int)? {
        let end = buffer.count
        var index = start
        while index < end && buffer[index] != 0x0A { index += 1 }
        if index == end {
            if end - start > limit { throw tooLong(limit, start) }
            return nil
        }
        if measuresComplete && index - start + 1 > limit { throw tooLong(limit, start) }
        var lineEnd = index
        if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let lineStart = start
        start = index + 1
        return (buffer[lineStart..<lineEnd], lineStart)
    }

    /// The length of the LF or CRLF at `buffer[start]` (1 or 2); nil if it has not fully arrived.
    private static func lineEndLength(_ buffer: [UInt8], at start: Int) throws(Failure) -> Int? {
        let available = buffer.count - start
        if available == 0 { return nil }
        switch buffer[start] {
        case 0x0A:
            return 1
        case 0x0D:
            if available < 2 { return nil }
            guard buffer[start + 1] == 0x0A else { throw .dataEndNotCRLF(at: start) }
            return 2
        default:
            throw .dataLongerThanSize(at: start)
        }
    }

    /// The size of a chunk-size line `hex-digits [whitespace] [; extensions]`.
    private static func parseSize(
        _ line: ArraySlice<UInt8>, at lineStart: Int, rejectingControlBytes: Bool
    ) throws(Failure) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = HTTPFieldLine.hexValue(line[index]) {
            size = size &* 16 &+ value
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw .sizeNotHexadecimal(line, lineStart: lineStart) }
        guard digits <= 15 else { throw .sizeTooLarge(line, lineStart: lineStart) }
        while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index == line.endIndex || line[index] == 0x3B else { throw .junkAfterSize(line, lineStart: lineStart) }
        if rejectingControlBytes, line[index...].contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) {
            throw .controlByteInExtension(line, lineStart: lineStart)
        }
        return size
    }
}
