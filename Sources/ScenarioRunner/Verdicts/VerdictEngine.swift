import MockProviders
import HTTPWire
import ProviderClient
import Reporting

// MARK: - VerdictEngine

/// Judges a mock's journal of one step against what a well-behaved client does, producing ``Finding``s.
///
/// Attempts are linked by the harness headers `X-LLMCheck-Scenario` / `X-LLMCheck-Request` and ordered by
/// `X-LLMCheck-Attempt` (never by body hashes); exchanges without an attempt header are ordered by arrival, and
/// exchanges without any harness header fall back to arrival order when the step sent a single request.
public struct VerdictEngine: Sendable {
    /// Tolerances. Defaults suit millisecond-scaled scenarios on a loaded 2-core machine.
    public struct Settings: Sendable, Hashable {
        /// A retry sooner than this after the previous attempt ended always counts as "no backoff". Default 5 ms.
        /// The effective threshold is the larger of this and half the smallest backoff the client's own policy
        /// allows (`0.5 × 0.75 × initial_delay_ms`), so connection set-up time on a loaded machine is not mistaken
        /// for a backoff.
        public var minimumBackoffMilliseconds: Double
        /// A retry may come this fraction of Retry-After early (clock granularity). Default 0.9.
        public var retryAfterFraction: Double
        /// Absolute slack subtracted from Retry-After. Default 2 ms.
        public var retryAfterSlackMilliseconds: Double
        /// Silence tolerated: idle timeout × this factor + ``idleSlackMilliseconds``. Default 1.5.
        public var idleFactor: Double
        /// Default 75 ms.
        public var idleSlackMilliseconds: Double
        /// Chunks a cancelled stream may still be sent before the server notices the close: a stream read to its
        /// end with more than N + this many chunks is the finding, and a close later than N + 4 × this many. Default 5.
        public var cancelSlackChunks: Int

        public init(
            minimumBackoffMilliseconds: Double = 5, retryAfterFraction: Double = 0.9, retryAfterSlackMilliseconds: Double = 2,
            idleFactor: Double = 1.5, idleSlackMilliseconds: Double = 75, cancelSlackChunks: Int = 5
        ) {
            self.minimumBackoffMilliseconds = minimumBackoffMilliseconds
            self.retryAfterFraction = retryAfterFraction
            self.retryAfterSlackMilliseconds = retryAfterSlackMilliseconds
            self.idleFactor = idleFactor
            self.idleSlackMilliseconds = idleSlackMilliseconds
            self.cancelSlackChunks = cancelSlackChunks
        }
    }

    public var settings: Settings

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Findings for one step.
    ///
    /// - Parameters:
    ///   - exchanges: journal entries of every server produced while the step ran.
    ///   - step: the step (operation, cancellation).
    ///   - client: the client settings (retry policy, timeouts, which key belongs to which server).
    ///   - outcomes: what the client reported, by request id.
    public func judge(
        exchanges: [ObservedExchange], step: Scenario.Step, client: Scenario.Client, outcomes: [RequestOutcome]
    ) -> [Finding] {
        var collector = Collector()
        let outcomeByID = Dictionary(outcomes.map { ($0.requestID, $0) }, uniquingKeysWith: { a, _ in a })
        for (requestID, group) in Self.groups(exchanges, singleRequest: outcomes.count <= 1, fallbackID: outcomes.first?.requestID) {
            let outcome = requestID.flatMap { outcomeByID[$0] }
            // Discovery probes the same paths on purpose; only credentials are judged there.
            guard step.operation != .discover else { continue }
            judgeRetries(group, step: step, client: client, outcome: outcome, into: &collector)
            judgeStream(group, step: step, client: client, outcome: outcome, into: &collector)
        }
        judgeCredentials(exchanges, client: client, into: &collector)
        return collector.findings
    }

    /// Exchanges grouped per request, each group in attempt order; groups sorted by key.
    ///
    /// Identity, strongest first: the harness's `X-LLMCheck-Request`; else `X-Test-Id`; else the client's own
    /// `X-Request-ID` / `Idempotency-Key`; else nothing, and then attempts share server, method, path and body (its
    /// fingerprint) and follow each other in time (a retry starts after the failed attempt ended: overlapping exchanges are
    /// different requests). Groups without any identity are judged only when the step sent a single request.
    static func groups(_ exchanges: [ObservedExchange], singleRequest: Bool, fallbackID: String?) -> [(String?, [ObservedExchange])] {
        var byID: [String: [ObservedExchange]] = [:]
        var identified: [String: [ObservedExchange]] = [:]
        var unlinked: [String: [ObservedExchange]] = [:]
        for e in exchanges {
            let route = "\(e.server) \(e.method) \(e.path)"
            // Without a request id, a different body on the same route is a different request.
            let body = e.bodyFingerprint.map { String($0, radix: 16) } ?? "-"
            if let id = e.requestID {
                // Retries repeat server, method and path; a model-list probe of the same request is not a retry.
                byID["\(e.scenarioID ?? "") \(id) \(route)", default: []].append(e)
            } else if let test = e.testID {
                identified["t \(test) \(e.clientRequestID ?? body) \(route)", default: []].append(e)
            } else if let request = e.clientRequestID {
                identified["r \(request) \(route)", default: []].append(e)
            } else {
                unlinked["\(route) \(body)", default: []].append(e)
            }
        }
        var out: [(String?, [ObservedExchange])] = byID.keys.sorted().map { key in
            let group = Self.ordered(byID[key] ?? [])
            return (group.first?.requestID, group)
        }
        for key in identified.keys.sorted() {
            for chain in Self.chains(identified[key] ?? []) { out.append((singleRequest ? fallbackID : nil, chain)) }
        }
        if singleRequest {
            for key in unlinked.keys.sorted() {
                for chain in Self.chains(unlinked[key] ?? []) { out.append((fallbackID, chain)) }
            }
        }
        return out
    }

    /// Exchanges split into sequences that follow each other in time: an exchange that arrived before the last
    /// one of every open sequence ended starts a new sequence (it ran concurrently, so it is another request).
    static func chains(_ list: [ObservedExchange]) -> [[ObservedExchange]] {
        var chains: [[ObservedExchange]] = []
        for e in list.sorted(by: { $0.receivedAt < $1.receivedAt }) {
            if let index = chains.firstIndex(where: { ($0.last?.endedAt ?? $0.last?.receivedAt ?? MonotonicInstant(nanoseconds: 0)) <= e.receivedAt }) {
                chains[index].append(e)
            } else {
                chains.append([e])
            }
        }
        return chains
    }

    /// Attempts in the order the client made them: by `X-LLMCheck-Attempt`, then arrival (the fallback for
    /// clients that do not number their attempts).
    static func ordered(_ list: [ObservedExchange]) -> [ObservedExchange] {
        list.sorted { ($0.attemptNumber ?? 0, $0.receivedAt) < ($1.attemptNumber ?? 0, $1.receivedAt) }
    }

    /// Milliseconds from `start` to `end`, as findings print them.
    static func ms(from start: MonotonicInstant, to end: MonotonicInstant) -> Double { start.duration(to: end).milliseconds }

    static func gap(_ a: ObservedExchange, _ b: ObservedExchange) -> Double {
        let end = a.endedAt ?? a.receivedAt
        return b.receivedAt > end ? ms(from: end, to: b.receivedAt) : 0
    }

    static func label(_ e: ObservedExchange, _ index: Int) -> String {
        // The journal entry (server and its request number) is cited so the proof can be looked up.
        var s = "attempt \(e.attemptNumber ?? index + 1) → \(e.server) #\(e.sequence) \(e.method) \(e.path)"
        if let status = e.status { s += " \(status)" }
        switch e.ending {
        case .reset: s += " (reset)"
        case .serverClosed(let n): s += " (closed by server after \(n) chunks)"
        case .clientClosed(let n): s += " (client closed after \(n) chunks)"
        case .unfinished: s += " (unfinished)"
        case .completed: break
        }
        return s
    }

    // MARK: - Retries

    func judgeRetries(_ group: [ObservedExchange], step: Scenario.Step, client: Scenario.Client, outcome: RequestOutcome?, into c: inout Collector) {
        var quickGaps: [String] = []
        let stormThreshold = max(settings.minimumBackoffMilliseconds, 0.5 * 0.75 * Double(client.retry.initialDelayMilliseconds))
        for (i, pair) in zip(group, group.dropFirst()).enumerated() {
            let (a, b) = pair
            let gap = Self.gap(a, b)
            let gapText = "attempt \(b.attemptNumber ?? i + 2) arrived \(String(format2: gap)) ms after attempt \(a.attemptNumber ?? i + 1) ended"
            if let hint = a.retryAfterMilliseconds, hint > 0, hint <= Double(client.retry.maxRetryAfterMilliseconds),
                gap < hint * settings.retryAfterFraction - settings.retryAfterSlackMilliseconds
            {
                c.add(FindingCatalog.retryAfterIgnored, [Self.label(a, i) + " with Retry-After \(String(format2: hint)) ms", gapText])
            }
            if a.isNonRetryableStatus, a.server == b.server {
                c.add(FindingCatalog.nonRetryableRetried, [Self.label(a, i), "retried on the same server: " + Self.label(b, i + 1)])
            }
            if a.isRetryableFailure, a.retryAfterMilliseconds == nil, gap < stormThreshold, a.server == b.server {
                quickGaps.append(gapText)
            }
        }
        // A well-behaved client never retries sooner than 0.75 × initial delay, so one retry below half of that is proof.
        if !quickGaps.isEmpty {
            c.add(FindingCatalog.noBackoff, quickGaps + ["a backoff below \(String(format2: stormThreshold)) ms counts as none (half the smallest the policy allows)"])
        }
        // More attempts on one server than the policy allows (failover legitimately adds one per provider).
        let allowed = client.retry.maxRetries + 1
        if step.operation != .failoverChat, group.count > allowed {
            c.add(FindingCatalog.retryStorm, [
                "\(group.count) attempts for one request, \(allowed) allowed (max_retries \(client.retry.maxRetries))",
                "first: " + Self.label(group[0], 0), "last: " + Self.label(group[group.count - 1], group.count - 1),
            ])
        }
        // The same request again after a complete 2xx answer.
        if let done = group.firstIndex(where: { ($0.status.map { (200..<300).contains($0) } ?? false) && $0.ending == .completed && $0.faults.isEmpty }),
            done + 1 < group.count
        {
            c.add(FindingCatalog.duplicateAfterSuccess, [
                Self.label(group[done], done) + " completed", "then: " + Self.label(group[done + 1], done + 1)
                    + " \(String(format2: Self.gap(group[done], group[done + 1]))) ms later",
            ])
        }
        // Gave up early: last attempt failed retryably, retries remained, and the client reported an error.
        if step.operation != .failoverChat, let last = group.last, last.isRetryableFailure, outcome?.kind == .error,
            group.count < client.retry.maxRetries + 1, !last.faults.contains(.midStreamError),
            !(last.status.map { $0 < 300 } ?? false)
        {
            let hintTooLong = (last.retryAfterMilliseconds ?? 0) > Double(client.retry.maxRetryAfterMilliseconds)
            let elapsed = Self.ms(from: group.first?.receivedAt ?? last.receivedAt, to: last.endedAt ?? last.receivedAt)
            let budgetLeft = elapsed + Double(client.retry.maxDelayMilliseconds) < Double(client.timeouts.totalMilliseconds)
            if !hintTooLong, budgetLeft {
                c.add(FindingCatalog.gaveUpEarly, [
                    "\(NumberText.count(group.count, "attempt")) made, \(client.retry.maxRetries + 1) allowed",
                    "last: " + Self.label(last, group.count - 1),
                    "client reported \(outcome?.errorCode ?? "an error")",
                ])
            }
        }
    }

    // MARK: - Streams

    func judgeStream(_ group: [ObservedExchange], step: Scenario.Step, client: Scenario.Client, outcome: RequestOutcome?, into c: inout Collector) {
        guard let last = group.last else { return }
        // Only the server that produced the answer can have had its broken stream accepted.
        let served = outcome?.servedBy == nil || outcome?.servedBy == last.server
        if outcome?.kind == .success, step.cancelAfterChunks == nil, served {
            if last.wasTruncated {
                c.add(FindingCatalog.truncatedStreamAccepted, [
                    Self.label(last, group.count - 1) + ": body ended after \(last.chunksSent) chunks without its terminator",
                    "client reported success with \(outcome?.chunks ?? 0) chunks",
                ])
            }
            if last.faults.contains(.malformed) {
                c.add(FindingCatalog.malformedChunkIgnored, [
                    Self.label(last, group.count - 1) + ": a malformed chunk was sent",
                    "client reported success with \(outcome?.chunks ?? 0) chunks",
                ])
            }
        }
        let limit = Double(client.timeouts.idleMilliseconds) * settings.idleFactor + settings.idleSlackMilliseconds
        for (i, e) in group.enumerated() {
            // A client whose own attempt ended in an idle timeout has one; the server noticing its close late
            // (scheduling on a loaded machine) is not the flaw.
            if let silence = e.longestSilenceMilliseconds, silence > limit, Self.clientAttempt(of: e, in: outcome)?.errorCode.flatMap(ProviderError.Code.init(rawValue:)) != .idleTimeout {
                c.add(FindingCatalog.noIdleTimeout, [
                    Self.label(e, i) + ": the client stayed connected \(String(format2: silence)) ms without data",
                    "idle timeout configured: \(client.timeouts.idleMilliseconds) ms (tolerated up to \(String(format2: limit)) ms)",
                ])
            }
        }
        // Still connected well after the client reported failure (it stopped using the answer but not the socket).
        if outcome?.kind == .error, let failedAt = outcome?.process?.endedAt ?? outcome?.timing?.end {
            for (i, e) in group.enumerated() {
                guard let ended = e.endedAt, ended > failedAt + .milliseconds(250) else { continue }
                guard case .completed = e.ending, e.status.map({ (200..<300).contains($0) }) ?? false else { continue }
                c.add(FindingCatalog.keptReadingAfterFailure, [
                    Self.label(e, i) + ": read to its end \(String(format2: Self.ms(from: failedAt, to: ended))) ms after the client reported \(outcome?.errorCode ?? "failure")",
                ])
            }
        }
        if let n = step.cancelAfterChunks {
            for (i, e) in group.enumerated() {
                // Reading the stream to its end is the flaw; closing late (scheduling latency on a loaded machine
                // lets the server write a few more chunks) only counts when grossly late.
                let read: Int?
                switch e.ending {
                case .completed: read = e.chunksSent > n + settings.cancelSlackChunks ? e.chunksSent : nil
                case .clientClosed(let k): read = k > n + 4 * settings.cancelSlackChunks ? k : nil
                default: read = nil
                }
                if let read {
                    let how = e.ending == .completed ? "the whole stream (\(read) chunks) was read to the end" : "the client closed only after \(read) chunks"
                    c.add(FindingCatalog.cancelledStreamKeptReading, [
                        Self.label(e, i) + ": cancel requested after \(n) chunks", how,
                    ])
                }
            }
        }
    }

    /// The client's record of the attempt the mock saw as `e`: the `X-LLMCheck-Attempt`-th attempt the client made
    /// on that server. Nil without an attempt header (no guessing by arrival order).
    static func clientAttempt(of e: ObservedExchange, in outcome: RequestOutcome?) -> RequestOutcome.Attempt? {
        guard let number = e.attemptNumber, number >= 1, let outcome else { return nil }
        let onServer = outcome.attempts.filter { $0.server == nil || $0.server == e.server }
        return number <= onServer.count ? onServer[number - 1] : nil
    }

    // MARK: - Credentials

    func judgeCredentials(_ exchanges: [ObservedExchange], client: Scenario.Client, into c: inout Collector) {
        // Keys bound to one provider only.
        let bound = client.providers.compactMap { p in p.apiKey.map { (p.server, $0) } }
        guard !bound.isEmpty else { return }
        for e in exchanges {
            guard let presented = e.credential else { continue }
            let own = client.apiKey(forServer: e.server)
            for (owner, key) in bound where owner != e.server && key != own {
                if SecretMasking.matches(masked: presented, secret: key) {
                    c.add(FindingCatalog.secretToWrongHost, [
                        "\(e.server) \(e.method) \(e.path) received \(SecretMasking.maskHeaderValue(key)), the key configured for \(owner)",
                    ])
                }
            }
        }
    }

    // MARK: - Collector

    /// One finding per id per step; evidence from repeated occurrences is merged (capped).
    struct Collector {
        var findings: [Finding] = []

        mutating func add(_ entry: FindingCatalog.Entry, _ evidence: [String]) {
            if let index = findings.firstIndex(where: { $0.id == entry.id }) {
                if findings[index].evidence.count < 12 { findings[index].evidence += evidence }
            } else {
                findings.append(FindingCatalog.finding(entry, evidence: evidence))
            }
        }
    }
}
