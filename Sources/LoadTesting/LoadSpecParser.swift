import HTTPWire
import Reporting

/// Parses the compound flag values of `llmcheck load`; every error names the flag and the bad item.
public enum LoadSpecParser {
    /// `--goodput ttft=500,tpot=50,e2e=5s`: limits in ms (a bare number) or with a unit (`250ms`, `1.5s`).
    /// Keys: `ttft`, `tpot`, `e2e` (also `e2el`); at least one.
    public static func objectives(_ text: String) throws(LoadInputError) -> ServiceLevelObjectives {
        var slo = ServiceLevelObjectives()
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw LoadInputError(.badObjective, "--goodput: '\(item)' is not KEY=LIMIT (e.g. ttft=500,tpot=50,e2e=5000; limits in ms)")
            }
            guard let ms = milliseconds(parts[1]), ms > 0 else {
                throw LoadInputError(.badObjective, "--goodput: '\(item)': the limit must be a positive number of ms or a duration such as 250ms or 1.5s")
            }
            switch parts[0].lowercased() {
            case "ttft": slo.ttftMs = ms
            case "tpot": slo.tpotMs = ms
            case "e2e", "e2el": slo.e2elMs = ms
            default:
                throw LoadInputError(.badObjective, "--goodput: unknown objective '\(parts[0])' in '\(item)'; use ttft, tpot or e2e")
            }
        }
        return slo
    }

    /// A limit in ms: a bare number is ms, otherwise a duration text.
    static func milliseconds(_ text: String) -> Double? {
        let t = text.trimmingSpaces()
        if let value = Double(t) { return value.isFinite ? value : nil }
        return DurationText.parseSeconds(t).map { $0 * 1000 }
    }

    /// A `--sweep`: which dimension and its levels.
    public enum Sweep: Sendable, Hashable {
        case concurrency([Int])
        case rate([Double])
    }

    /// `--sweep concurrency=1,4,16,64` or `--sweep rate=1,2.5,10`.
    public static func sweep(_ text: String) throws(LoadInputError) -> Sweep {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
        guard parts.count == 2, !parts[1].isEmpty else {
            throw LoadInputError(.badMode, "--sweep expects concurrency=1,4,16 or rate=1,2,5, got '\(text)'")
        }
        let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        guard values.count <= 64 else { throw LoadInputError(.badMode, "--sweep: at most 64 levels, got \(values.count)") }
        switch parts[0].lowercased() {
        case "concurrency":
            var levels: [Int] = []
            for value in values {
                guard let n = Int(value), (1...10_000).contains(n) else {
                    throw LoadInputError(.badMode, "--sweep: concurrency level '\(value)' must be a whole number from 1 to 10000 (each request in flight holds a connection and a thread)")
                }
                levels.append(n)
            }
            return .concurrency(levels)
        case "rate":
            var levels: [Double] = []
            for value in values {
                guard let r = Double(value), r.isFinite, r > 0, r <= 1_000_000 else {
                    throw LoadInputError(.badMode, "--sweep: rate level '\(value)' must be a number of requests/s above 0 and at most 1000000")
                }
                levels.append(r)
            }
            return .rate(levels)
        default:
            throw LoadInputError(.badMode, "--sweep: unknown dimension '\(parts[0])'; use concurrency=… or rate=…")
        }
    }

    /// `--shard i/n` with 1 ≤ i ≤ n ≤ 1024.
    public static func shard(_ text: String) throws(LoadInputError) -> ShardInfo {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingSpaces()), let n = Int(parts[1].trimmingSpaces()) else {
            throw LoadInputError(.badShard, "--shard expects i/n such as 1/4, got '\(text)'")
        }
        guard n >= 1, n <= 1024, i >= 1, i <= n else {
            throw LoadInputError(.badShard, "--shard \(text): need 1 ≤ i ≤ n ≤ 1024")
        }
        return ShardInfo(index: i, total: n)
    }

    /// `--max-error-rate 0.05` or `5%` → a fraction in 0…1.
    public static func errorRate(_ text: String) throws(LoadInputError) -> Double {
        let t = text.trimmingSpaces()
        let value = t.hasSuffix("%") ? Double(t.dropLast()).map { $0 / 100 } : Double(t)
        guard let value, value.isFinite, value >= 0, value <= 1 else {
            throw LoadInputError(.badMode, "--max-error-rate expects a fraction from 0 to 1 (or a percentage such as 5%), got '\(text)'")
        }
        return value
    }
}
