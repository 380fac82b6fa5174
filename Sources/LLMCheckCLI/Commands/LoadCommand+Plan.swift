import Foundation
import HTTPWire
import LoadTesting
import Reporting

/// What `llmcheck load`'s command line asks for, checked before anything is sent.
struct LoadPlan {
    var modes: [LoadMode]
    var isSweep: Bool
    var base: LoadConfiguration
    var model: String?
    var outDirectory: String?
    var baselinePath: String?
    var thresholds: BaselineThresholds
    var json: Bool
    var quiet: Bool

    /// - Throws: ``UsageError`` naming the flag or item at fault.
    static func parse(_ arguments: ParsedArguments, context: CommandContext) throws -> LoadPlan {
        func check<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as LoadInputError { throw UsageError(error.message) }
        }
        let concurrency = try arguments.int("--concurrency", in: 1...10_000)
        var rate: Double?
        if let text = arguments.string("--rate") {
            guard let value = Double(text), value.isFinite, value > 0, value <= 1_000_000 else {
                throw UsageError("--rate expects requests per second above 0 and at most 1000000, got '\(text)'")
            }
            rate = value
        }
        let sweep = try arguments.string("--sweep").map { text in try check { try LoadSpecParser.sweep(text) } }
        if concurrency != nil && rate != nil {
            throw UsageError("--concurrency (closed loop) and --rate (open loop) are different load modes; give one of them")
        }
        if let sweep {
            switch sweep {
            case .concurrency where concurrency != nil: throw UsageError("--sweep concurrency=… already sets the concurrency; drop --concurrency")
            case .rate where rate != nil: throw UsageError("--sweep rate=… already sets the rate; drop --rate")
            case .concurrency where rate != nil: throw UsageError("--sweep concurrency=… is a closed-loop sweep; it cannot be combined with --rate")
            case .rate where concurrency != nil: throw UsageError("--sweep rate=… is an open-loop sweep; it cannot be combined with --concurrency")
            default: break
            }
        }
        let isOpen = rate != nil || { if case .rate = sweep { true } else { false } }()
        let arrivalName = try arguments.choice("--arrival", from: ["poisson", "gamma", "constant"])
        var burstiness: Double?
        if let text = arguments.string("--burstiness") {
            guard let value = Double(text), value.isFinite, value > 0, value <= 1000 else {
                throw UsageError("--burstiness expects a number above 0 (1 = Poisson, < 1 burstier, > 1 more regular), got '\(text)'")
            }
            burstiness = value
        }
        if !isOpen && (arrivalName != nil || burstiness != nil) {
            throw UsageError("--arrival and --burstiness shape the open loop; give --rate R or --sweep rate=…")
        }
        if burstiness != nil, let arrivalName, arrivalName != "gamma" {
            throw UsageError("--burstiness applies to --arrival gamma, not \(arrivalName)")
        }
        let arrival: ArrivalProcess = switch arrivalName ?? (burstiness != nil ? "gamma" : "poisson") {
        case "constant": .constant
        case "gamma": .gamma(burstiness: burstiness ?? 1)
        default: .poisson
        }
        var modes: [LoadMode]
        switch sweep {
        case .concurrency(let levels)?: modes = levels.map { LoadMode.closedLoop(concurrency: $0) }
        case .rate(let levels)?: modes = levels.map { LoadMode.openLoop(rate: $0, arrival: arrival) }
        case nil:
            if let rate { modes = [.openLoop(rate: rate, arrival: arrival)] } else { modes = [.closedLoop(concurrency: concurrency ?? 1)] }
        }

        var base = LoadConfiguration()
        base.requestCount = try arguments.int("--requests", in: 1...10_000_000)
        if let duration = try arguments.seconds("--duration") {
            guard duration > 0 else { throw UsageError("--duration must be greater than 0") }
            base.duration = duration
        }
        if base.requestCount == nil && base.duration == nil { base.requestCount = 100 }
        base.warmup = try arguments.int("--warmup", in: 0...1_000_000) ?? 0
        if let seed = try arguments.uint64("--seed") { base.seed = seed }
        base.maxTokens = try arguments.int("--max-tokens", in: 1...1_000_000)
        base.isStreaming = !arguments.flag("--no-stream")
        let words = try arguments.int("--prompt-words", in: 1...100_000)
        if let path = arguments.string("--prompts") {
            if words != nil { throw UsageError("--prompts FILE and --prompt-words N both choose the prompts; give one") }
            base.prompts = try check { try PromptSet.load(path: context.resolve(path: path)) }
        } else {
            base.prompts = .synthetic(words: words ?? 32, seed: base.seed)
        }
        base.objectives = try arguments.string("--goodput").map { text in try check { try LoadSpecParser.objectives(text) } }
        base.maximumErrorRate = try arguments.string("--max-error-rate").map { text in try check { try LoadSpecParser.errorRate(text) } }
        base.shard = try arguments.string("--shard").map { text in try check { try LoadSpecParser.shard(text) } }
        if let shard = base.shard, shard.total > 1 {
            for mode in modes {
                if case .closedLoop(let c) = mode, c < shard.total {
                    throw UsageError("--shard \(shard): concurrency \(c) cannot be split over \(shard.total) shards (each needs at least 1)")
                }
            }
        }

        var thresholds = BaselineThresholds.default
        if let text = arguments.string("--regression-percent") {
            guard let v = Double(text), v.isFinite, v >= 0 else { throw UsageError("--regression-percent expects a number ≥ 0, got '\(text)'") }
            thresholds.relativePercent = v
        }
        if let text = arguments.string("--regression-ms") {
            guard let v = Double(text), v.isFinite, v >= 0 else { throw UsageError("--regression-ms expects a number ≥ 0, got '\(text)'") }
            thresholds.absoluteMs = v
        }
        let baselinePath = arguments.string("--baseline").map { context.resolve(path: $0) }
        if let baselinePath, !FileManager.default.fileExists(atPath: baselinePath) {
            throw UsageError("--baseline: no such file or directory '\(baselinePath)'")
        }
        return LoadPlan(
            modes: modes, isSweep: sweep != nil, base: base, model: arguments.string("--model"),
            outDirectory: arguments.string("--out").map { context.resolve(path: $0) }, baselinePath: baselinePath,
            thresholds: thresholds, json: arguments.flag("--json"), quiet: arguments.flag("--quiet"))
    }
}
