import Reporting

extension LoadSummary {
    /// Attaches the mock journal's view and, when most of the latency arose on the client side (the server
    /// finished its requests in less than half the time the client measured), flags the generator.
    public mutating func attach(_ split: ServerSplit) {
        serverSplit = split
        guard let server = split.serverDurationMs?.p50, let client = metrics["e2e_ms"]?.p50 ?? metrics["ttft_ms"]?.p50 else { return }
        if client > 2 * server && client - server > 1 {
            generator.isBottleneck = true
            warnings.append(
                "the server (mock journal) spent \(LoadFormat.ms(server)) ms per request at p50 but the client measured \(LoadFormat.ms(client)) ms: "
                    + "most of the latency is on the client side, so the generator (or the network), not the server, limits this run")
        }
    }
}
