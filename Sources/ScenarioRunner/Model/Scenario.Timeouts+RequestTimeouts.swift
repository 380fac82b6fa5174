import HTTPWire

extension Scenario.Timeouts {
    /// The same limits as the client's one timeouts type (``RequestTimeouts``), which the provider
    /// client and its transports enforce.
    public var requestTimeouts: RequestTimeouts {
        RequestTimeouts(
            connect: .milliseconds(connectMilliseconds), headers: .milliseconds(headersMilliseconds),
            idle: .milliseconds(idleMilliseconds), total: .milliseconds(totalMilliseconds))
    }
}
