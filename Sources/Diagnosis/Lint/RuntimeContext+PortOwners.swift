extension RuntimeContext {
    /// The processes listening on local `port`, as `ollama (PID 812)` (or the bare address when
    /// the owner is not visible), read from Linux `/proc`; empty elsewhere or when nothing listens.
    /// The shared entry to ``listenerOwners(port:root:)`` for commands outside diagnose
    /// (`serve` names who holds a port it cannot bind).
    public static func portOwnerDescriptions(port: UInt16) -> [String] {
        var seen: [String] = []
        for listener in listenerOwners(port: port, root: "/") {
            let text = listener.command.map { "\($0) (PID \(listener.pid.map(String.init) ?? "?"))" } ?? "a process listening on \(listener.address)"
            if !seen.contains(text) { seen.append(text) }
        }
        return seen
    }
}
