import Foundation
import HTTPWire

/// Reads and validates fixture files. Unknown keys, wrong types and impossible values are all
/// reported with the file and the field path.
public enum FixtureLoader {
    /// The largest `offset_ms` a chunk may have: one day.
    public static let maximumOffsetMilliseconds: Double = 86_400_000

    /// Parses and validates fixture text.
    ///
    /// - Parameter file: the name used in messages.
    /// - Throws: ``FixtureError`` listing every problem found.
    public static func parse(_ bytes: [UInt8], file: String) throws(FixtureError) -> Fixture {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw FixtureError(problems: [.init(file: file, field: "line \(error.line), column \(error.column)", message: error.message)])
        }
        var v = Validator(file: file)
        let fixture = v.fixture(json)
        if !v.problems.isEmpty { throw FixtureError(problems: v.problems) }
        return fixture
    }

    /// Reads and validates one file.
    public static func load(path: String, displayName: String? = nil) throws(FixtureError) -> Fixture {
        let name = displayName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FixtureError(problems: [.init(file: name, field: "", message: "cannot read the file")])
        }
        return try parse([UInt8](data), file: name)
    }

    /// The `.json` files of a directory (sorted), or the path itself if it is a file.
    public static func fixtureFiles(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }

    /// The fixtures for `provider` under `directory`: `directory/<provider>/*.json` when that
    /// exists, else the files of `directory` whose `provider` is absent or equal.
    public static func loadFixtures(directory: String, provider: MockProviderKind) throws(FixtureError) -> [Fixture] {
        let sub = (directory as NSString).appendingPathComponent(provider.fixtureDirectoryName)
        var isDirectory: ObjCBool = false
        let usesSub = FileManager.default.fileExists(atPath: sub, isDirectory: &isDirectory) && isDirectory.boolValue
        var out: [Fixture] = []
        var problems: [FixtureError.Problem] = []
        for file in fixtureFiles(at: usesSub ? sub : directory) {
            do {
                let f = try load(path: file)
                if usesSub || f.provider == nil || f.provider == provider { out.append(f) }
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw FixtureError(problems: problems) }
        return out
    }

    // MARK: - Validation

    private struct Validator {
        let file: String
        var problems: [FixtureError.Problem] = []

        mutating func fail(_ field: String, _ message: String) {
            problems.append(.init(file: file, field: field, message: message))
        }

        mutating func checkKeys(_ pairs: [(String, JSONValue)], allowed: [String], at path: String) {
            var seen: Set<String> = []
            for (key, _) in pairs {
                let field = path.isEmpty ? key : "\(path).\(key)"
                if !allowed.contains(key) {
                    fail(field, "unknown key (allowed: \(allowed.joined(separator: ", ")))")
                } else if !seen.insert(key).inserted {
                    fail(field, "duplicate key")
                }
            }
        }

        mutating func fixture(_ json: JSONValue) -> Fixture {
            guard let pairs = json.objectValue else {
                fail("", "the top level must be an object with an \"exchanges\" array, got \(json.typeName)")
                return Fixture(file: file, exchanges: [])
            }
            checkKeys(pairs, allowed: ["provider", "description", "exchanges"], at: "")
            var provider: MockProviderKind?
            if let p = json["provider"] {
                if let s = p.stringValue, let k = MockProviderKind(rawValue: s) {
                    provider = k
                } else {
                    fail("provider", "must be one of \(MockProviderKind.allCases.map(\.rawValue).joined(separator: ", ")), got \(p.serialized())")
                }
            }
            var description: String?
            if let d = json["description"] {
                if let s = d.stringValue { description = s } else { fail("description", "must be a string") }
            }
            var exchanges: [FixtureExchange] = []
            if let list = json["exchanges"] {
                if let items = list.arrayValue {
                    for (i, item) in items.enumerated() {
                        if let e = exchange(item, at: "exchanges[\(i)]") { exchanges.append(e) }
                    }
                } else {
                    fail("exchanges", "must be an array, got \(list.typeName)")
                }
            } else {
                fail("exchanges", "is required")
            }
            return Fixture(file: file, provider: provider, description: description, exchanges: exchanges)
        }

        mutating func exchange(_ json: JSONValue, at path: String) -> FixtureExchange? {
            guard let pairs = json.objectValue else {
                fail(path, "must be an object, got \(json.typeName)")
                return nil
            }
            checkKeys(pairs, allowed: ["name", "request", "response", "incomplete"], at: path)
            var name: String?
            if let n = json["name"] {
                if let s = n.stringValue { name = s } else { fail("\(path).name", "must be a string") }
            }
            let req = json["request"].flatMap { matcher($0, at: "\(path).request") }
            if json["request"] == nil { fail("\(path).request", "is required") }
            let res = json["response"].flatMap { response($0, at: "\(path).response") }
            if json["response"] == nil { fail("\(path).response", "is required") }
            var incomplete = false
            if let i = json["incomplete"] {
                if let b = i.boolValue { incomplete = b } else { fail("\(path).incomplete", "must be true or false, got \(i.serialized())") }
            }
            guard let req, let res else { return nil }
            return FixtureExchange(name: name, request: req, response: res, isIncomplete: incomplete)
        }

        mutating func matcher(_ json: JSONValue, at path: String) -> FixtureRequestMatcher? {
            guard let pairs = json.objectValue else {
                fail(path, "must be an object, got \(json.typeName)")
                return nil
            }
            checkKeys(pairs, allowed: ["method", "path", "body", "headers", "stream"], at: path)
            var method: String?
            if let m = json["method"] {
                if let s = m.stringValue, !s.isEmpty, s.allSatisfy({ $0.isLetter && $0.isUppercase }) {
                    method = s
                } else {
                    fail("\(path).method", "must be an upper-case HTTP method such as POST, got \(m.serialized())")
                }
            }
            var p = ""
            if let value = json["path"] {
                if let s = value.stringValue, s.hasPrefix("/") || s.hasPrefix("*") {
                    p = s
                } else {
                    fail("\(path).path", "must be a string starting with /, got \(value.serialized())")
                }
            } else {
                fail("\(path).path", "is required")
            }
            let body = json["body"]
            var headers: [(name: String, value: String)] = []
            if let h = json["headers"] { headers = headerList(h, at: "\(path).headers") }
            var streams: Bool?
            if let s = json["stream"] {
                if let b = s.boolValue { streams = b } else { fail("\(path).stream", "must be true or false, got \(s.serialized())") }
            }
            return FixtureRequestMatcher(method: method, path: p, body: body, headers: headers, streams: streams)
        }

        mutating func headerList(_ json: JSONValue, at path: String) -> [(name: String, value: String)] {
            guard let pairs = json.objectValue else {
                fail(path, "must be an object of header names to string values, got \(json.typeName)")
                return []
            }
            var out: [(name: String, value: String)] = []
            for (k, v) in pairs {
                guard !k.isEmpty, k.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                    fail("\(path).\(k)", "is not a valid header name")
                    continue
                }
                guard let s = v.stringValue else {
                    fail("\(path).\(k)", "must be a string, got \(v.typeName)")
                    continue
                }
                if s.contains("\r") || s.contains("\n") {
                    fail("\(path).\(k)", "must not contain CR or LF")
                    continue
                }
                out.append((k, s))
            }
            return out
        }

        mutating func response(_ json: JSONValue, at path: String) -> FixtureResponse? {
            guard let pairs = json.objectValue else {
                fail(path, "must be an object, got \(json.typeName)")
                return nil
            }
            checkKeys(pairs, allowed: ["status", "reason", "headers", "chunks"], at: path)
            var status = 200
            if let s = json["status"] {
                if let n = s.intValue, (100...599).contains(n) { status = n } else { fail("\(path).status", "must be a whole number between 100 and 599, got \(s.serialized())") }
            } else {
                fail("\(path).status", "is required")
            }
            var reason: String?
            if let r = json["reason"] {
                if let s = r.stringValue, !s.contains("\r"), !s.contains("\n") { reason = s } else { fail("\(path).reason", "must be a single-line string") }
            }
            var headers = HTTPHeaders()
            if let h = json["headers"] {
                for f in headerList(h, at: "\(path).headers") { headers.add(name: f.name, value: f.value) }
            }
            var chunks: [FixtureChunk] = []
            if let c = json["chunks"] {
                if let items = c.arrayValue {
                    var previous = 0.0
                    for (i, item) in items.enumerated() {
                        let cp = "\(path).chunks[\(i)]"
                        guard let chunkPairs = item.objectValue else {
                            fail(cp, "must be an object with offset_ms and text or base64, got \(item.typeName)")
                            continue
                        }
                        checkKeys(chunkPairs, allowed: ["offset_ms", "text", "base64"], at: cp)
                        var offset = previous
                        if let o = item["offset_ms"] {
                            if let d = o.doubleValue, d.isFinite, d >= 0, d <= FixtureLoader.maximumOffsetMilliseconds {
                                if d < previous { fail("\(cp).offset_ms", "must not be less than the previous chunk's offset_ms (\(JSONValue.format(previous)))") }
                                offset = d
                            } else if let d = o.doubleValue, d.isFinite, d >= 0 {
                                fail("\(cp).offset_ms", "must be at most \(Int(FixtureLoader.maximumOffsetMilliseconds)) (one day), got \(o.serialized())")
                            } else {
                                fail("\(cp).offset_ms", "must be a non-negative number")
                            }
                        } else {
                            fail("\(cp).offset_ms", "is required")
                        }
                        previous = max(previous, offset)
                        let text = item["text"]
                        let b64 = item["base64"]
                        var bytes: [UInt8] = []
                        switch (text, b64) {
                        case (.some(let t), nil):
                            if let s = t.stringValue { bytes = Array(s.utf8) } else { fail("\(cp).text", "must be a string, got \(t.typeName)") }
                        case (nil, .some(let b)):
                            if let s = b.stringValue, let decoded = Base64.decode(s) { bytes = decoded } else { fail("\(cp).base64", "must be a valid base64 string") }
                        case (.some, .some):
                            fail(cp, "give either text or base64, not both")
                        case (nil, nil):
                            fail(cp, "needs text or base64")
                        }
                        if bytes.isEmpty, text != nil || b64 != nil { fail(cp, "must not be empty (an empty write sends nothing)") }
                        chunks.append(FixtureChunk(offsetMilliseconds: offset, bytes: bytes))
                    }
                } else {
                    fail("\(path).chunks", "must be an array, got \(c.typeName)")
                }
            }
            if let cl = headers["Content-Length"] {
                let total = chunks.reduce(0) { $0 + $1.bytes.count }
                if Int(cl) != total {
                    fail("\(path).headers.Content-Length", "is \(cl) but the chunks hold \(total) bytes (use a length_mismatch fault to send a wrong length on purpose)")
                }
            }
            if headers.contains("Transfer-Encoding"), headers.contains("Content-Length") {
                fail("\(path).headers", "has both Transfer-Encoding and Content-Length")
            }
            return FixtureResponse(status: status, reason: reason, headers: headers, chunks: chunks)
        }
    }
}
