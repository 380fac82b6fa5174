/// The TCP toxics of `llmcheck proxy --toxic`, with Toxiproxy's names and meanings. This table is
/// the one place a toxic is declared: its name, the parameter its bare value sets, its parameters
/// and what it does (the help text and the parser read it).
///
/// Every toxic also takes `stream=downstream|upstream` (default downstream: the bytes going to the
/// client; upstream: the bytes arriving from the provider, before the faults) and `toxicity=P`
/// (the probability, 0-1, that a request gets it; seeded; default 1).
public enum ToxicKind: String, Sendable, CaseIterable, Hashable {
    case latency, bandwidth, slicer, timeout
    case resetPeer = "reset_peer"
    case limitData = "limit_data"
    case slowClose = "slow_close"

    /// One row of the table.
    public struct Declaration: Sendable {
        /// The parameter a bare value sets (`latency=200ms` is `latency=latency:200ms`).
        public var valueParameter: String
        /// Every parameter besides `stream` and `toxicity`.
        public var parameters: [String]
        public var usage: String
        public var summary: String
    }

    public var declaration: Declaration {
        switch self {
        case .latency:
            Declaration(valueParameter: "latency", parameters: ["latency", "jitter"], usage: "latency=DUR[,jitter=DUR]",
                        summary: "delays every write by DUR ± jitter (uniform, seeded)")
        case .bandwidth:
            Declaration(valueParameter: "rate", parameters: ["rate"], usage: "bandwidth=KB/s",
                        summary: "limits the stream to KB/s kilobytes per second")
        case .slicer:
            Declaration(valueParameter: "average_size", parameters: ["average_size", "size_variation", "delay"],
                        usage: "slicer=BYTES[,size_variation=BYTES][,delay=DUR]",
                        summary: "slices every write into pieces of about BYTES, DUR apart")
        case .timeout:
            Declaration(valueParameter: "timeout", parameters: ["timeout"], usage: "timeout=DUR",
                        summary: "stops all data and closes after DUR (0: holds until the client leaves)")
        case .resetPeer:
            Declaration(valueParameter: "timeout", parameters: ["timeout"], usage: "reset_peer=DUR",
                        summary: "resets the connection (TCP RST) DUR after the response started")
        case .limitData:
            Declaration(valueParameter: "bytes", parameters: ["bytes"], usage: "limit_data=BYTES",
                        summary: "closes the connection after BYTES bytes")
        case .slowClose:
            Declaration(valueParameter: "delay", parameters: ["delay"], usage: "slow_close=DUR",
                        summary: "delays the end of the response (and its close) by DUR")
        }
    }

    /// The toxics' part of `llmcheck proxy --help`.
    public static var helpText: String {
        var text = "TOXICS (--toxic KIND[=VALUE][,param=value…][,stream=upstream|downstream][,toxicity=P], Toxiproxy's names):\n"
        for kind in allCases {
            let usage = kind.declaration.usage
            text += "  " + usage + String(repeating: " ", count: max(1, 52 - usage.count)) + kind.declaration.summary + "\n"
        }
        return text
    }
}
