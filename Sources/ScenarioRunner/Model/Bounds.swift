// MARK: - Bounds

/// An inclusive numeric range used by expectations: an exact number or `{"min": a, "max": b}`.
///
/// Either end may be absent (`{"min": 100}` means "at least 100").
public struct Bounds: Sendable, Hashable, CustomStringConvertible {
    /// Smallest accepted value, nil for no lower bound.
    public var minimum: Double?
    /// Largest accepted value, nil for no upper bound.
    public var maximum: Double?

    public init(minimum: Double? = nil, maximum: Double? = nil) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Exactly `value`.
    public static func exactly(_ value: Double) -> Bounds { Bounds(minimum: value, maximum: value) }

    /// Whether `value` lies within the bounds.
    public func contains(_ value: Double) -> Bool {
        if let minimum, value < minimum { return false }
        if let maximum, value > maximum { return false }
        return true
    }

    public var description: String {
        switch (minimum, maximum) {
        case let (lo?, hi?) where lo == hi: Self.format(lo)
        case let (lo?, hi?): "\(Self.format(lo))…\(Self.format(hi))"
        case let (lo?, nil): "≥ \(Self.format(lo))"
        case let (nil, hi?): "≤ \(Self.format(hi))"
        case (nil, nil): "any"
        }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format2: value)
    }
}

extension String {
    /// `value` with at most two decimals, '.' separated regardless of locale.
    init(format2 value: Double) {
        let scaled = (value * 100).rounded() / 100
        self = "\(scaled)"
    }
}
