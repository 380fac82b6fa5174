import HTTPWire

/// A response parsed from raw bytes, independently of HTTPWire's own parser, for assertions.
public struct RawHTTPResponse: Sendable {
    /// Why the bytes are not a well-formed response.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The status codes of interim (1xx) responses that came before this one.
    public var interimStatuses: [Int] = []
    public var version: String
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    /// The body, de-chunked when the response was chunked.
    public var body: [UInt8]
    /// Whether `Transfer-Encoding: chunked` framed the body.
    public var isChunked: Bool
    /// The size of every chunk, in order (empty when not chunked).
    public var chunkSizes: [Int]
    /// Whether the body ran until the end of the bytes (no length, not chunked).
    public var isCloseDelimited: Bool
    /// Bytes of the whole response (head and framed body).
    public var byteCount: Int

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Parses the first response in `bytes` (skipping 1xx interim responses).
    ///
    /// - Throws: ``ParseError`` for a malformed head, broken chunking or a short body.
    public static func parse(_ bytes: [UInt8], isHeadRequest: Bool = false) throws -> RawHTTPResponse {
        var offset = 0
        var interim: [Int] = []
        while true {
            var response = try parseOne(bytes, from: offset, isHeadRequest: isHeadRequest)
            if (100..<200).contains(response.status) && response.status != 101 {
                interim.append(response.status)
                offset += response.byteCount
                continue
            }
            response.interimStatuses = interim
            return response
        }
    }

    /// Parses every response in `bytes` (pipelined answers), in order.
    public static func parseAll(_ bytes: [UInt8], headRequests: Set<Int> = []) throws -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        var offset = 0
        while offset < bytes.count {
            let response = try parseOne(bytes, from: offset, isHeadRequest: headRequests.contains(responses.count))
            responses.append(response)
            offset += response.byteCount
        }
        return responses
    }

    /// The length of the first complete response in `bytes` (after interim responses), or nil
    /// if it is incomplete or close-delimited.
    public static func completeLength(of bytes: [UInt8], isHeadRequest: Bool = false) -> Int? {
        var offset = 0
        while true {
            guard let response = try? parseOne(bytes, from: offset, isHeadRequest: isHeadRequest),
                !response.isCloseDelimited
            else { return nil }
            offset += response.byteCount
            if !(100..<200).contains(response.status) || response.status == 101 { return offset }
        }
    }

    // MARK: - Parsing

    private static func parseOne(_ bytes: [UInt8], from start: Int, isHeadRequest: Bool) throws -> RawHTTPResponse {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: start) else {
            throw ParseError(message: "no end of head (CRLFCRLF) in \(bytes.count - start) bytes")
        }
        let headText = String(decoding: bytes[start..<headEnd], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw ParseError(message: "bad status line \"\(statusLine)\"")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(message: "bad header line \"\(line)\"") }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingSpaces())
        }
        var response = RawHTTPResponse(
            version: String(parts[0]), status: status, reason: parts.count > 2 ? String(parts[2]) : "",
            headers: headers, body: [], isChunked: false, chunkSizes: [], isCloseDelimited: false, byteCount: 0)
        var offset = headEnd + 4
        if isHeadRequest || (100..<200).contains(status) || status == 204 || status == 304 {
            response.byteCount = offset - start
            return response
        }
        if headers.containsToken("chunked", in: "Transfer-Encoding") {
            response.isChunked = true
            while true {
                guard let lineEnd = find([13, 10], in: bytes, from: offset) else {
                    throw ParseError(message: "truncated chunked body: no chunk size line at byte \(offset - start)")
                }
                let line = String(decoding: bytes[offset..<lineEnd], as: UTF8.self)
                let sizeText = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
                guard let size = Int(sizeText, radix: 16) else {
                    throw ParseError(message: "bad chunk size line \"\(line)\"")
                }
                offset = lineEnd + 2
                if size == 0 {
                    // Trailers until an empty line.
                    while true {
                        guard let end = find([13, 10], in: bytes, from: offset) else {
                            throw ParseError(message: "truncated chunked body: trailer section not terminated")
                        }
                        let empty = end == offset
                        offset = end + 2
                        if empty { break }
                    }
                    break
                }
                guard offset + size + 2 <= bytes.count else {
                    throw ParseError(message: "truncated chunked body: chunk of \(size) bytes has \(bytes.count - offset) left")
                }
                response.body += bytes[offset..<offset + size]
                response.chunkSizes.append(size)
                guard bytes[offset + size] == 13, bytes[offset + size + 1] == 10 else {
                    throw ParseError(message: "chunk data not followed by CRLF")
                }
                offset += size + 2
            }
        } else if let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText) else { throw ParseError(message: "bad Content-Length \"\(lengthText)\"") }
            guard offset + length <= bytes.count else {
                throw ParseError(message: "short body: Content-Length \(length), got \(bytes.count - offset)")
            }
            response.body = Array(bytes[offset..<offset + length])
            offset += length
        } else {
            response.isCloseDelimited = true
            response.body = Array(bytes[offset...])
            offset = bytes.count
        }
        response.byteCount = offset - start
        return response
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0] && bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
