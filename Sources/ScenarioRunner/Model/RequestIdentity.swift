// MARK: - RequestIdentity

/// Which request of a scenario this is: step index and position among the step's parallel copies.
///
/// Its text form `s<step>.r<index>` exists only at the edges: the `X-LLMCheck-Request` header, report ids.
public struct RequestIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var step: Int
    public var index: Int

    public init(step: Int, index: Int) {
        self.step = step
        self.index = index
    }

    /// Parses `s<step>.r<index>`; nil for anything else.
    public init?(_ text: String) {
        guard text.hasPrefix("s"), let dot = text.firstIndex(of: ".") else { return nil }
        let stepText = text[text.index(after: text.startIndex)..<dot]
        let rest = text[text.index(after: dot)...]
        guard rest.hasPrefix("r"), let step = Int(stepText), let index = Int(rest.dropFirst()), step >= 0, index >= 0,
            stepText.allSatisfy(\.isASCII), rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        self.init(step: step, index: index)
    }

    public var description: String { "s\(step).r\(index)" }

    public static func < (lhs: RequestIdentity, rhs: RequestIdentity) -> Bool { (lhs.step, lhs.index) < (rhs.step, rhs.index) }
}
