// MARK: - AppRun

/// One run of a program under test (a command client): how it ended and the tails of what it printed.
public struct AppRun: Sendable, Hashable, Codable {
    /// Request it served (`s0.r0`).
    public var requestID: String
    /// `exited 0`, `exited 1`, `killed by signal 11`, `still running at the deadline: killed (process group)`,
    /// `could not start: …`.
    public var exit: String
    /// Whether it counts as success (exit 0).
    public var succeeded: Bool
    public var wallMilliseconds: Double
    /// Last characters of standard output and error (with notes when capped or not UTF-8).
    public var stdoutTail: String
    public var stderrTail: String
    /// Extra facts (children left running …).
    public var notes: [String]

    public init(requestID: String, exit: String, succeeded: Bool, wallMilliseconds: Double, stdoutTail: String, stderrTail: String, notes: [String] = []) {
        self.requestID = requestID
        self.exit = exit
        self.succeeded = succeeded
        self.wallMilliseconds = wallMilliseconds
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", exit, succeeded
        case wallMilliseconds = "wall_ms"
        case stdoutTail = "stdout_tail", stderrTail = "stderr_tail", notes
    }
}
