import Foundation
import HTTPWire

/// Finds the fixture exchange for a request and replays it with its recorded timing.
///
/// When several exchanges of the loaded fixtures match the same request, the first matching
/// one is used the first time, the next one the second time, and so on; the last one repeats.
final class FixtureReplayer: Sendable {
    private let exchanges: [(fixture: String, exchange: FixtureExchange)]
    /// How often each first-matching exchange index was hit.
    private let hits = LockedValue<[Int: Int]>([:])
    let speed: Double

    init(fixtures: [Fixture], speed: Double) {
        exchanges = fixtures.flatMap { f in f.exchanges.map { (f.file, $0) } }
        self.speed = speed
    }

    var isEmpty: Bool { exchanges.isEmpty }

    /// The exchange to replay for `request`, with a display name, or nil.
    func match(_ request: MockRequest) -> (name: String, exchange: FixtureExchange)? {
        let candidates = exchanges.indices.filter { exchanges[$0].exchange.request.matches(request) }
        guard let first = candidates.first else { return nil }
        let index: Int = hits.withLock { hits in
            let n = hits[first, default: 0]
            hits[first] = n + 1
            return candidates[min(n, candidates.count - 1)]
        }
        let e = exchanges[index]
        let name = e.exchange.name ?? "\(e.fixture)#\(index)"
        return (name, e.exchange)
    }

    func resetCounters() { hits.withLock { $0.removeAll() } }

    /// Sends the recorded response through `writer`.
    func replay(_ exchange: FixtureExchange, writer: any HTTPResponseWriter) throws {
        let r = exchange.response
        var headers = r.headers
        headers.remove(name: "Transfer-Encoding")
        let status = HTTPStatus(code: r.status, reasonPhrase: r.reason)
        if !headers.contains("Content-Length"), r.chunks.isEmpty, status.mayHaveBody {
            headers["Content-Length"] = "0"
        }
        try writer.writeHead(HTTPResponseHead(version: .http1_1, status: status, headers: headers))
        // Chunk deadlines are `anchor + offset`; the anchor moves when a write blocked for long (a
        // stall, a client that does not read), so the rest keeps its recorded spacing.
        var anchor = MonotonicInstant.now()
        var previousOffset: Duration = .zero
        if writer.requestHead.method != .head {
            for chunk in r.chunks {
                if speed > 0, chunk.offsetMilliseconds > 0 {
                    // Checked: offsets and speed come from files and flags.
                    let scaled = CheckedNumber.duration(
                        seconds: chunk.offsetMilliseconds / speed / 1000, maximum: DurationText.defaultMaximum)
                    let offset = max(.zero, scaled ?? DurationText.defaultMaximum)
                    let gap = max(.zero, offset - previousOffset)
                    previousOffset = offset
                    let now = MonotonicInstant.now()
                    if now > anchor + offset + Pacer.catchUpLimit { anchor = now + gap - offset }
                    let due = anchor + offset
                    if due > now { try writer.pause(for: due - now) }
                }
                try writer.writeBody(chunk.bytes)
            }
        }
        try writer.finish()
    }
}
