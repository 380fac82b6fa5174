import Foundation
import HTTPWire

/// Client-side timing of one request, as docs/metrics.md R1 defines it. Instants are
/// ``HTTPWire/MonotonicInstant``s and derived figures `Duration`s.
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

    /// Just before the request of the successful attempt was written.
    public var sent: MonotonicInstant?
    /// TCP (and TLS) connection established, when the transport reports it.
    public var connected: MonotonicInstant?
    /// The response head arrived.
    public var headersReceived: MonotonicInstant?
    /// The first parsed data event with any delta.
    public var firstChunk: MonotonicInstant?
    /// The first event with content or a tool-call piece.
    public var firstToken: MonotonicInstant?
    /// The first non-reasoning content.
    public var firstOutput: MonotonicInstant?
    /// The last content event.
    public var lastToken: MonotonicInstant?
    /// The stream closed.
    public var ended: MonotonicInstant?

    /// Gaps between consecutive content events, in order: the first ``maximumRecordedGaps``
    /// only, so an endless stream cannot grow it without bound.
    public var interChunkGaps: [Duration]
    /// How many gaps ``interChunkGaps`` keeps: 100 000 (1.6 MB; far beyond any real answer).
    public static let maximumRecordedGaps = 100_000
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

    private func since(_ t: MonotonicInstant?) -> Duration? {
        guard let t, let sent, t >= sent else { return nil }
        return sent.duration(to: t)
    }

    /// Time to first token.
    public var timeToFirstToken: Duration? { since(firstToken) }
    /// Time to first chunk.
    public var timeToFirstChunk: Duration? { since(firstChunk) }
    /// Time to first non-reasoning output.
    public var timeToFirstOutput: Duration? { since(firstOutput) }
    /// Time to the response head.
    public var timeToHeaders: Duration? { since(headersReceived) }
    /// End-to-end latency to the last token.
    public var endToEndLatency: Duration? { since(lastToken) }
    /// Send to stream end.
    public var totalDuration: Duration? { since(ended) }

    /// Time per output token after the first, in ns; nil with fewer than 2 tokens.
    public var tpot: Double? {
        // Needs two tokens and two distinct arrival times (a non-streamed answer has no decode timing).
        guard let outputTokens, outputTokens >= 2, let e2el = endToEndLatency, let ttft = timeToFirstToken, e2el > ttft else { return nil }
        return Double(e2el.nanoseconds - ttft.nanoseconds) / Double(outputTokens - 1)
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

    mutating func recordChunk(at t: MonotonicInstant, hasContent: Bool, hasOutput: Bool) {
        chunksCount += 1
        if firstChunk == nil { firstChunk = t }
        guard hasContent else { return }
        contentChunksCount += 1
        if firstToken == nil { firstToken = t }
        if hasOutput, firstOutput == nil { firstOutput = t }
        if let last = lastToken, t >= last, interChunkGaps.count < Self.maximumRecordedGaps {
            interChunkGaps.append(last.duration(to: t))
        }
        lastToken = t
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
        func ms(_ duration: Duration?) -> String { duration.map { Self.formatMilliseconds($0.milliseconds) } ?? "–" }
        var parts = ["TTFT \(ms(timeToFirstToken))", "E2E \(ms(endToEndLatency ?? totalDuration))"]
        if let outputTokens { parts.append(NumberText.count(outputTokens, "token") + " (\(tokenSource?.rawValue ?? "?"))") }
        if let tpot { parts.append("TPOT \(Self.formatMilliseconds(tpot / 1e6))") }
        if let tps = decodeTokensPerSecond { parts.append(String(format: "%.1f tok/s", tps)) }
        parts.append(NumberText.count(chunksCount, "chunk"))
        if let headers = timeToHeaders { parts.append("headers \(ms(headers))") }
        return parts.joined(separator: " · ")
    }

    static func formatMilliseconds(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.1f ms", value)
    }
}
