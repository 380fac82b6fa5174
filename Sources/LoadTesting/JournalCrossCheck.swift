import HTTPWire
import Reporting

/// Reads an llmcheck mock's journal around a load level and builds the ``ServerSplit``.
///
/// ```swift
/// let check = await JournalCrossCheck.begin(host: "127.0.0.1", port: 8080)   // nil: not an llmcheck mock
/// let result = await runner.run()
/// summary.serverSplit = await check?.split(client: result.samples)
/// ```
public struct JournalCrossCheck: Sendable {
    public let host: String
    public let port: UInt16
    /// Journal entries with an id above this one belong to the level.
    public let afterID: Int

    private static let options = HTTPClientOptions(
        timeouts: HTTPClientTimeouts(connect: .seconds(2), headers: .seconds(10), idle: .seconds(10), total: .seconds(30)),
        maximumBodyBytes: 256 << 20)

    /// Nil when the target does not answer `GET /__llmcheck/journal` like an llmcheck mock.
    public static func begin(host: String, port: UInt16) async -> JournalCrossCheck? {
        guard let entries = await fetch(host: host, port: port, after: 0) else { return nil }
        let last = entries.compactMap { $0["id"]?.intValue }.max() ?? 0
        return JournalCrossCheck(host: host, port: port, afterID: last)
    }

    static func fetch(host: String, port: UInt16, after: Int) async -> [JSONValue]? {
        let request = HTTPClientRequest(method: .get, host: host, port: port, target: "/__llmcheck/journal?after=\(after)")
        guard let response = try? await RawHTTPClient(options: options).send(request), response.status.code == 200,
              let json = try? JSONValue.parse(response.body), let entries = json["entries"]?.arrayValue
        else { return nil }
        return entries
    }

    /// The split between the journal's view of this level and the client's samples.
    public func split(client samples: [LoadSample]) async -> ServerSplit? {
        guard let entries = await Self.fetch(host: host, port: port, after: afterID) else { return nil }
        return Self.split(entries: entries, client: samples)
    }

    /// Pure part of ``split(client:)``: journal entries (JSON) → server figures.
    static func split(entries: [JSONValue], client samples: [LoadSample]) -> ServerSplit {
        var ttfts: [Double] = []
        var gaps: [Double] = []
        var durations: [Double] = []
        var used = 0
        // Warmup requests come first in the journal: keep only as many entries as the level sent.
        let ordered = entries.sorted { ($0["id"]?.intValue ?? 0) < ($1["id"]?.intValue ?? 0) }.suffix(samples.count)
        for entry in ordered {
            guard entry["status"]?.intValue == 200, entry["outcome"]?.stringValue == "completed",
                  let path = entry["path"]?.stringValue, path.hasSuffix("/chat/completions") || path.hasSuffix("/api/chat")
            else { continue }
            used += 1
            if let duration = entry["duration_ms"]?.doubleValue { durations.append(duration) }
            guard entry["stream"]?.boolValue == true else { continue }
            let offsets = (entry["body_write_offsets_ns"]?.arrayValue ?? []).compactMap(\.doubleValue)
            let writes = entry["body_writes"]?.intValue ?? offsets.count
            let isNDJSON = path.hasSuffix("/api/chat")
            // OpenAI-compatible streams: [role chunk (openai flavour only)] content… finish [usage] [DONE].
            let first = !isNDJSON && entry["provider"]?.stringValue == "openai" ? 1 : 0
            let tail = isNDJSON ? 1 : 3
            let end = min(offsets.count, writes - tail)
            guard end > first else { continue }
            ttfts.append(offsets[first] / 1e6)
            if end - first >= 2 {
                for i in (first + 1)..<end { gaps.append((offsets[i] - offsets[i - 1]) / 1e6) }
            }
        }
        let completed = samples.filter(\.isCompleted)
        return ServerSplit(
            entries: used, serverTTFTMs: Statistics(samples: ttfts),
            clientTTFTMs: Statistics(samples: completed.compactMap(\.trace.effectiveTTFTMs)),
            serverGapMs: Statistics(samples: gaps), clientITLMs: Statistics(samples: completed.flatMap(\.trace.chunkGapsMs)),
            serverDurationMs: Statistics(samples: durations))
    }
}
