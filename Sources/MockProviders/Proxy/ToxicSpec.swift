import HTTPWire

/// One toxic: a kind from the ``ToxicKind`` table with its values, its direction and toxicity.
public struct ToxicSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Stream: String, Sendable, Hashable { case downstream, upstream }

    public var kind: ToxicKind
    public var stream: Stream
    /// Probability (0-1) that a request gets the toxic.
    public var toxicity: Double
    /// Durations (`latency`, `jitter`, `delay`, `timeout`).
    public var durations: [String: Duration]
    /// Numbers (`rate` KB/s, `average_size`, `size_variation`, `bytes`).
    public var numbers: [String: Int]
    /// The text it was parsed from.
    public var text: String

    public var description: String { text }

    public func duration(_ name: String) -> Duration { durations[name] ?? .zero }
    public func number(_ name: String) -> Int { numbers[name] ?? 0 }

    static let durationParameters: Set<String> = ["latency", "jitter", "delay", "timeout"]

    /// Parses `KIND[=VALUE][,param=value…]`.
    ///
    /// - Throws: ``ProxyError`` `.badToxic` naming the item and its column.
    public static func parse(_ text: String) throws(ProxyError) -> ToxicSpec {
        let items = ProxySpecItems(text)
        guard let first = items.items.first, !first.key.isEmpty else {
            throw ProxyError(.badToxic, "--toxic '\(text)': empty; expected one of \(ToxicKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = ToxicKind(rawValue: first.key) else {
            let near = Suggestion.closest(to: first.key, among: ToxicKind.allCases.map(\.rawValue))
            throw ProxyError(.badToxic, "--toxic " + items.message(first, "unknown toxic" + (near.map { "; did you mean '\($0)'?" } ?? "; expected one of \(ToxicKind.allCases.map(\.rawValue).joined(separator: ", "))")))
        }
        let d = kind.declaration
        var spec = ToxicSpec(kind: kind, stream: .downstream, toxicity: 1, durations: [:], numbers: [:], text: text)
        var given = items.items
        given[0].key = d.valueParameter
        if given[0].value == nil {
            throw ProxyError(.badToxic, "--toxic " + items.message(first, "needs a value: \(d.usage)"))
        }
        for item in given {
            func bad(_ message: String) -> ProxyError { ProxyError(.badToxic, "--toxic " + items.message(item, message)) }
            guard let value = item.value else { throw bad("needs a value") }
            switch item.key {
            case "stream":
                guard let s = Stream(rawValue: value.lowercased()) else { throw bad("stream is downstream or upstream") }
                spec.stream = s
            case "toxicity":
                guard let p = CheckedNumber.number(value, in: 0...1) else { throw bad("toxicity is a probability from 0 to 1") }
                spec.toxicity = p
            case let name where d.parameters.contains(name):
                if durationParameters.contains(name) {
                    guard let v = items.duration(item) else { throw bad("expected a duration such as 200ms or 2s (a bare number is milliseconds)") }
                    spec.durations[name] = v
                } else {
                    guard let v = CheckedNumber.integer(value, in: name == "rate" ? 1...10_000_000 : 0...(1 << 40)) else {
                        throw bad(name == "rate" ? "expected KB/s from 1 to 10000000" : "expected a whole number of bytes ≥ 0")
                    }
                    spec.numbers[name] = v
                }
            default:
                throw bad("\(kind.rawValue) takes \((d.parameters + ["stream", "toxicity"]).joined(separator: ", "))")
            }
        }
        if kind == .slicer, spec.number("average_size") < 1 {
            throw ProxyError(.badToxic, "--toxic " + items.message(first, "slicer needs average_size ≥ 1"))
        }
        return spec
    }

    public var jsonValue: JSONValue {
        .object([("toxic", .string(kind.rawValue)), ("stream", .string(stream.rawValue)), ("toxicity", .number(toxicity)), ("spec", .string(text))])
    }
}
