extension HTTPResponseParser {
    // MARK: - Head

    mutating func parseHead() throws(HTTPResponseParseError) -> Event? {
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

    mutating func chooseFraming(_ head: HTTPResponseHead) throws(HTTPResponseParseError) {
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

    func parseHeadLines(from: Int, to: Int) throws(HTTPResponseParseError) -> HTTPResponseHead {
        var version = HTTPVersion.http1_1
        var status = HTTPStatus.ok
        var headers = HTTPHeaders()
        try HTTPFieldLine.forEachLine(in: buffer, from: from, to: to) { line, lineStart, number throws(HTTPResponseParseError) in
            if number == 0 {
                (version, status) = try parseStatusLine(line, at: lineStart)
            } else {
                let field = try Self.parseField(line, location: "header \(number)", offset: offset(lineStart))
                headers.add(field)
            }
        }
        return HTTPResponseHead(version: version, status: status, headers: headers)
    }

    func parseStatusLine(_ line: ArraySlice<UInt8>, at lineStart: Int) throws(HTTPResponseParseError) -> (HTTPVersion, HTTPStatus) {
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

    static func parseField(
        _ line: ArraySlice<UInt8>, location: @autoclosure () -> String, offset: Int
    ) throws(HTTPResponseParseError) -> HTTPHeaders.Field {
        // `location` is built only for an error: formatting "header N" for every field was a
        // measurable share of a proxied request.
        func failure(_ message: String) -> HTTPResponseParseError {
            HTTPResponseParseError(.malformedHeader, location: location(), message: message, snippet: quote(line), offset: offset)
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
