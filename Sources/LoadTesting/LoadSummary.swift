import Foundation
import HTTPWire
import Reporting

/// The statistics of one load level, recomputed from its samples (so shards merge exactly).
/// Definitions: docs/load.md. Latency statistics cover completed requests only.
public struct LoadSummary: Sendable, Hashable, Codable {
    /// Requests by outcome. `cancelled` ones were in flight when the run was interrupted.
    public struct Requests: Sendable, Hashable, Codable {
        public var total: Int
        public var completed: Int
        public var failed: Int
        public var cancelled: Int
        public var warmup: Int
    }

    /// Run-level rates over ``LoadSummary/durationSeconds``.
    public struct Throughput: Sendable, Hashable, Codable {
        /// Completed requests per second.
        public var requestsPerSecond: Double
        /// Output tokens of completed requests per second.
        public var outputTokensPerSecond: Double
        enum CodingKeys: String, CodingKey {
            case requestsPerSecond = "requests_per_s"
            case outputTokensPerSecond = "output_tokens_per_s"
        }
    }

    /// Completed requests meeting every objective.
    public struct Goodput: Sendable, Hashable, Codable {
        public var objectives: ServiceLevelObjectives
        public var goodRequests: Int
        /// Share of finished (completed + failed) requests, 0…100.
        public var percent: Double
        public var requestsPerSecond: Double
        enum CodingKeys: String, CodingKey {
            case objectives = "slo"
            case goodRequests = "good_requests"
            case percent
            case requestsPerSecond = "requests_per_s"
        }
    }

    /// The generator's honesty figures.
    public struct Generator: Sendable, Hashable, Codable {
        /// Open loop: requests/s offered by this run (sum over shards after a merge).
        public var offeredRate: Double?
        /// Requests/s actually sent: (sent − 1) / (last send − first send).
        public var achievedSendRate: Double?
        /// Closed loop: concurrency (sum over shards after a merge).
        public var concurrency: Int?
        /// Open loop: how late requests were sent relative to the schedule, ms.
        public var scheduleLagMs: Statistics?
        /// Wall seconds of the measured phase (longest shard after a merge).
        public var wallSeconds: Double
        /// CPU seconds the generator used (user + system, sum over shards).
        public var cpuSeconds: Double?
        /// CPU seconds per wall second (1.0 = one core busy).
        public var cpuCores: Double?
        /// Cores of the machine that ran the generator.
        public var machineCores: Int
        /// Whether the generator, not the server, probably limited the run.
        public var isBottleneck: Bool
        enum CodingKeys: String, CodingKey {
            case offeredRate = "offered_rate"
            case achievedSendRate = "achieved_send_rate"
            case concurrency
            case scheduleLagMs = "schedule_lag_ms"
            case wallSeconds = "wall_s"
            case cpuSeconds = "cpu_s"
            case cpuCores = "cpu_cores"
            case machineCores = "machine_cores"
            case isBottleneck = "is_bottleneck"
        }
    }

    public var mode: LoadMode
    /// Concurrency or rate, for sweep charts.
    public var level: Double
    public var requests: Requests
    /// Error class → count (``LoadErrorClass``; HTTP errors as `http_<status>`). Cancelled requests excluded.
    public var errors: [String: Int]
    /// Error class → the message of its first occurrence (secrets masked by the client).
    public var errorExamples: [String: String]
    /// Failed / (completed + failed).
    public var errorRate: Double
    /// First send → last end of the measured requests, seconds.
    public var durationSeconds: Double
    public var throughput: Throughput
    /// `ttfb_ms`, `ttft_ms`, `itl_ms`, `tpot_ms`, `e2e_ms`, `output_tokens_per_s_per_request`, `output_tokens`.
    public var metrics: [String: Statistics]
    /// Token source → completed requests that used it (`server_usage`, `chunks`).
    public var tokenSources: [String: Int]
    public var goodput: Goodput?
    public var generator: Generator
    /// `requests`, `duration`, `max_error_rate`, `interrupted`.
    public var stopReason: String
    public var startedAt: Date
    public var finishedAt: Date
    public var warnings: [String]
    /// When the target was an llmcheck mock: server-side vs client-side figures (filled by the caller).
    public var serverSplit: ServerSplit?

    enum CodingKeys: String, CodingKey {
        case mode, level, requests, errors
        case errorExamples = "error_examples"
        case errorRate = "error_rate"
        case durationSeconds = "duration_s"
        case throughput, metrics
        case tokenSources = "token_sources"
        case goodput, generator
        case stopReason = "stop_reason"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case warnings
        case serverSplit = "server_split"
    }

    /// Names of the latency metrics every summary carries, in report order.
    public static let metricNames = ["ttfb_ms", "ttft_ms", "itl_ms", "tpot_ms", "e2e_ms", "output_tokens_per_s_per_request", "output_tokens"]

    // MARK: - Computing

    /// Statistics of `result`'s samples.
    public init(result: LoadLevelResult, objectives: ServiceLevelObjectives?) {
        self.init(
            mode: result.mode, samples: result.samples, warmup: result.warmupCount, objectives: objectives,
            offeredRate: result.offeredRate, concurrency: result.concurrency, wallSeconds: result.wallSeconds,
            cpuSeconds: result.generatorCPUSeconds, machineCores: ProcessInfo.processInfo.activeProcessorCount,
            stopReason: result.stopReason, startedAt: result.startedAt, finishedAt: result.finishedAt)
    }

    /// Statistics of `samples` with the generator figures given (a merge passes the shards' sums).
    public init(
        mode: LoadMode, samples: [LoadSample], warmup: Int, objectives: ServiceLevelObjectives?, offeredRate: Double?,
        concurrency: Int?, wallSeconds: Double, cpuSeconds: Double?, machineCores: Int, stopReason: String, startedAt: Date,
        finishedAt: Date
    ) {
        self.mode = mode
        level = mode.level
        self.stopReason = stopReason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        serverSplit = nil
        let completed = samples.filter(\.isCompleted)
        let failed = samples.filter(\.isFailed)
        requests = Requests(
            total: samples.count, completed: completed.count, failed: failed.count,
            cancelled: samples.count - completed.count - failed.count, warmup: warmup)
        var errors: [String: Int] = [:]
        var examples: [String: String] = [:]
        for sample in failed {
            let key = sample.errorClass ?? "unknown"
            errors[key, default: 0] += 1
            if examples[key] == nil { examples[key] = sample.trace.error?.message ?? "HTTP \(sample.trace.status ?? 0)" }
        }
        self.errors = errors
        errorExamples = examples
        let finished = completed.count + failed.count
        errorRate = finished > 0 ? Double(failed.count) / Double(finished) : 0

        let firstSend = samples.map(\.trace.tSendNs).min()
        let lastEnd = samples.compactMap { $0.trace.tEndNs ?? $0.trace.tLastTokenNs }.max()
        if let firstSend, let lastEnd, lastEnd > firstSend {
            durationSeconds = Double(lastEnd - firstSend) / 1e9
        } else {
            durationSeconds = 0
        }
        let tokens = completed.compactMap(\.trace.outputTokens).reduce(0, +)
        throughput = Throughput(
            requestsPerSecond: durationSeconds > 0 ? Double(completed.count) / durationSeconds : 0,
            outputTokensPerSecond: durationSeconds > 0 ? Double(tokens) / durationSeconds : 0)

        var metrics: [String: Statistics] = [:]
        metrics["ttfb_ms"] = Statistics(samples: completed.compactMap(\.ttfbMs))
        metrics["ttft_ms"] = Statistics(samples: completed.compactMap(\.trace.effectiveTTFTMs))
        metrics["itl_ms"] = Statistics(samples: completed.flatMap(\.trace.chunkGapsMs))
        metrics["tpot_ms"] = Statistics(samples: completed.compactMap(\.trace.effectiveTPOTMs))
        metrics["e2e_ms"] = Statistics(samples: completed.compactMap(\.trace.effectiveE2ELMs))
        metrics["output_tokens_per_s_per_request"] = Statistics(samples: completed.compactMap(\.outputTokensPerSecond))
        metrics["output_tokens"] = Statistics(samples: completed.compactMap { $0.trace.outputTokens.map(Double.init) })
        self.metrics = metrics

        var sources: [String: Int] = [:]
        for sample in completed where sample.trace.outputTokens != nil {
            sources[sample.trace.tokenSource?.rawValue ?? "unknown", default: 0] += 1
        }
        tokenSources = sources

        if let objectives {
            let good = completed.filter { Self.meets(objectives, $0) }.count
            goodput = Goodput(
                objectives: objectives, goodRequests: good, percent: finished > 0 ? Double(good) * 100 / Double(finished) : 0,
                requestsPerSecond: durationSeconds > 0 ? Double(good) / durationSeconds : 0)
        } else {
            goodput = nil
        }

        let sends = samples.map(\.trace.tSendNs).sorted()
        var achieved: Double?
        if sends.count >= 2, let first = sends.first, let last = sends.last, last > first {
            achieved = Double(sends.count - 1) / (Double(last - first) / 1e9)
        }
        let lag = Statistics(samples: samples.compactMap(\.scheduleLagMs))
        let cores = cpuSeconds.map { wallSeconds > 0 ? $0 / wallSeconds : 0 }
        var warnings: [String] = []
        var bottleneck = false
        if let lag, lag.p50 > 1 || lag.p99 > 10 {
            bottleneck = true
            warnings.append("the generator sent requests late (schedule lag p50 \(LoadFormat.ms(lag.p50)) ms, p99 \(LoadFormat.ms(lag.p99)) ms): the generator, not the server, may be the bottleneck")
        }
        if let offeredRate, let achieved, samples.count >= 20, achieved < offeredRate * 0.9, lag.map({ $0.p50 > 1 }) ?? false {
            bottleneck = true
            warnings.append("achieved send rate \(LoadFormat.number(achieved))/s is below the offered \(LoadFormat.number(offeredRate))/s")
        }
        if let cores, Double(machineCores) > 0, cores >= 0.9 * Double(machineCores) {
            bottleneck = true
            warnings.append("the generator used \(LoadFormat.number(cores)) of \(machineCores) cores: it is the bottleneck; run it on another machine or shard the load (--shard)")
        } else if let cores, cores >= 0.5 * Double(machineCores) {
            warnings.append("the generator used \(LoadFormat.number(cores)) of \(machineCores) cores; if the server runs on this machine too, they compete for CPU")
        }
        generator = Generator(
            offeredRate: offeredRate, achievedSendRate: achieved, concurrency: concurrency, scheduleLagMs: lag, wallSeconds: wallSeconds,
            cpuSeconds: cpuSeconds, cpuCores: cores, machineCores: machineCores, isBottleneck: bottleneck)

        let chunkCounted = sources[RequestTrace.TokenSource.chunks.rawValue] ?? 0
        if chunkCounted > 0 {
            warnings.append("\(NumberText.count(chunkCounted, "request")) counted output tokens from content chunks (the server reported no usage): approximate")
        }
        for name in ["ttft_ms", "e2e_ms"] {
            if let stats = metrics[name], stats.isP99Unreliable {
                warnings.append("p99 of \(name) rests on \(stats.count) samples (< \(Statistics.minimumSamplesForP99)); treat it as a maximum")
            }
        }
        if stopReason == "max_error_rate" { warnings.append("stopped early: the error rate exceeded --max-error-rate") }
        if stopReason == "interrupted" { warnings.append("interrupted: the figures cover the requests measured until then") }
        self.warnings = warnings
    }

    /// Whether a completed sample meets every set objective.
    static func meets(_ slo: ServiceLevelObjectives, _ sample: LoadSample) -> Bool {
        if let limit = slo.ttftMs, (sample.trace.effectiveTTFTMs ?? .infinity) > limit { return false }
        if let limit = slo.tpotMs, let tpot = sample.trace.effectiveTPOTMs, tpot > limit { return false }
        if let limit = slo.e2elMs, (sample.trace.effectiveE2ELMs ?? .infinity) > limit { return false }
        return true
    }

    /// Which token source the level used: `server_usage`, `chunks`, `mixed` or `none`.
    public var tokenSource: String {
        switch tokenSources.keys.count {
        case 0: "none"
        case 1: tokenSources.keys.first ?? "none"
        default: "mixed"
        }
    }
}
