extension HTTPRequestParser {
    // MARK: - Head

    /// Parses the head if it is complete. Returns false when more bytes are needed.
    mutating func parseHead() throws(HTTPRequestParseError) -> Bool {
        // Skip empty lines before the request line (RFC 9112 §2.2).
        while start < storage.count, storage[start] == 0x0D || storage[start] == 0x0A {
            if storage[start] == 0x0D {
                // A CR must be followed by LF; wait for the next byte to know (a split input
                // must give the same answer as the whole).
                if start + 1 >= storage.count { return false }
                if storage[start + 1] != 0x0A { throw HTTPRequestParseError(.badRequest, "bare CR before the request line") }
            }
            start += 1
        }
        if scanned < start { scanned = start }
        guard start < storage.count else { return false }

        // Find the end of the head: LF followed by LF or CRLF.
        let end = storage.count
        var index = max(scanned, start)
        var headEnd = -1
        var bodyStart = -1
        var firstLineEnd = requestLineOffset.map { start + $0 } ?? -1
        var needMore = false
        storage.withUnsafeBufferPointer { buffer in
            while index < end {
                if buffer[index] == 0x0A {
                    if firstLineEnd < 0 { firstLineEnd = index }
                    if index + 1 >= end {
                        needMore = true
                        return
                    }
                    if buffer[index + 1] == 0x0A {
                        headEnd = index
                        bodyStart = index + 2
                        return
                    }
                    if buffer[index + 1] == 0x0D {
                        if index + 2 >= end {
                            needMore = true
                            return
                        }
                        if buffer[index + 2] == 0x0A {
                            headEnd = index
                            bodyStart = index + 3
                            return
                        }
                    }
                }
                index += 1
            }
        }
        if firstLineEnd >= 0 { requestLineOffset = firstLineEnd - start }
        if headEnd < 0 {
            // Head incomplete. Bytes that cannot begin a request are refused now rather than after
            // the read timeout: a TLS ClientHello, for one, never completes a head.
            try Self.checkMethodPrefix(storage, from: start, to: firstLineEnd < 0 ? end : firstLineEnd)
        }
        if firstLineEnd < 0 {
            // Still inside the request line.
            if end - start > limits.maximumRequestLineLength + 2 {
                throw HTTPRequestParseError(
                    .uriTooLong, "request line longer than \(limits.maximumRequestLineLength) bytes")
            }
            scanned = end
            return false
        }
        if firstLineEnd - start > limits.maximumRequestLineLength + 1 {
            throw HTTPRequestParseError(.uriTooLong, "request line longer than \(limits.maximumRequestLineLength) bytes")
        }
        if headEnd < 0 {
            if end - firstLineEnd > limits.maximumHeaderBytes + 4 {
                throw HTTPRequestParseError(
                    .headerFieldsTooLarge, "header block larger than \(limits.maximumHeaderBytes) bytes")
            }
            scanned = needMore ? index : end
            return false
        }
        if headEnd - firstLineEnd > limits.maximumHeaderBytes + 2 {
            throw HTTPRequestParseError(.headerFieldsTooLarge, "header block larger than \(limits.maximumHeaderBytes) bytes")
        }
        requestLineOffset = nil
        let (parsed, host) = try storage.withUnsafeBufferPointer { buffer throws(HTTPRequestParseError) in
            try Self.parseHeadLines(buffer, from: start, to: headEnd + 1, limits: limits)
        }
        start = bodyStart
        scanned = bodyStart
        try beginBody(parsed)
        // After the framing checks, so their more specific statuses (413, 501) come first.
        if limits.requiresValidHost { try Self.checkHost(host, version: parsed.version) }
        return true
    }

    mutating func beginBody(_ parsed: HTTPRequestHead) throws(HTTPRequestParseError) {
        head = parsed
        body = []
        let headers = parsed.headers
        // Fast path for the common case (no Transfer-Encoding, at most one plain Content-Length):
        // one pass over the fields, no arrays, no substrings. Anything else takes the full checks below.
        var hasTransferEncoding = false
        var lengthFieldCount = 0
        var lengthText = ""
        for field in headers {
            // Lengths first: most names are neither (14 and 17 bytes long).
            switch field.name.utf8.count {
            case 14 where field.name.caseInsensitiveEquals("Content-Length"):
                lengthFieldCount += 1
                lengthText = field.value
            case 17 where field.name.caseInsensitiveEquals("Transfer-Encoding"):
                hasTransferEncoding = true
            default:
                break
            }
        }
        if !hasTransferEncoding {
            if lengthFieldCount == 0 {
                state = .fixedBody(remaining: 0)
                return
            }
            if lengthFieldCount == 1, let value = Self.plainDecimal(lengthText), value <= limits.maximumBodyBytes {
                body.reserveCapacity(value)
                state = .fixedBody(remaining: value)
                return
            }
        }
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty {
                throw HTTPRequestParseError(.badRequest, "both Transfer-Encoding and Content-Length")
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces() }
            for coding in codings where !coding.caseInsensitiveEquals("chunked") {
                throw HTTPRequestParseError(.notImplemented, "unsupported Transfer-Encoding \"\(coding.prefix(60))\"")
            }
            guard codings.count == 1 else {
                throw HTTPRequestParseError(.badRequest, "Transfer-Encoding lists chunked more than once")
            }
            chunked = ChunkedBodyDecoder(rules: Self.chunkRules(trailerBudget: limits.maximumHeaderBytes))
            state = .chunked(trailerBytes: 0)
            return
        }
        if !contentLengths.isEmpty {
            var length: Int?
            for item in contentLengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
                let text = item.trimmingSpaces()
                guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw HTTPRequestParseError(.badRequest, "invalid Content-Length \"\(text.prefix(60))\"")
                }
                guard text.utf8.count <= 18, let value = Int(text) else {
                    throw HTTPRequestParseError(.payloadTooLarge, "Content-Length \(text.prefix(40)) is too large")
                }
                if let length, length != value {
                    throw HTTPRequestParseError(.badRequest, "conflicting Content-Length values \(length) and \(value)")
                }
                length = value
            }
            let value = length ?? 0
            if value > limits.maximumBodyBytes {
                throw HTTPRequestParseError(
                    .payloadTooLarge, "Content-Length \(value) exceeds \(limits.maximumBodyBytes) bytes")
            }
            body.reserveCapacity(value)
            state = .fixedBody(remaining: value)
            return
        }
        state = .fixedBody(remaining: 0)
    }

    /// Parses request line and header fields from `buffer[from..<to]` (`to` is just past the
    /// last header line's LF).
    static func parseHeadLines(
        _ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int, limits: HTTPServerConfiguration.Limits
    ) throws(HTTPRequestParseError) -> (HTTPRequestHead, HostFields) {
        var head: HTTPRequestHead?
        var headers = HTTPHeaders()
        var host = HostFields()
        // One allocation for the fields instead of one per doubling, without a pass to count the
        // lines: header lines of real clients average well over 16 bytes.
        headers.reserveCapacity(max(4, min((to - from) / 16, limits.maximumHeaderCount)))
        try HTTPFieldLine.forEachLine(in: buffer, from: from, to: to) { line, _, lineNumber throws(HTTPRequestParseError) in
            let line = UnsafeBufferPointer(rebasing: line)
            if lineNumber == 0 {
                head = try parseRequestLine(line)
            } else {
                if headers.count >= limits.maximumHeaderCount {
                    throw HTTPRequestParseError(
                        .headerFieldsTooLarge, "more than \(limits.maximumHeaderCount) header fields")
                }
                let field = try parseField(line, number: lineNumber)
                // Host is noted here, in the one pass over the fields, and judged by checkHost.
                if field.name.utf8.count == 4, field.name.caseInsensitiveEquals("Host") {
                    host.count += 1
                    host.value = field.value
                }
                headers.add(field)
            }
        }
        guard var head else { throw HTTPRequestParseError(.badRequest, "empty request") }
        head.headers = headers
        return (head, host)
    }

    /// The `Host` fields of a request head as ``parseHeadLines(_:from:to:limits:)`` saw them.
    struct HostFields {
        /// How many `Host` fields the head has.
        var count = 0
        /// The value of the last one.
        var value = ""
    }

    static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPRequestParseError) -> HTTPRequestHead {
        guard let firstSpace = line.firstIndex(of: 0x20) else {
            throw HTTPRequestParseError(.badRequest, "request line has no spaces: \(quote(line[...]))")
        }
        guard let lastSpace = line.lastIndex(of: 0x20), lastSpace > firstSpace + 1 else {
            throw HTTPRequestParseError(.badRequest, "request line is not \"METHOD target HTTP/x.y\": \(quote(line[...]))")
        }
        let method = line[line.startIndex..<firstSpace]
        let target = line[(firstSpace + 1)..<lastSpace]
        let version = line[(lastSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
            throw HTTPRequestParseError(.badRequest, "request line: invalid method in \(quote(line[...]))")
        }
        guard target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw HTTPRequestParseError(.badRequest, "request line: invalid target in \(quote(line[...]))")
        }
        let httpVersion: HTTPVersion
        if let minor = http1MinorVersion(version), minor == 0x31 {
            httpVersion = .http1_1
        } else if let minor = http1MinorVersion(version), minor == 0x30 {
            httpVersion = .http1_0
        } else if version.count == 8, version.starts(with: "HTTP/".utf8),
            isDigit(version[version.startIndex + 5]), version[version.startIndex + 6] == 0x2E,
            isDigit(version[version.startIndex + 7])
        {
            throw HTTPRequestParseError(.versionNotSupported, "unsupported version \(quote(version))")
        } else {
            throw HTTPRequestParseError(.badRequest, "request line: invalid version \(quote(version))")
        }
        return HTTPRequestHead(
            method: knownMethod(method) ?? HTTPMethod(rawValue: String(decoding: method, as: UTF8.self)),
            target: String(decoding: target, as: UTF8.self),
            version: httpVersion)
    }

    /// The last byte of `HTTP/1.x`, or nil if `version` is not `HTTP/1.` and one more byte.
    @inline(__always)
    static func http1MinorVersion(_ version: UnsafeBufferPointer<UInt8>.SubSequence) -> UInt8? {
        guard version.count == 8 else { return nil }
        let s = version.startIndex
        guard version[s] == 0x48, version[s + 1] == 0x54, version[s + 2] == 0x54, version[s + 3] == 0x50,
            version[s + 4] == 0x2F, version[s + 5] == 0x31, version[s + 6] == 0x2E
        else { return nil }
        return version[s + 7]
    }

    /// The shared constant for the common methods (no string to build and validate per request).
    @inline(__always)
    static func knownMethod(_ method: UnsafeBufferPointer<UInt8>.SubSequence) -> HTTPMethod? {
        let s = method.startIndex
        switch method.count {
        case 3:
            if method[s] == 0x47, method[s + 1] == 0x45, method[s + 2] == 0x54 { return .get }
            if method[s] == 0x50, method[s + 1] == 0x55, method[s + 2] == 0x54 { return .put }
        case 4:
            if method[s] == 0x50, method[s + 1] == 0x4F, method[s + 2] == 0x53, method[s + 3] == 0x54 { return .post }
            if method[s] == 0x48, method[s + 1] == 0x45, method[s + 2] == 0x41, method[s + 3] == 0x44 { return .head }
        default:
            break
        }
        return nil
    }

    static func parseField(
        _ line: UnsafeBufferPointer<UInt8>, number: Int
    ) throws(HTTPRequestParseError) -> HTTPHeaders.Field {
        switch HTTPFieldLine.parse(line) {
        case .success(let field): return field
        case .failure(.obsFold):
            throw HTTPRequestParseError(.badRequest, "header \(number): obs-fold (line starts with whitespace)")
        case .failure(.noColon):
            throw HTTPRequestParseError(.badRequest, "header \(number): no colon in \(quote(line[...]))")
        case .failure(.invalidName(let name)):
            throw HTTPRequestParseError(.badRequest, "header \(number): invalid field name \(quote(name))")
        case .failure(.controlByteInValue(let name)):
            throw HTTPRequestParseError(.badRequest, "header \(number): control byte in the value of \(quote(name))")
        }
    }

    // MARK: - Bytes

    /// The value of 1 to 18 ASCII digits, or nil for anything else (left to the full checks).
    @inline(__always)
    static func plainDecimal(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        var value = 0
        for byte in utf8 {
            guard isDigit(byte) else { return nil }
            value = value &* 10 &+ Int(byte &- 0x30)
        }
        return value
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Throws if the bytes before the first space (all of them if there is none) cannot be a
    /// method, naming a TLS handshake when that is what arrived.
    static func checkMethodPrefix(_ storage: [UInt8], from: Int, to: Int) throws(HTTPRequestParseError) {
        var index = from
        while index < to, storage[index] != 0x20 {
            if !isTokenByte(storage[index]) {
                if index == from, storage[index] == 0x16 {
                    throw HTTPRequestParseError(
                        .badRequest, "a TLS handshake arrived (byte 0x16): this port speaks plain HTTP; use http://")
                }
                let hex = String(storage[index], radix: 16, uppercase: true)
                throw HTTPRequestParseError(
                    .badRequest, "request line: byte 0x\(hex.count == 1 ? "0" + hex : hex) where a method is expected")
            }
            index += 1
        }
    }

    /// RFC 9110 `tchar` (``HTTPFieldLine/isTokenByte(_:)``).
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool { HTTPFieldLine.isTokenByte(byte) }

    /// RFC 9112 §3.2: an HTTP/1.1 request carries exactly one `Host`, any request at most one, and
    /// its value is a host with an optional port (empty when the target has no authority).
    static func checkHost(_ host: HostFields, version: HTTPVersion) throws(HTTPRequestParseError) {
        let count = host.count
        let value = host.value
        if count > 1 {
            throw HTTPRequestParseError(.badRequest, "more than one Host header field (a request names one host)")
        }
        if count == 0 {
            guard version != .http1_1 else {
                throw HTTPRequestParseError(.badRequest, "missing Host header field (required in HTTP/1.1)")
            }
            return
        }
        // In place over native storage (a `var` copy for `withUTF8` cost more than the check).
        let valid = value.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isHostByte) } ?? value.utf8.allSatisfy(isHostByte)
        if !valid {
            throw HTTPRequestParseError(.badRequest, "invalid Host header field \(quote(value.utf8, limit: 80))")
        }
    }

    /// Bytes of `uri-host [ ":" port ]`: unreserved, sub-delims, `%`, `:` and IPv6 brackets.
    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true  // digits and letters
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
            UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: ";"), UInt8(ascii: "="):
            true
        default: false
        }
    }
}
