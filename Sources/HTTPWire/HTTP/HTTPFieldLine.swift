// MARK: - HTTPFieldLine

/// Head-line splitting and header-field syntax shared by ``HTTPRequestParser`` and
/// ``HTTPResponseParser``, so both sides of the wire accept and refuse exactly the same fields
/// (RFC 9112 §5: `name ":" OWS value OWS`, no obs-fold, no control bytes in the value).
enum HTTPFieldLine {
    /// Why a header line was refused; each parser turns it into its own typed error.
    enum Problem: Error {
        /// The line starts with a space or tab (obsolete line folding).
        case obsFold
        /// The line has no `:`.
        case noColon
        /// The name is empty or has a byte outside RFC 9110 `tchar`.
        case invalidName(ArraySlice<UInt8>)
        /// The value has a control byte other than TAB.
        case controlByteInValue(name: ArraySlice<UInt8>)
    }

    /// Calls `body(line, lineStart, number)` for each line of `buffer[from..<to]`, numbered from 0;
    /// a line ends at LF, and a CR right before it is not part of the line.
    @inline(__always)
    static func forEachLine<Bytes: RandomAccessCollection<UInt8>, Failure: Error>(
        in buffer: Bytes, from: Int, to: Int, _ body: (Bytes.SubSequence, Int, Int) throws(Failure) -> Void
    ) throws(Failure) where Bytes.Index == Int {
        var lineStart = from
        var number = 0
        while lineStart < to {
            var lineEnd = lineStart
            while lineEnd < to && buffer[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > lineStart && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            try body(buffer[lineStart..<lineEnd], lineStart, number)
            number += 1
            lineStart = next
        }
    }

    /// The name and value (optional whitespace trimmed) of one header line, with whether the name
    /// is a secret one decided here (``SecretMasking/isSecretHeaderName(_:)``), on the bytes the
    /// name was just checked on, so that nothing reads the name again to mask its value.
    @inline(__always)
    static func parse<Line: RandomAccessCollection<UInt8>>(
        _ line: Line
    ) -> Result<HTTPHeaders.Field, Problem> where Line.Index == Int {
        if let first = line.first, first == 0x20 || first == 0x09 { return .failure(.obsFold) }
        guard let colon = line.firstIndex(of: 0x3A) else { return .failure(.noColon) }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { return .failure(.invalidName(ArraySlice(name))) }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        if value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
            return .failure(.controlByteInValue(name: ArraySlice(name)))
        }
        return .success(HTTPHeaders.Field(
            name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self),
            secretName: SecretMasking.isSecretHeaderName(name) ? .yes : .no))
    }

    /// RFC 9110 `tchar`.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// The value of one hexadecimal digit, or `nil`.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
