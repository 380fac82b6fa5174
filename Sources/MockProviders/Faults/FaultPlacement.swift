/// Where in an exchange a fault acts: the point at which ``FaultInjector`` applies it.
///
/// Each ``FaultKind`` row names its ``Point``; an action's placement adds the chunk number from its
/// own `after` / `chunk` parameter (``FaultSpec/Action/placement``), so the injector files faults by
/// placement and never asks which kind a fault is to know where it goes.
enum FaultPlacement: Sendable, Hashable {
    /// Instead of the normal answer: the provider's error response (`status`).
    case insteadOfAnswer
    /// Before the status line is written (`delay_headers`, bare `rst`).
    case beforeHead
    /// On the response head itself (`content_type`, `length_mismatch`).
    case onHead
    /// Between the head and the first body byte (`delay_body`).
    case beforeBody
    /// Just before chunk N+1 is written, or at the end when the body has only N chunks (`stall`,
    /// `close`, `cut`, `rst=after:N`, `bad_chunked`, `stream_error`).
    case afterChunks(Int)
    /// On chunk N itself (`malformed`).
    case onChunk(Int)
    /// On every body write (`drip`).
    case everyWrite

    /// The point without its chunk number, as a ``FaultKind`` row declares it.
    enum Point: Sendable, Hashable {
        case insteadOfAnswer, beforeHead, onHead, beforeBody
        /// After the chunks of the action's `after` parameter; without one (a bare `rst`), before the head.
        case afterChunks
        /// On the chunk of the action's `chunk` parameter (1 when absent).
        case onChunk
        case everyWrite
    }
}

extension FaultSpec.Action {
    /// Where this action acts: its row's point, with the chunk number from its own parameters.
    var placement: FaultPlacement {
        switch kind.row.placement {
        case .insteadOfAnswer: return .insteadOfAnswer
        case .beforeHead: return .beforeHead
        case .onHead: return .onHead
        case .beforeBody: return .beforeBody
        case .everyWrite: return .everyWrite
        case .afterChunks: return integer(.after).map(FaultPlacement.afterChunks) ?? .beforeHead
        case .onChunk: return .onChunk(integer(.chunk) ?? 1)
        }
    }

    /// The whole-number value of one of the action's nested parameters (`after:3` → 3).
    private func integer(_ parameter: FaultParameter) -> Int? {
        for (name, value) in arguments.nested where name == parameter {
            if case .integer(let n) = value { return n }
        }
        return nil
    }
}
