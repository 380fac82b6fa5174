import HTTPWire

/// The value and parameters given to one fault kind, read with the bounds of the grammar; every
/// reader throws a ``FaultSpecError`` located at the offending item.
struct FaultArguments {
    /// The kind's own item (`stall=…`, or the JSON key).
    var kindItem: FaultSpec.Item
    /// The kind's own value (`429` in `status=429`), nil when bare or written as an object.
    var value: String?
    /// The parameters given, by name.
    var parameters: [FaultParameter: FaultSpec.Item]

    subscript(_ parameter: FaultParameter) -> FaultSpec.Item? { parameters[parameter] }

    func error(_ message: String, at item: FaultSpec.Item? = nil) -> FaultSpecError {
        FaultSpecError(code: .badValue, message: message, location: (item ?? kindItem).location)
    }

    /// `after` from the parameter or the kind's value (default 0).
    func after() throws(FaultSpecError) -> Int {
        try integer(.after, orValue: true, in: 0...FaultSpec.maximumCount) ?? 0
    }

    /// A whole-number parameter within `range`, or the kind's value when `orValue`; nil when neither is given.
    func integer(_ parameter: FaultParameter, orValue: Bool, in range: ClosedRange<Int>) throws(FaultSpecError) -> Int? {
        let item: FaultSpec.Item
        let name: String
        if let given = parameters[parameter] {
            item = given
            name = parameter.rawValue
        } else if orValue, let value {
            item = FaultSpec.Item(key: kindItem.key, value: value, location: kindItem.location)
            name = kindItem.key
        } else {
            return nil
        }
        return try FaultSpec.integer(item, name, in: range)
    }

    /// The kind's value as a duration (required).
    func requiredDuration() throws(FaultSpecError) -> Duration {
        guard value != nil || kindItem.json?.doubleValue != nil else {
            throw error("'\(kindItem.key)' needs a duration, e.g. \(kindItem.key)=2s")
        }
        return try FaultSpec.duration(kindItem, kindItem.key)
    }

    /// A duration parameter, nil when not given.
    func duration(_ parameter: FaultParameter) throws(FaultSpecError) -> Duration? {
        guard let item = parameters[parameter] else { return nil }
        return try FaultSpec.duration(item, parameter.rawValue)
    }

    /// A non-negative number parameter up to `maximum`, nil when not given.
    func number(_ parameter: FaultParameter, maximum: Double) throws(FaultSpecError) -> Double? {
        guard let item = parameters[parameter] else { return nil }
        guard let v = CheckedNumber.number(item.value, in: 0...maximum) else {
            throw error(
                "'\(parameter.rawValue)' must be a number from 0 to \(JSONValue.format(maximum)), got '\(item.value)'", at: item)
        }
        return v
    }

    /// A `true`/`false` parameter, nil when not given.
    func boolean(_ parameter: FaultParameter) throws(FaultSpecError) -> Bool? {
        guard let item = parameters[parameter] else { return nil }
        guard let b = Bool(item.value.lowercased()) else {
            throw error("'\(parameter.rawValue)' must be true or false, got '\(item.value)'", at: item)
        }
        return b
    }
}
