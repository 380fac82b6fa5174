import Foundation
import HTTPWire

// MARK: - RunSummary

/// The content of `summary.json`: counts, per-metric statistics, error and finding frequencies, goodput and
/// the per-scenario outcome list. Derived from a ``RunReport``; ``BaselineComparison`` reads it back.
public struct RunSummary: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var runID: String
    public var toolVersion: String
    public var startedAt: Date
    public var finishedAt: Date
    public var durationSeconds: Double
    public var seed: UInt64?
    public var shard: ShardInfo?
    /// Environment with base URLs redacted.
    public var environment: RunEnvironment
    public var counts: OutcomeCounts
    public var requests: RequestCounts
    public var throughput: Throughput
    /// One entry per ``MetricCatalog`` metric, in catalog order.
    public var metrics: [MetricSummary]
    /// Request error code → count (llmperf-style error breakdown), expected and unexpected together.
    public var errorCodes: [String: Int]
    /// The part of ``errorCodes`` from scenarios that did not pass (nil in older summaries).
    public var unexpectedErrorCodes: [String: Int]?
    /// Finding id → number of scenarios that reported it.
    public var findings: [String: Int]
    /// `token_source` → number of requests (so approximate token counts are visible).
    public var tokenSources: [String: Int]
    public var goodput: Goodput?
    public var scenarios: [ScenarioSummary]
    /// Caveats such as "p99 of ttft_ms rests on 12 samples".
    public var warnings: [String]
    public var mergedFrom: [MergedSource]

    /// Requests by status group (GuideLLM-style).
    public struct RequestCounts: Sendable, Hashable, Codable {
        /// Every non-warmup request.
        public var total: Int
        /// 2xx and no error.
        public var completed: Int
        /// An error or a non-2xx status.
        public var failed: Int
        /// Failed requests in scenarios that did not pass: the errors nobody asked for. The rest of ``failed``
        /// are expected: faults the scenario injected and the client handled (see
        /// ``ScenarioResult/errorsAreExpected``). Nil in summaries written before this field existed.
        public var unexpectedFailed: Int?
        /// Failed requests that were expected (injected and handled); nil when ``unexpectedFailed`` is.
        public var expectedFailed: Int? { unexpectedFailed.map { failed - $0 } }
        /// Requests that needed more than one attempt.
        public var retried: Int
        /// Warmup requests (excluded from everything else).
        public var warmup: Int

        enum CodingKeys: String, CodingKey {
            case total, completed, failed
            case unexpectedFailed = "unexpected_failed"
            case retried, warmup
        }
    }

    /// Run-level throughput over ``RunSummary/durationSeconds``.
    public struct Throughput: Sendable, Hashable, Codable {
        /// Completed requests per second.
        public var requestsPerSecond: Double
        /// Output tokens of completed requests per second.
        public var outputTokensPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case requestsPerSecond = "requests_per_second"
            case outputTokensPerSecond = "output_tokens_per_second"
        }
    }

    /// Requests that completed and met every objective.
    public struct Goodput: Sendable, Hashable, Codable {
        public var objectives: ServiceLevelObjectives
        public var goodRequests: Int
        /// Share of non-warmup requests, 0…100.
        public var percent: Double
        public var requestsPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case objectives = "slo"
            case goodRequests = "good_requests"
            case percent
            case requestsPerSecond = "requests_per_second"
        }
    }

    /// One scenario's outcome in a line.
    public struct ScenarioSummary: Sendable, Hashable, Codable {
        public var id: String
        public var title: String
        public var provider: String
        public var capability: String
        public var status: ScenarioOutcome.Status
        public var kind: String?
        public var message: String?
        public var durationSeconds: Double
        /// Finding ids.
        public var findings: [String]

        enum CodingKeys: String, CodingKey {
            case id, title, provider, capability, status, kind, message
            case durationSeconds = "duration_seconds"
            case findings
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case runID = "run_id"
        case toolVersion = "tool_version"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case seed, shard, environment, counts, requests, throughput, metrics
        case errorCodes = "error_codes"
        case unexpectedErrorCodes = "unexpected_error_codes"
        case findings
        case tokenSources = "token_sources"
        case goodput, scenarios, warnings
        case mergedFrom = "merged_from"
    }

    // MARK: - Building

    /// Summarises `report`: statistics recomputed from the raw request samples.
    public init(report: RunReport) {
        schemaVersion = report.schemaVersion
        runID = report.runID
        toolVersion = report.toolVersion
        startedAt = report.startedAt
        finishedAt = report.finishedAt
        durationSeconds = report.durationSeconds
        seed = report.seed
        shard = report.shard
        var environment = report.environment
        environment.baseURLs = environment.baseURLs.mapValues(TextSanitizer.redactURL)
        environment.properties = environment.properties.mapValues { TextSanitizer.clean($0) }
        self.environment = environment
        counts = report.counts
        mergedFrom = report.mergedFrom

        let results = report.results.sorted { $0.id < $1.id }
        let all = results.flatMap(\.requests)
        let measured = all.filter { !$0.isWarmup }
        let completed = measured.filter(\.isCompleted)
        let unexpected = results.filter { !$0.errorsAreExpected }.flatMap(\.requests).filter { !$0.isWarmup }
        requests = RequestCounts(
            total: measured.count,
            completed: completed.count,
            failed: measured.count - completed.count,
            unexpectedFailed: unexpected.filter { !$0.isCompleted }.count,
            retried: measured.filter { $0.attempts.count > 1 || $0.attempt > 1 }.count,
            warmup: all.count - measured.count
        )
        let duration = report.durationSeconds > 0 ? report.durationSeconds : 0
        let tokens = completed.compactMap(\.outputTokens).reduce(0, +)
        throughput = Throughput(
            requestsPerSecond: duration > 0 ? Double(completed.count) / duration : 0,
            outputTokensPerSecond: duration > 0 ? Double(tokens) / duration : 0
        )
        metrics = MetricCatalog.summaries(for: measured)

        self.errorCodes = Self.errorCodes(of: measured)
        unexpectedErrorCodes = Self.errorCodes(of: unexpected)
        var findings: [String: Int] = [:]
        for result in results {
            for id in Set(result.findings.map(\.id)) { findings[id, default: 0] += 1 }
        }
        self.findings = findings
        var sources: [String: Int] = [:]
        for request in measured where request.outputTokens != nil {
            sources[request.tokenSource?.rawValue ?? "unknown", default: 0] += 1
        }
        tokenSources = sources

        if let slo = report.serviceLevelObjectives {
            let good = completed.filter { request in
                if let limit = slo.ttftMs, (request.effectiveTTFTMs ?? .infinity) > limit { return false }
                if let limit = slo.tpotMs, let tpot = request.effectiveTPOTMs, tpot > limit { return false }
                if let limit = slo.e2elMs, (request.effectiveE2ELMs ?? .infinity) > limit { return false }
                return true
            }.count
            goodput = Goodput(
                objectives: slo,
                goodRequests: good,
                percent: measured.isEmpty ? 0 : Double(good) * 100 / Double(measured.count),
                requestsPerSecond: duration > 0 ? Double(good) / duration : 0
            )
        } else {
            goodput = nil
        }

        scenarios = results.map { result in
            ScenarioSummary(
                id: result.id,
                title: TextSanitizer.clean(result.title, maxBytes: 500),
                provider: result.provider,
                capability: result.capability,
                status: result.outcome.status,
                kind: result.outcome.kind,
                message: result.outcome.message.map { TextSanitizer.clean($0, maxBytes: 2000) },
                durationSeconds: result.durationSeconds,
                findings: result.findings.map(\.id)
            )
        }

        var warnings: [String] = []
        for metric in metrics {
            guard let stats = metric.statistics, metric.unit == "ms", stats.isP99Unreliable else { continue }
            warnings.append("p99 of \(metric.name) rests on \(stats.count) samples (< \(Statistics.minimumSamplesForP99)); treat it as a maximum")
        }
        let chunkCounted = sources[RequestTrace.TokenSource.chunks.rawValue] ?? 0
        if chunkCounted > 0 {
            warnings.append("\(NumberText.count(chunkCounted, "request")) counted output tokens from chunks (approximate: a chunk may carry several tokens)")
        }
        self.warnings = warnings
    }

    /// Error code (or `http_<status>`) → count over `requests`.
    static func errorCodes(of requests: [RequestTrace]) -> [String: Int] {
        var codes: [String: Int] = [:]
        for request in requests {
            if let error = request.error {
                codes[error.code, default: 0] += 1
            } else if let status = request.status, !(200..<300).contains(status) {
                codes["http_\(status)", default: 0] += 1
            }
        }
        return codes
    }

    /// Statistics of a metric by name.
    public func metric(named name: String) -> MetricSummary? { metrics.first { $0.name == name } }
}
