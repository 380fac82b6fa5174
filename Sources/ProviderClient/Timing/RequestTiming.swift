import Foundation

/// Client-side timing of one request, as docs/metrics.md R1 defines it. All instants are
/// ``HTTPWire/MonotonicClock`` nanoseconds; derived durations are nanoseconds too.
///
/// * `tSend` just before the request is written (the start of the successful attempt);
///   `tHeaders` when the response head arrived; `tFirstChunk` the first parsed data event with
///   any delta; `tFirstToken` the first event with non-empty content or a tool-call delta
///   (role-only and empty chunks skipped); `tFirstOutput` the first non-reasoning content;
///   `tLastToken` the last content event (a trailing usage-only chunk excluded); `tEnd` when the
///   stream closed (`[DONE]` / `done:true` / body end).
/// * TTFT = tFirstToken − tSend; TTFC = tFirstChunk − tSend; E2EL = tLastToken − tSend.
/// * ICL = gaps between consecutive content events; TPOT = (E2EL − TTFT)/(outputTokens − 1)
///   when outputTokens ≥ 2; decode TPS = 1/TPOT.
public struct RequestTiming: Sendable, Hashable {
    /// Where ``outputTokens`` comes from.
    public enum TokenSource: String, Sendable, Hashable {
        /// The server's usage (OpenAI usage, Ollama eval_count, LM Studio, llama.cpp predicted_n).
        case serverUsage = "server_usage"
        /// Counted content chunks (approximate: a chunk is not always one token).
        case chunks
    }

    public var tSend: UInt64?
    public var tConnected: UInt64?
    public var tHeaders: UInt64?
    public var tFirstChunk: UInt64?
    public var tFirstToken: UInt64?
    public var tFirstOutput: UInt64?
    public var tLastToken: UInt64?
    public var tEnd: UInt64?
    /// Gaps between consecutive content events (ns), in order.
    public var interChunkGaps: [UInt64]
    /// Data events that carried any delta.
    public var chunksCount: Int
    /// Content events (tokens or tool-call pieces).
    public var contentChunksCount: Int
    public var outputTokens: Int?
    public var tokenSource: TokenSource?

    public init() {
        interChunkGaps = []
        chunksCount = 0
        contentChunksCount = 0
    }

    private func since(_ t: UInt64?) -> UInt64? {
        guard let t, let tSend, t >= tSend else { return nil }
        return t - tSend
    }

    /// Time to first token.
    public var ttft: UInt64? { since(tFirstToken) }
    /// Time to first chunk.
    public var ttfc: UInt64? { since(tFirstChunk) }
    /// Time to first non-reasoning output.
    public var ttfo: UInt64? { since(tFirstOutput) }
    /// Time to headers.
    public var timeToHeaders: UInt64? { since(tHeaders) }
    /// End-to-end latency to the last token.
    public var e2el: UInt64? { since(tLastToken) }
    /// Send to stream end.
    public var total: UInt64? { since(tEnd) }

    /// Time per output token after the first, in ns; nil with fewer than 2 tokens.
    public var tpot: Double? {
        // Needs two tokens and two distinct arrival times (a non-streamed answer has no decode timing).
        guard let outputTokens, outputTokens >= 2, let e2el, let ttft, e2el > ttft else { return nil }
        return Double(e2el - ttft) / Double(outputTokens - 1)
    }

    /// Decode tokens per second (1/TPOT).
    public var decodeTokensPerSecond: Double? {
        guard let tpot, tpot > 0 else { return nil }
        return 1e9 / tpot
    }

    /// Tokens per content chunk (makes chunk ≠ token visible).
    public var tokensPerChunk: Double? {
        guard let outputTokens, contentChunksCount > 0 else { return nil }
        return Double(outputTokens) / Double(contentChunksCount)
    }

    // MARK: - Recording

    mutating func recordChunk(at t: UInt64, hasContent: Bool, hasOutput: Bool) {
        chunksCount += 1
        if tFirstChunk == nil { tFirstChunk = t }
        guard hasContent else { return }
        contentChunksCount += 1
        if tFirstToken == nil { tFirstToken = t }
        if hasOutput, tFirstOutput == nil { tFirstOutput = t }
        if let last = tLastToken, t >= last { interChunkGaps.append(t - last) }
        tLastToken = t
    }

    mutating func settleTokens(serverCount: Int?) {
        if let serverCount {
            outputTokens = serverCount
            tokenSource = .serverUsage
        } else if contentChunksCount > 0 {
            outputTokens = contentChunksCount
            tokenSource = .chunks
        }
    }

    /// A one-line summary such as `TTFT 120.3 ms · 42 tokens (server_usage) · 35.2 tok/s · E2E 1.31 s`.
    public var summaryLine: String {
        func ms(_ ns: UInt64?) -> String { ns.map { Self.formatMilliseconds(Double($0) / 1e6) } ?? "–" }
        var parts = ["TTFT \(ms(ttft))", "E2E \(ms(e2el ?? total))"]
        if let outputTokens { parts.append("\(outputTokens) tokens (\(tokenSource?.rawValue ?? "?"))") }
        if let tpot { parts.append("TPOT \(Self.formatMilliseconds(tpot / 1e6))") }
        if let tps = decodeTokensPerSecond { parts.append(String(format: "%.1f tok/s", tps)) }
        parts.append("\(chunksCount) chunks")
        if let headers = timeToHeaders { parts.append("headers \(ms(headers))") }
        return parts.joined(separator: " · ")
    }

    static func formatMilliseconds(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.1f ms", value)
    }
}
