import Foundation
import HTTPWire
import Reporting

// MARK: - ClientDrivers

/// The drivers available to the runner, by client kind.
public struct ClientDrivers: Sendable {
    /// llmcheck's real client; nil when unavailable (scenarios using it then end as errors).
    public var providerClient: (any ClientDriver)?
    public var misbehaving: any ClientDriver
    /// Any program under test (``CommandClientDriver``).
    public var command: any ClientDriver

    public init(providerClient: (any ClientDriver)?, misbehaving: any ClientDriver, command: any ClientDriver = CommandClientDriver()) {
        self.providerClient = providerClient
        self.misbehaving = misbehaving
        self.command = command
    }

    func driver(for kind: Scenario.Client.Kind) -> (any ClientDriver)? {
        switch kind {
        case .providerClient: providerClient
        case .misbehaving: misbehaving
        case .command: command
        }
    }
}

// MARK: - ScenarioExecutor

/// Runs one scenario: starts its mocks, performs each step with the scenario's client, judges the
/// journal, checks expectations and produces a ``ScenarioResult``.
public struct ScenarioExecutor: Sendable {
    public var drivers: ClientDrivers
    public var verdicts: VerdictEngine
    public var checker: ExpectationChecker
    public init(drivers: ClientDrivers, verdicts: VerdictEngine = VerdictEngine(), checker: ExpectationChecker = ExpectationChecker()) {
        self.drivers = drivers
        self.verdicts = verdicts
        self.checker = checker
    }

    /// Runs `scenario` against `environment` (which this call starts and stops).
    public func run(_ scenario: Scenario, seed: UInt64, environment: any MockEnvironment) async -> ScenarioResult {
        let start = MonotonicInstant.now()
        var record = ScenarioRecord(scenario: scenario, start: start)
        let servers: [String: RunningServer]
        do {
            servers = try await environment.start(servers: scenario.servers, seed: seed)
        } catch {
            await environment.stop()
            return record.result(outcome: .error("could not start the mock servers: \(error)", kind: "setup"))
        }
        guard let driver = drivers.driver(for: scenario.client.kind) else {
            await environment.stop()
            return record.result(outcome: .error("the \(scenario.client.kind.rawValue) client is not available in this build", kind: "setup"))
        }
        if scenario.client.kind == .command, let reason = Self.commandUnsupported(scenario) {
            await environment.stop()
            return record.result(outcome: .skipped(reason, kind: "command-client"))
        }
        // A command is killed a little before the scenario's deadline, so its hang is judged rather than cut off.
        let margin = Duration.milliseconds(min(1000, max(200, scenario.timeoutMilliseconds / 10)))
        let requestDeadline = start + .milliseconds(scenario.timeoutMilliseconds) - margin
        // Run every step first; the journal is read once the servers have stopped, so exchanges that were
        // still in flight when a step ended (a client that gave up on a stalled stream) are complete.
        var ran: [(index: Int, step: Scenario.Step, outcomes: [RequestOutcome], start: MonotonicInstant, milliseconds: Double)] = []
        for (index, step) in scenario.steps.enumerated() {
            if Task.isCancelled { break }
            if step.delayBeforeMilliseconds > 0 {
                try? await Task.sleep(for: .milliseconds(step.delayBeforeMilliseconds))
            }
            var requests = makeRequests(scenario: scenario, step: step, index: index, servers: servers, seed: seed)
            for i in requests.indices { requests[i].deadline = requestDeadline }
            let stepStart = MonotonicInstant.now()
            let outcomes = await withTaskGroup(of: RequestOutcome.self, returning: [RequestOutcome].self) { group in
                for request in requests {
                    group.addTask { await driver.perform(request) }
                }
                var out: [RequestOutcome] = []
                for await outcome in group { out.append(outcome) }
                let last = RequestIdentity(step: .max, index: .max)
                return out.sorted { RequestIdentity($0.requestID) ?? last < RequestIdentity($1.requestID) ?? last }
            }
            ran.append((index, step, outcomes, stepStart, stepStart.elapsed.milliseconds))
        }
        await environment.stop()
        if Task.isCancelled {
            return record.result(outcome: .error("cancelled", kind: "timeout"))
        }
        let journal = await environment.exchanges()
        for (position, item) in ran.enumerated() {
            let nextStart = position + 1 < ran.count ? ran[position + 1].start : MonotonicInstant(nanoseconds: .max)
            var stepExchanges = Self.exchanges(of: item.index, in: journal, from: item.start, until: nextStart)
            var outcomes = item.outcomes
            if scenario.client.kind == .command {
                Self.attribute(&stepExchanges, to: &outcomes, scenarioID: scenario.id)
            }
            let item = (index: item.index, step: item.step, outcomes: outcomes, start: item.start, milliseconds: item.milliseconds)
            let findings = verdicts.judge(exchanges: stepExchanges, step: item.step, client: scenario.client, outcomes: item.outcomes)
            let checks = checker.check(
                step: item.step, stepIndex: item.index, client: scenario.client, outcomes: item.outcomes, exchanges: stepExchanges,
                findings: findings, durationMilliseconds: item.milliseconds,
                reply: scenario.server(named: item.step.server ?? scenario.servers[0].name)?.generation.reply
            )
            record.add(step: item.step, index: item.index, outcomes: item.outcomes, exchanges: stepExchanges, findings: findings, checks: checks, servers: servers)
        }
        return record.result(outcome: nil)
    }

    /// The journal entries of step `index`: those whose `X-LLMCheck-Request` names that step, plus those without
    /// a harness identity that arrived while the step ran.
    static func exchanges(of index: Int, in journal: [ObservedExchange], from start: MonotonicInstant, until end: MonotonicInstant) -> [ObservedExchange] {
        journal.filter { e in
            if let identity = e.requestID.flatMap(RequestIdentity.init) { return identity.step == index }
            return e.receivedAt >= start && e.receivedAt < end
        }
    }

    /// The requests of one step (`parallel` copies), each with its ``RequestIdentity``.
    func makeRequests(scenario: Scenario, step: Scenario.Step, index: Int, servers: [String: RunningServer], seed: UInt64) -> [DriverRequest] {
        let client = scenario.client
        let providerList = client.providers.isEmpty
            ? scenario.servers.map { Scenario.Provider(server: $0.name) }
            : client.providers
        let targets: [DriverRequest.Target] = providerList.compactMap { p in
            guard let running = servers[p.server] else { return nil }
            let model = p.model ?? step.model ?? scenario.server(named: p.server)?.firstModelName
            return DriverRequest.Target(server: running, apiKey: p.apiKey ?? client.apiKey, model: model)
        }
        let serverName = step.server ?? scenario.servers[0].name
        var target: DriverRequest.Target?
        if step.operation == .failoverChat {
            target = targets.first
        } else if step.operation != .discover, let running = servers[serverName] {
            target = DriverRequest.Target(
                server: running, apiKey: client.apiKey(forServer: serverName),
                model: step.model ?? scenario.server(named: serverName)?.firstModelName
            )
        }
        let ordered = scenario.servers.compactMap { servers[$0.name] }
        return (0..<step.parallel).map { n in
            DriverRequest(
                scenarioID: scenario.id, identity: RequestIdentity(step: index, index: n), operation: step.operation,
                target: target, targets: step.operation == .failoverChat ? targets : (target.map { [$0] } ?? []),
                servers: ordered, model: target?.model ?? step.model, stream: step.stream, prompt: step.prompt,
                maxTokens: step.maxTokens, cancelAfterChunks: step.cancelAfterChunks, dialect: step.dialect,
                extraHeaders: step.headers, client: client,
                seed: StableHash.scenarioSeed(runSeed: seed, scenarioID: "\(scenario.id)#\(index).\(n)")
            )
        }
    }

}

// MARK: - ScenarioRecord

/// Accumulates what a scenario did, and turns it into a ``ScenarioResult``.
struct ScenarioRecord {
    let scenario: Scenario
    let start: MonotonicInstant
    var findings: [Finding] = []
    var checks: [Check] = []
    var traces: [RequestTrace] = []
    var transcript: [String] = []
    var apps: [AppRun] = []

    init(scenario: Scenario, start: MonotonicInstant) {
        self.scenario = scenario
        self.start = start
    }

    mutating func add(
        step: Scenario.Step, index: Int, outcomes: [RequestOutcome], exchanges: [ObservedExchange], findings stepFindings: [Finding],
        checks stepChecks: [Check], servers: [String: RunningServer]
    ) {
        for finding in stepFindings {
            var f = finding
            f.evidence = ["\(step.name)"] + f.evidence
            if let existing = findings.firstIndex(where: { $0.id == f.id }) {
                findings[existing].evidence += f.evidence
            } else {
                findings.append(f)
            }
        }
        checks += stepChecks
        transcript.append("== \(step.name): \(step.operation.rawValue)\(step.stream ? "" : " (not streamed)")")
        for outcome in outcomes {
            var line = "  \(outcome.requestID) \(outcome.kind.rawValue)"
            if let code = outcome.errorCode { line += " \(code)" }
            if let status = outcome.status { line += " status=\(status)" }
            line += " attempts=\(outcome.attempts.count) chunks=\(outcome.chunks)"
            if let m = outcome.errorMessage { line += " — \(m)" }
            transcript.append(line)
            if let run = outcome.process {
                transcript += Self.describe(run)
                apps.append(AppRun(
                    requestID: outcome.requestID, exit: run.ending.description, succeeded: run.ending.isSuccess, wallMilliseconds: run.milliseconds,
                    stdoutTail: run.standardOutput.totalBytes > 0 ? run.standardOutput.tail(600) : "",
                    stderrTail: run.standardError.totalBytes > 0 ? run.standardError.tail(600) : "",
                    notes: run.leftChildrenRunning ? ["it left child processes running; they were killed with its process group"] : []
                ))
            }
            traces.append(trace(outcome, step: step, exchanges: exchanges.filter { $0.requestID == outcome.requestID }))
        }
        for e in exchanges {
            var line = "  [\(e.server) #\(e.sequence)] \(e.method) \(e.path)"
            if let r = e.requestID { line += " req=\(r)" }
            if let a = e.attemptNumber { line += " attempt=\(a)" }
            line += " +\(String(format2: e.receivedAt > start ? start.duration(to: e.receivedAt).milliseconds : 0))ms"
            line += " → \(e.status.map(String.init) ?? "no response")"
            line += " \(Self.describe(e.ending)), \(e.chunksSent) chunks"
            if !e.faults.isEmpty { line += " faults: \(e.faults.map(\.rawValue).joined(separator: ","))" }
            transcript.append(line)
        }
        for c in stepChecks.map(\.result) where !c.passed {
            transcript.append("  ✗ \(c.name): expected \(c.expected), got \(c.actual)")
        }
    }

    static func describe(_ ending: ObservedExchange.Ending) -> String {
        switch ending {
        case .completed: "completed"
        case .clientClosed(let n): "client closed at chunk \(n)"
        case .serverClosed(let n): "server closed after \(n)"
        case .reset(let n): "reset after \(n)"
        case .unfinished(let n): "unfinished after \(n)"
        }
    }

    /// An instant as the report's nanoseconds since the scenario started (0 for an earlier one).
    func relative(_ t: MonotonicInstant?) -> Int64? {
        guard let t else { return nil }
        return t >= start ? start.duration(to: t).nanoseconds : 0
    }

    func trace(_ outcome: RequestOutcome, step: Scenario.Step, exchanges: [ObservedExchange]) -> RequestTrace {
        let timing = outcome.timing
        let finalEnd = Self.finalAttemptEnd(outcome, exchanges: exchanges)
        let attempts = outcome.attempts.enumerated().map { i, a in
            var end = a.endedAt ?? a.startedAt
            // The accepted attempt lasts exactly until the stream end (the client may log its own end later).
            if i == outcome.attempts.count - 1, let finalEnd { end = finalEnd }
            return AttemptTrace(
                attempt: a.number, startNs: relative(a.startedAt) ?? 0, endNs: relative(end) ?? 0,
                status: a.status, errorCode: a.errorCode, delayBeforeMs: a.delayBeforeMilliseconds ?? 0
            )
        }
        let journalAttempts = attempts.isEmpty ? exchanges.enumerated().map { i, e in
            AttemptTrace(attempt: e.attemptNumber ?? i + 1, startNs: relative(e.receivedAt) ?? 0, endNs: relative(e.endedAt ?? e.receivedAt) ?? 0, status: e.status)
        } : attempts
        return RequestTrace(
            scenarioID: scenario.id, requestID: outcome.requestID, attempt: max(1, journalAttempts.last?.attempt ?? 1),
            provider: outcome.servedBy.flatMap { scenario.server(named: $0)?.personality } ?? scenario.provider,
            model: outcome.model, endpoint: exchanges.last?.path ?? step.operation.rawValue, status: outcome.status,
            tSendNs: relative(timing?.send) ?? 0, tHeadersNs: relative(timing?.headers), tFirstChunkNs: relative(timing?.firstChunk),
            tFirstTokenNs: relative(timing?.firstToken), tLastTokenNs: relative(timing?.lastToken), tEndNs: relative(timing?.end),
            chunkGapsMs: timing?.interChunkMilliseconds ?? [],
            outputTokens: outcome.outputTokens ?? (outcome.chunks > 0 ? outcome.chunks : nil),
            tokenSource: outcome.outputTokens != nil ? .serverUsage : (outcome.chunks > 0 ? .chunks : nil),
            chunksCount: outcome.chunks,
            error: outcome.kind == .error ? TraceError(code: outcome.errorCode ?? "error", message: outcome.errorMessage ?? "") : nil,
            attempts: journalAttempts
        )
    }

    /// When the final attempt really ended. A client records an accepted attempt's end when its response head
    /// arrives, but the attempt lasts until the body is read: the stream end (`t_end`), or, when the client reported
    /// none (the stream failed or was cancelled), the end of the journal exchange with the same attempt number.
    static func finalAttemptEnd(_ outcome: RequestOutcome, exchanges: [ObservedExchange]) -> MonotonicInstant? {
        guard let last = outcome.attempts.last, last.status.map({ (200..<300).contains($0) }) ?? (last.errorCode == nil) else { return nil }
        if let end = outcome.timing?.end { return end }
        let match = exchanges.last { $0.attemptNumber == last.number && $0.server == (last.server ?? $0.server) }
        return match?.endedAt
    }

    func result(outcome forced: ScenarioOutcome?) -> ScenarioResult {
        let duration = start.elapsed.secondsDouble
        var outcome: ScenarioOutcome
        if let forced {
            outcome = forced
        } else if let failed = checks.first(where: { !$0.passed }) {
            let count = checks.filter { !$0.passed }.count
            var message = "\(failed.result.name): expected \(failed.result.expected), got \(failed.result.actual)"
            if count > 1 { message += " (+\(count - 1) more)" }
            outcome = .failed(message, kind: failed.kind.failureKind)
        } else {
            outcome = .passed
        }
        var result = ScenarioResult(
            id: scenario.id, title: scenario.description, provider: scenario.provider, capability: scenario.capability,
            tags: scenario.tags, filePath: scenario.filePath, outcome: outcome, durationSeconds: duration, findings: findings,
            expectations: checks.map(\.result), requests: traces, transcript: transcript.joined(separator: "\n")
        )
        if scenario.client.kind == .command { result.client = scenario.client.command?.name ?? "command" }
        result.apps = apps
        return result
    }
}
