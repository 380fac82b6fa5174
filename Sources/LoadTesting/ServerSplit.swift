import Reporting

/// Server side vs client side of TTFT and ITL, when the target is an llmcheck mock whose journal
/// (`GET /__llmcheck/journal`) records when each body write left the server.
///
/// Server TTFT is arrival of the request → the first content write; server gaps are the times between
/// consecutive content writes. The difference of the p50s is what the network and the client added.
public struct ServerSplit: Sendable, Hashable, Codable {
    /// Journal entries used (successful chat requests of this level).
    public var entries: Int
    public var serverTTFTMs: Statistics?
    public var clientTTFTMs: Statistics?
    public var serverGapMs: Statistics?
    public var clientITLMs: Statistics?
    /// Server: arrival → last byte written, ms.
    public var serverDurationMs: Statistics?

    enum CodingKeys: String, CodingKey {
        case entries
        case serverTTFTMs = "server_ttft_ms"
        case clientTTFTMs = "client_ttft_ms"
        case serverGapMs = "server_gap_ms"
        case clientITLMs = "client_itl_ms"
        case serverDurationMs = "server_duration_ms"
        case ttftClientSideP50Ms = "ttft_client_side_p50_ms"
        case itlClientSideP50Ms = "itl_client_side_p50_ms"
    }

    public init(entries: Int, serverTTFTMs: Statistics?, clientTTFTMs: Statistics?, serverGapMs: Statistics?, clientITLMs: Statistics?, serverDurationMs: Statistics?) {
        self.entries = entries
        self.serverTTFTMs = serverTTFTMs
        self.clientTTFTMs = clientTTFTMs
        self.serverGapMs = serverGapMs
        self.clientITLMs = clientITLMs
        self.serverDurationMs = serverDurationMs
    }

    /// Client TTFT p50 − server TTFT p50: the network and client share, ms.
    public var ttftClientSideP50Ms: Double? {
        guard let c = clientTTFTMs, let s = serverTTFTMs else { return nil }
        return c.p50 - s.p50
    }

    /// Client ITL p50 − server gap p50, ms.
    public var itlClientSideP50Ms: Double? {
        guard let c = clientITLMs, let s = serverGapMs else { return nil }
        return c.p50 - s.p50
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entries = try c.decode(Int.self, forKey: .entries)
        serverTTFTMs = try c.decodeIfPresent(Statistics.self, forKey: .serverTTFTMs)
        clientTTFTMs = try c.decodeIfPresent(Statistics.self, forKey: .clientTTFTMs)
        serverGapMs = try c.decodeIfPresent(Statistics.self, forKey: .serverGapMs)
        clientITLMs = try c.decodeIfPresent(Statistics.self, forKey: .clientITLMs)
        serverDurationMs = try c.decodeIfPresent(Statistics.self, forKey: .serverDurationMs)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entries, forKey: .entries)
        try c.encodeIfPresent(serverTTFTMs, forKey: .serverTTFTMs)
        try c.encodeIfPresent(clientTTFTMs, forKey: .clientTTFTMs)
        try c.encodeIfPresent(serverGapMs, forKey: .serverGapMs)
        try c.encodeIfPresent(clientITLMs, forKey: .clientITLMs)
        try c.encodeIfPresent(serverDurationMs, forKey: .serverDurationMs)
        try c.encodeIfPresent(ttftClientSideP50Ms, forKey: .ttftClientSideP50Ms)
        try c.encodeIfPresent(itlClientSideP50Ms, forKey: .itlClientSideP50Ms)
    }
}
