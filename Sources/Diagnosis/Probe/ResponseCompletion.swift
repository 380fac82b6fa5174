import HTTPWire

/// Tells a probe's read loop when the answer is complete, by feeding HTTPWire's
/// ``HTTPResponseParser`` only the bytes that are new since the last call (no re-parse of what
/// arrived before, so a long stream costs linear time). Bytes that are not HTTP end the read at
/// once: waiting longer cannot make them HTTP.
final class ResponseCompletion: Sendable {
    /// What to wait for.
    enum Goal: Sendable {
        /// The head and the framed body.
        case wholeResponse
        /// The head only (a sniff of what a port speaks).
        case head
    }

    private let goal: Goal
    private let state: LockedValue<(parser: HTTPResponseParser, fed: Int, done: Bool)>

    init(method: String, goal: Goal = .wholeResponse) {
        self.goal = goal
        state = LockedValue((HTTPResponseParser(requestMethod: HTTPMethod(rawValue: method)), 0, false))
    }

    /// Whether everything received so far (`all`) holds what ``Goal`` asks for, or cannot be HTTP.
    func isComplete(_ all: [UInt8]) -> Bool {
        let goal = self.goal
        return state.withLock { state in
            guard !state.done, all.count > state.fed else { return state.done }
            let new = all[state.fed...]
            state.fed = all.count
            do {
                _ = try state.parser.consume(new)
            } catch {
                state.done = true  // malformed or not HTTP
                return true
            }
            state.done = goal == .head ? state.parser.head != nil : state.parser.isComplete
            return state.done
        }
    }
}
