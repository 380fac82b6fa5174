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

    /// Every key the grammar knows: kinds first, then their parameters, then schedule keys
    /// (the first two come from the ``FaultKind`` table).
    static let actionKeys: [String] = FaultKind.allCases.map(\.key)
    static let parameterKeys: [String] = FaultParameter.allCases.map(\.rawValue)
    static let scheduleKeys: [String] = ["request", "times", "path", "model", "method", "p", "test_id"]

    /// Bare kinds (`rst`) allowed by the table.
    static let bareKeys: Set<String> = Set(FaultKind.allCases.filter { $0.row.mayBeBare }.map(\.key))

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
                guard bareKeys.contains(key) else {
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
        var items: [Item] = []
        // A kind's value may be `param:value`: split it into the kind plus a parameter item.
        for item in rawItems {
            if let kind = FaultKind(rawValue: item.key), kind.row.splitsParameterValue,
                item.json == nil || item.json?.stringValue != nil,
                let colon = item.value.firstIndex(of: ":")
            {
                let param = String(item.value[..<colon]).trimmingSpaces().lowercased()
                let value = String(item.value[item.value.index(after: colon)...]).trimmingSpaces()
                items.append(Item(key: item.key, value: "", location: item.location, json: .null))
                items.append(Item(key: param, value: value, location: item.location))
            } else {
                items.append(item)
            }
        }
        var seen: [String: Item] = [:]
        var kindItem: Item?
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
                if let first = kindItem {
                    throw FaultSpecError(
                        code: .multipleActions,
                        message: "one fault per spec: '\(first.key)' and '\(item.key)' both given (use a second --fault)",
                        location: item.location)
                }
                kindItem = item
            }
        }
        guard let kindItem, let kind = FaultKind(rawValue: kindItem.key) else {
            throw FaultSpecError(
                code: .missingAction, message: "no fault given; expected one of \(actionKeys.joined(separator: ", "))",
                location: items.first?.location ?? "column 1")
        }
        var parameters: [FaultParameter: Item] = [:]
        let allowed = Set(kind.row.parameters)
        for parameter in FaultParameter.allCases {
            guard let item = seen[parameter.rawValue] else { continue }
            guard allowed.contains(parameter) else {
                throw FaultSpecError(
                    code: .misplacedParameter, message: "'\(parameter.rawValue)' does not apply to '\(kind.key)'", location: item.location)
            }
            parameters[parameter] = item
        }
        let arguments = FaultArguments(
            kindItem: kindItem, value: kindItem.value.isEmpty ? nil : kindItem.value, parameters: parameters)
        let action = try kind.build(arguments)
        return FaultSpec(action, schedule: try schedule(seen))
    }

    /// The schedule keys of a spec.
    private static func schedule(_ seen: [String: Item]) throws(FaultSpecError) -> Schedule {
        var schedule = Schedule()
        if let i = seen["request"] { schedule.requestNumber = try integer(i, "request", in: 1...maximumCount) }
        if let i = seen["times"] { schedule.times = try integer(i, "times", in: 1...maximumCount) }
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
            guard let p = CheckedNumber.number(i.value, in: 0...1) else {
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
        return schedule
    }

    // MARK: - Bounded values

    /// A whole number within `range` (a leading `+` allowed); a located error otherwise.
    static func integer(_ item: Item, _ name: String, in range: ClosedRange<Int>) throws(FaultSpecError) -> Int {
        if case .number(let d)? = item.json, let v = CheckedNumber.integer(d, in: range) { return v }
        guard !item.value.hasPrefix("-") || range.lowerBound < 0, let v = CheckedNumber.integer(item.value, in: range) else {
            throw FaultSpecError(
                code: .badValue,
                message: "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(item.value)'",
                location: item.location)
        }
        return v
    }

    /// A duration from text (`500ms`, `2s`) or a JSON number of seconds, at most ``maximumDuration``.
    static func duration(_ item: Item, _ name: String) throws(FaultSpecError) -> Duration {
        let parsed: Duration?
        if let seconds = item.json?.doubleValue, item.json?.stringValue == nil {
            parsed = DurationText.duration(seconds: seconds, maximum: maximumDuration)
        } else {
            parsed = DurationText.parse(item.value, maximum: maximumDuration)
        }
        guard let parsed else {
            throw FaultSpecError(
                code: .badValue,
                message: "'\(name)' must be a duration from 0 to \(DurationText.format(maximumDuration)) such as 500ms, 2s or 1.5, got '\(item.value)'",
                location: item.location)
        }
        return parsed
    }
}
