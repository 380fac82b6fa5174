import HTTPWire

/// Where time went on the two hops of one proxied exchange (client → proxy → upstream), as
/// durations since the request arrived at the proxy (monotonic clock).
///
/// The downstream side (head and each body write leaving the proxy) is the journal entry's own
/// ``JournalEntry/timeToHead`` and ``JournalEntry/bodyWriteOffsets``; this adds the
/// upstream side, so `written − arrived` per chunk is the proxy's own added time.
public struct ProxyHopTiming: Sendable, Hashable {
    /// The upstream the request went to (`http://host:port`); nil when the proxy answered itself
    /// (a `status=` fault).
    public var upstream: String?
    /// Connected to the upstream (for a kept connection: when it was taken from the pool).
    public var upstreamConnected: Duration?
    /// Whether the request went on a kept-alive upstream connection (nil: no upstream contacted).
    public var upstreamConnectionReused: Bool?
    /// The upstream's response head arrived (its time to headers, TTFB of the head).
    public var upstreamHead: Duration?
    /// The upstream's first body byte arrived.
    public var upstreamFirstByte: Duration?
    /// The upstream's first complete event (SSE event / NDJSON line / plain piece) arrived: its TTFT.
    public var upstreamFirstEvent: Duration?
    /// When each complete event arrived from the upstream, the first ``JournalEntry/maximumRecordedWrites`` only.
    public var chunkArrivalOffsets: [Duration] = []
    /// Events that arrived (also those beyond the recorded times).
    public var chunkArrivalCount = 0
    /// What went wrong on the upstream side, if anything (`connect refused (errno 111)`, `reset mid-body`…).
    public var upstreamError: String?

    public init(upstream: String? = nil) {
        self.upstream = upstream
    }

    /// The proxy's own added time per chunk, `written − arrived`, paired in order (as many as both have).
    public func addedPerChunk(writeOffsets: [Duration]) -> [Duration] {
        zip(chunkArrivalOffsets, writeOffsets).map { arrived, written in max(.zero, written - arrived) }
    }

    /// Added time for the head: downstream head written minus upstream head arrived.
    public func addedForHead(head: Duration?) -> Duration? {
        guard let out = head, let arrived = upstreamHead else { return nil }
        return max(.zero, out - arrived)
    }

    /// The `proxy` object of a journal entry's JSON.
    func jsonValue(writeOffsets: [Duration], head: Duration?) -> JSONValue {
        func ms(_ offset: Duration?) -> JSONValue { offset.map { .number($0.milliseconds) } ?? .null }
        func ns(_ offset: Duration) -> JSONValue { .int(Int(clamping: offset.nanoseconds)) }
        let added = addedPerChunk(writeOffsets: writeOffsets)
        let sorted = added.sorted()
        return .object([
            ("upstream", upstream.map(JSONValue.string) ?? .null),
            ("upstream_connect_ms", ms(upstreamConnected)),
            ("upstream_reused", upstreamConnectionReused.map(JSONValue.bool) ?? .null),
            ("upstream_head_ms", ms(upstreamHead)),
            ("upstream_first_byte_ms", ms(upstreamFirstByte)),
            ("upstream_ttft_ms", ms(upstreamFirstEvent)),
            ("chunks_arrived", .int(chunkArrivalCount)),
            ("chunk_arrival_offsets_ns", .array(chunkArrivalOffsets.map(ns))),
            ("added_head_ms", ms(addedForHead(head: head))),
            ("added_per_chunk_ns", .array(added.map(ns))),
            ("added_p50_ms", ms(sorted.isEmpty ? nil : sorted[sorted.count / 2])),
            ("added_max_ms", ms(sorted.last)),
            ("upstream_error", upstreamError.map(JSONValue.string) ?? .null),
        ])
    }
}
