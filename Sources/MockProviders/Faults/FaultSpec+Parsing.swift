import HTTPWire

extension FaultSpec {
    /// One `key=value` item of a fault spec, with where it came from.
    struct Item {
        var key: String
        var value: String
        /// `column 7` or a JSON path.
        var location: String
        /// The JSON value, when the item came from JSON (keeps numbers and booleans typed).
        var json: JSONValue?
    }

    /// Every key the grammar knows: actions first, then action parameters, then schedule keys.
    static let actionKeys: [String] = [
        "delay_headers", "delay_body", "stall", "close", "cut", "rst", "malformed", "content_type",
        "bad_chunked", "length_mismatch", "drip", "status", "stream_error",
    ]
    static let parameterKeys: [String] = ["after", "for", "chunk", "retry_after", "retry_after_ms", "should_retry", "message"]
    static let scheduleKeys: [String] = ["request", "times", "path", "model", "method", "p", "test_id"]

    // MARK: - Text form

    /// Parses the compact text form.
    ///
    /// Grammar: `item ("," item)*` where `item = key ("=" | ":") value`. Exactly one item names the
    /// action; the others are its parameters or schedule keys. Values containing a comma are
    /// quoted with `"` or `'`. An action's value may itself be `param:value`
    /// (`stall=after:3,for:5s`), or a bare primary value (`stall=3`, `status=429`).
    ///
    /// - Throws: ``FaultSpecError`` naming the offending item and its 1-based column.
    public static func parse(_ text: String) throws(FaultSpecError) -> FaultSpec {
        let chars = Array(text)
        var items: [Item] = []
        var i = 0
        func fail(_ code: FaultSpecError.Code, _ message: String, _ column: Int) -> FaultSpecError {
            FaultSpecError(code: code, message: message, location: "column \(column)", specification: text)
        }
        if text.trimmingSpaces().isEmpty { throw fail(.empty, "empty fault specification", 1) }
        while i < chars.count {
            while i < chars.count, chars[i] == " " { i += 1 }
            let start = i
            var key = ""
            while i < chars.count, chars[i] != "=", chars[i] != ":", chars[i] != "," { key.append(chars[i]); i += 1 }
            key = key.trimmingSpaces().lowercased()
            guard !key.isEmpty else { throw fail(.badValue, "expected key=value", start + 1) }
            if i >= chars.count || chars[i] == "," {
                // A bare action (`rst`) takes its default; anything else needs a value.
                guard actionKeys.contains(key), key == "rst" || key == "malformed" || key == "length_mismatch" else {
                    throw fail(.badValue, "'\(key)' needs a value (\(key)=VALUE)", start + 1)
                }
                if i < chars.count { i += 1 }
                items.append(Item(key: key, value: "", location: "column \(start + 1)"))
                continue
            }
            i += 1
            var value = ""
            if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                let quote = chars[i]
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\", i + 1 < chars.count { value.append(chars[i + 1]); i += 2; continue }
                    if chars[i] == quote { closed = true; i += 1; break }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else { throw fail(.badValue, "unterminated quote in value of '\(key)'", start + 1) }
                while i < chars.count, chars[i] == " " { i += 1 }
                guard i >= chars.count || chars[i] == "," else { throw fail(.badValue, "unexpected text after quoted value of '\(key)'", i + 1) }
            } else {
                while i < chars.count, chars[i] != "," { value.append(chars[i]); i += 1 }
                value = value.trimmingSpaces()
            }
            if i < chars.count, chars[i] == "," {
                i += 1
                if i >= chars.count { throw fail(.badValue, "trailing comma", i) }
            }
            items.append(Item(key: key, value: value, location: "column \(start + 1)"))
        }
        do {
            return try build(items)
        } catch {
            var e = error
            e.specification = text
            throw e
        }
    }

    // MARK: - JSON form

    /// Parses the JSON form: an object with the same keys as the text form, e.g.
    /// `{"status":429,"retry_after":2,"times":1}` or `{"stall":{"after":3,"for":"5s"},"path":"/api/chat"}`.
    ///
    /// - Parameter path: the JSON path of `json`, used in error locations (e.g. `faults[2]`).
    public static func parse(json: JSONValue, path: String = "$") throws(FaultSpecError) -> FaultSpec {
        guard let pairs = json.objectValue else {
            throw FaultSpecError(code: .notAnObject, message: "a fault must be a JSON object, got \(json.typeName)", location: path)
        }
        var items: [Item] = []
        for (key, value) in pairs {
            let location = "\(path).\(key)"
            if let inner = value.objectValue {
                guard actionKeys.contains(key) else {
                    throw FaultSpecError(code: .badValue, message: "only an action may have an object value", location: location)
                }
                items.append(Item(key: key, value: "", location: location, json: .null))
                for (k, v) in inner {
                    guard let text = scalarText(v) else {
                        throw FaultSpecError(code: .badValue, message: "must be a string, number or boolean, got \(v.typeName)", location: "\(location).\(k)")
                    }
                    items.append(Item(key: k, value: text, location: "\(location).\(k)", json: v))
                }
            } else {
                guard let text = scalarText(value) else {
                    throw FaultSpecError(code: .badValue, message: "must be a string, number or boolean, got \(value.typeName)", location: location)
                }
                items.append(Item(key: key, value: text, location: location, json: value))
            }
        }
        return try build(items)
    }

    /// Parses a JSON array of faults or a single fault object.
    public static func parseList(json: JSONValue, path: String = "$") throws(FaultSpecError) -> [FaultSpec] {
        if let array = json.arrayValue {
            var out: [FaultSpec] = []
            for (i, item) in array.enumerated() { out.append(try parse(json: item, path: "\(path)[\(i)]")) }
            return out
        }
        return [try parse(json: json, path: path)]
    }

    private static func scalarText(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number(let d): JSONValue.format(d)
        case .bool(let b): String(b)
        default: nil
        }
    }

    // MARK: - Building

    static func build(_ rawItems: [Item]) throws(FaultSpecError) -> FaultSpec {
        var items = rawItems
        // An action's value may be `param:value`: split it into the action plus a parameter item.
        var expanded: [Item] = []
        for item in items {
            if actionKeys.contains(item.key), item.json == nil || item.json?.stringValue != nil,
               let colon = item.value.firstIndex(of: ":"), item.key != "content_type", item.key != "status"
            {
                let param = String(item.value[..<colon]).trimmingSpaces().lowercased()
                let value = String(item.value[item.value.index(after: colon)...]).trimmingSpaces()
                expanded.append(Item(key: item.key, value: "", location: item.location, json: .null))
                expanded.append(Item(key: param, value: value, location: item.location))
            } else {
                expanded.append(item)
            }
        }
        items = expanded
        var seen: [String: Item] = [:]
        var actionItem: Item?
        for item in items {
            guard actionKeys.contains(item.key) || parameterKeys.contains(item.key) || scheduleKeys.contains(item.key) else {
                var message = "unknown key '\(item.key)'"
                let all = actionKeys + parameterKeys + scheduleKeys
                if let near = Suggestion.closest(to: item.key, among: all) { message += "; did you mean '\(near)'?" }
                throw FaultSpecError(code: .unknownKey, message: message, location: item.location)
            }
            if seen[item.key] != nil {
                throw FaultSpecError(code: .duplicateKey, message: "'\(item.key)' given more than once", location: item.location)
            }
            seen[item.key] = item
            if actionKeys.contains(item.key) {
                if let first = actionItem {
                    throw FaultSpecError(code: .multipleActions, message: "one fault per spec: '\(first.key)' and '\(item.key)' both given (use a second --fault)", location: item.location)
                }
                actionItem = item
            }
        }
        guard let act = actionItem else {
            throw FaultSpecError(code: .missingAction, message: "no fault given; expected one of \(actionKeys.joined(separator: ", "))", location: items.first?.location ?? "column 1")
        }
        let primary: String? = act.value.isEmpty ? nil : act.value
        func param(_ key: String) -> Item? { seen[key] }
        func int(_ item: Item, _ name: String, min: Int = 0) throws(FaultSpecError) -> Int {
            guard let v = Int(item.value.hasPrefix("+") ? String(item.value.dropFirst()) : item.value), v >= min else {
                throw FaultSpecError(code: .badValue, message: "'\(name)' must be a whole number ≥ \(min), got '\(item.value)'", location: item.location)
            }
            return v
        }
        func duration(_ item: Item, _ name: String) throws(FaultSpecError) -> Duration {
            if let n = item.json?.doubleValue, n >= 0, n.isFinite { return .nanoseconds(Int64(n * 1e9)) }
            guard let d = DurationText.parse(item.value) else {
                throw FaultSpecError(code: .badValue, message: "'\(name)' must be a duration such as 500ms, 2s or 1.5, got '\(item.value)'", location: item.location)
            }
            return d
        }
        func number(_ item: Item, _ name: String) throws(FaultSpecError) -> Double {
            guard let v = Double(item.value), v.isFinite, v >= 0 else {
                throw FaultSpecError(code: .badValue, message: "'\(name)' must be a non-negative number, got '\(item.value)'", location: item.location)
            }
            return v
        }
        /// `after` from the primary value or the `after` parameter (default 0).
        func after() throws(FaultSpecError) -> Int {
            if let p = param("after") { return try int(p, "after") }
            if let primary { return try int(Item(key: act.key, value: primary, location: act.location), "\(act.key)") }
            return 0
        }
        var allowedParams: Set<String> = []
        let action: Action
        switch act.key {
        case "delay_headers", "delay_body":
            guard primary != nil else { throw FaultSpecError(code: .badValue, message: "'\(act.key)' needs a duration, e.g. \(act.key)=2s", location: act.location) }
            let d = try duration(act, act.key)
            action = act.key == "delay_headers" ? .delayHeaders(d) : .delayBody(d)
        case "stall":
            allowedParams = ["after", "for"]
            action = .stall(afterChunks: try after(), duration: try param("for").map { i throws(FaultSpecError) in try duration(i, "for") })
        case "close":
            allowedParams = ["after"]
            action = .close(afterChunks: try after())
        case "cut":
            allowedParams = ["after"]
            action = .cut(afterChunks: try after())
        case "bad_chunked":
            allowedParams = ["after"]
            action = .brokenChunked(afterChunks: try after())
        case "rst":
            allowedParams = ["after"]
            if primary?.lowercased() == "headers" || primary?.lowercased() == "before_headers" {
                action = .reset(afterChunks: nil)
            } else if primary == nil, param("after") == nil {
                action = .reset(afterChunks: nil)
            } else {
                action = .reset(afterChunks: try after())
            }
        case "malformed":
            allowedParams = ["chunk"]
            if let c = param("chunk") {
                action = .malformed(chunk: try int(c, "chunk", min: 1))
            } else if let primary {
                action = .malformed(chunk: try int(Item(key: "malformed", value: primary, location: act.location), "malformed", min: 1))
            } else {
                action = .malformed(chunk: 1)
            }
        case "content_type":
            guard let primary else { throw FaultSpecError(code: .badValue, message: "'content_type' needs a value (a media type, or none)", location: act.location) }
            action = .contentType(primary.lowercased() == "none" ? nil : primary)
        case "length_mismatch":
            let v = primary ?? "+16"
            guard let d = Int(v.hasPrefix("+") ? String(v.dropFirst()) : v), d != 0 else {
                throw FaultSpecError(code: .badValue, message: "'length_mismatch' must be a non-zero whole number of bytes such as +10 or -5, got '\(v)'", location: act.location)
            }
            action = .lengthMismatch(delta: d)
        case "drip":
            guard let primary, let r = Int(primary), r > 0 else {
                throw FaultSpecError(code: .badValue, message: "'drip' must be a positive whole number of bytes per second, got '\(primary ?? "")'", location: act.location)
            }
            action = .drip(bytesPerSecond: r)
        case "status":
            allowedParams = ["retry_after", "retry_after_ms", "should_retry", "message"]
            guard let primary, let code = Int(primary), (400...599).contains(code) else {
                throw FaultSpecError(code: .badValue, message: "'status' must be an HTTP error status 400–599, got '\(primary ?? "")'", location: act.location)
            }
            var s = StatusFault(code: code)
            if let i = param("retry_after") { s.retryAfterSeconds = try number(i, "retry_after") }
            if let i = param("retry_after_ms") { s.retryAfterMilliseconds = try number(i, "retry_after_ms") }
            if let i = param("should_retry") {
                guard let b = Bool(i.value.lowercased()) else {
                    throw FaultSpecError(code: .badValue, message: "'should_retry' must be true or false, got '\(i.value)'", location: i.location)
                }
                s.shouldRetry = b
            }
            s.message = param("message")?.value
            action = .status(s)
        case "stream_error":
            allowedParams = ["after", "message"]
            action = .streamError(afterChunks: try after(), message: param("message")?.value)
        default:
            throw FaultSpecError(code: .unknownKey, message: "unknown fault '\(act.key)'", location: act.location)
        }
        for key in parameterKeys where !allowedParams.contains(key) {
            guard let item = seen[key] else { continue }
            throw FaultSpecError(code: .misplacedParameter, message: "'\(key)' does not apply to '\(act.key)'", location: item.location)
        }
        var schedule = Schedule()
        if let i = seen["request"] { schedule.requestNumber = try int(i, "request", min: 1) }
        if let i = seen["times"] { schedule.times = try int(i, "times", min: 1) }
        if let i = seen["path"] {
            guard i.value.hasPrefix("/") || i.value.hasPrefix("*") else {
                throw FaultSpecError(code: .badValue, message: "'path' must start with / (or *), got '\(i.value)'", location: i.location)
            }
            schedule.path = GlobPattern(i.value)
        }
        if let i = seen["model"] { schedule.model = GlobPattern(i.value) }
        if let i = seen["method"] {
            guard !i.value.isEmpty, i.value.allSatisfy({ $0.isLetter }) else {
                throw FaultSpecError(code: .badValue, message: "'method' must be an HTTP method such as POST, got '\(i.value)'", location: i.location)
            }
            schedule.method = i.value.uppercased()
        }
        if let i = seen["p"] {
            guard let p = Double(i.value), p >= 0, p <= 1 else {
                throw FaultSpecError(code: .badValue, message: "'p' must be a probability between 0 and 1, got '\(i.value)'", location: i.location)
            }
            schedule.probability = p
        }
        if let i = seen["test_id"] {
            guard !i.value.isEmpty else {
                throw FaultSpecError(code: .badValue, message: "'test_id' needs a value (an X-Test-Id or a pattern)", location: i.location)
            }
            schedule.testID = GlobPattern(i.value)
        }
        return FaultSpec(action, schedule: schedule)
    }
}
