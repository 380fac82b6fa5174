import HTTPWire

/// Where time went on the two hops of one proxied exchange (client → proxy → upstream), in
/// nanoseconds since the request arrived at the proxy (monotonic clock).
///
/// The downstream side (head and each body write leaving the proxy) is the journal entry's own
/// ``JournalEntry/timeToHead`` and ``JournalEntry/bodyWriteOffsets``; this adds the
/// upstream side, so `written − arrived` per chunk is the proxy's own added time.
public struct ProxyHopTiming: Sendable, Hashable {
    /// The upstream the request went to (`http://host:port`); nil when the proxy answered itself
    /// (a `status=` fault).
    public var upstream: String?
    /// Connected to the upstream (for a kept connection: when it was taken from the pool).
    public var upstreamConnectedNanoseconds: UInt64?
    /// Whether the request went on a kept-alive upstream connection (nil: no upstream contacted).
    public var upstreamConnectionReused: Bool?
    /// The upstream's response head arrived (its time to headers, TTFB of the head).
    public var upstreamHeadNanoseconds: UInt64?
    /// The upstream's first body byte arrived.
    public var upstreamFirstByteNanoseconds: UInt64?
    /// The upstream's first complete event (SSE event / NDJSON line / plain piece) arrived: its TTFT.
    public var upstreamFirstEventNanoseconds: UInt64?
    /// When each complete event arrived from the upstream, the first ``JournalEntry/maximumRecordedWrites`` only.
    public var chunkArrivalOffsetsNanoseconds: [UInt64] = []
    /// Events that arrived (also those beyond the recorded times).
    public var chunkArrivalCount = 0
    /// What went wrong on the upstream side, if anything (`connect refused (errno 111)`, `reset mid-body`…).
    public var upstreamError: String?

    public init(upstream: String? = nil) {
        self.upstream = upstream
    }

    /// The proxy's own added time per chunk, `written − arrived`, paired in order (as many as both have).
    public func addedPerChunk(writeOffsets: [UInt64]) -> [UInt64] {
        zip(chunkArrivalOffsetsNanoseconds, writeOffsets).map { arrived, written in written &- min(written, arrived) }
    }

    /// Added time for the head: downstream head written minus upstream head arrived.
    public func addedForHead(headNanoseconds: UInt64?) -> UInt64? {
        guard let out = headNanoseconds, let arrived = upstreamHeadNanoseconds else { return nil }
        return out &- min(out, arrived)
    }

    /// The `proxy` object of a journal entry's JSON.
    func jsonValue(writeOffsets: [UInt64], headNanoseconds: UInt64?) -> JSONValue {
        func ms(_ ns: UInt64?) -> JSONValue { ns.map { .number(Double($0) / 1e6) } ?? .null }
        let added = addedPerChunk(writeOffsets: writeOffsets)
        let sorted = added.sorted()
        return .object([
            ("upstream", upstream.map(JSONValue.string) ?? .null),
            ("upstream_connect_ms", ms(upstreamConnectedNanoseconds)),
            ("upstream_reused", upstreamConnectionReused.map(JSONValue.bool) ?? .null),
            ("upstream_head_ms", ms(upstreamHeadNanoseconds)),
            ("upstream_first_byte_ms", ms(upstreamFirstByteNanoseconds)),
            ("upstream_ttft_ms", ms(upstreamFirstEventNanoseconds)),
            ("chunks_arrived", .int(chunkArrivalCount)),
            ("chunk_arrival_offsets_ns", .array(chunkArrivalOffsetsNanoseconds.map { .int(Int(clamping: $0)) })),
            ("added_head_ms", ms(addedForHead(headNanoseconds: headNanoseconds))),
            ("added_per_chunk_ns", .array(added.map { .int(Int(clamping: $0)) })),
            ("added_p50_ms", ms(sorted.isEmpty ? nil : sorted[sorted.count / 2])),
            ("added_max_ms", ms(sorted.last)),
            ("upstream_error", upstreamError.map(JSONValue.string) ?? .null),
        ])
    }
}
