/// An incremental newline-delimited JSON framer (Ollama's `application/x-ndjson` streams).
///
/// Splits bytes on `\n`, removes one trailing `\r` (CRLF tolerated), skips empty lines (counted
/// in ``blankLineCount``; Ollama never sends them and ollama-python chokes on them) and returns
/// each complete line as bytes. It does not parse JSON: callers hand each line to
/// `JSONValue.parse(_:)`, so UTF-8 is only ever decoded on complete lines.
///
/// ```swift
/// var framer = NDJSONFramer()
/// let lines = try framer.consume(Array("{\"a\":1}\n{\"b\"".utf8))  // one line
/// let rest = try framer.finish()                                  // the unterminated `{"b"`
/// ```
public struct NDJSONFramer: Sendable {
    /// Longest line accepted, in bytes. Default 8 MiB (Ollama's Go client uses the same limit).
    public var maximumLineLength: Int

    /// How many empty lines were skipped.
    public private(set) var blankLineCount = 0
    /// How many bytes have been consumed so far.
    public private(set) var bytesConsumed = 0
    /// Whether ``finish()`` returned a final line that had no terminating newline.
    public private(set) var finalLineWasUnterminated = false

    private var pending: [UInt8] = []
    private var failure: FramingError?

    public init(maximumLineLength: Int = 8 * 1024 * 1024) {
        self.maximumLineLength = maximumLineLength
    }

    /// Consumes the next bytes of the stream.
    ///
    /// - Returns: the complete, non-empty lines (without terminators), in order.
    /// - Throws: ``FramingError`` with code `.lineTooLong` when a line exceeds the maximum; the
    ///   framer then stays failed.
    public mutating func consume(_ bytes: some Collection<UInt8>) throws(FramingError) -> [[UInt8]] {
        if let failure { throw failure }
        var lines: [[UInt8]] = []
        let handled: Void? = bytes.withContiguousStorageIfAvailable { process($0, into: &lines) }
        if handled == nil { Array(bytes).withUnsafeBufferPointer { process($0, into: &lines) } }
        if let failure { throw failure }
        return lines
    }

    /// Ends the stream, returning the last line if it lacked a newline (ollama-python accepts it).
    public mutating func finish() throws(FramingError) -> [[UInt8]] {
        if let failure { throw failure }
        var line: [UInt8] = []
        swap(&line, &pending)
        if line.last == 0x0D { line.removeLast() }
        if line.isEmpty { return [] }
        finalLineWasUnterminated = true
        return [line]
    }

    private mutating func process(_ buffer: UnsafeBufferPointer<UInt8>, into lines: inout [[UInt8]]) {
        let count = buffer.count
        var index = 0
        var lineStart = 0
        while index < count {
            if buffer[index] == 0x0A {
                var end = index
                if pending.isEmpty {
                    if end > lineStart && buffer[end - 1] == 0x0D { end -= 1 }
                    if end - lineStart > maximumLineLength {
                        failure = FramingError(code: .lineTooLong, limit: maximumLineLength, streamOffset: bytesConsumed + index)
                        return
                    }
                    if end == lineStart {
                        blankLineCount += 1
                    } else {
                        lines.append(Array(UnsafeBufferPointer(rebasing: buffer[lineStart..<end])))
                    }
                } else {
                    var line = pending
                    pending.removeAll(keepingCapacity: true)
                    line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[lineStart..<end]))
                    if line.last == 0x0D { line.removeLast() }
                    if line.count > maximumLineLength {
                        failure = FramingError(code: .lineTooLong, limit: maximumLineLength, streamOffset: bytesConsumed + index)
                        return
                    }
                    if line.isEmpty { blankLineCount += 1 } else { lines.append(line) }
                }
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < count {
            if pending.count + (count - lineStart) > maximumLineLength + 1 {
                failure = FramingError(code: .lineTooLong, limit: maximumLineLength, streamOffset: bytesConsumed + count)
                return
            }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[lineStart..<count]))
        }
        bytesConsumed += count
    }
}
