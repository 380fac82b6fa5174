import HTTPWire

/// The request handler behind ``ProxyServer``: control endpoints, fault scheduling, forwarding
/// to the upstream through the faults, recording and the journal.
///
/// It reuses the mocks' machinery rather than copying it: a ``MockEngine`` configured like the
/// proxy holds the ``FaultPlan``, the ``RequestJournal``, the `/__llmcheck/` control API and the
/// provider's error dialect (for `status=` faults, answered without contacting the upstream); a
/// ``FaultInjector`` applies the faults to the upstream's stream.
public final class ProxyEngine: Sendable {
    public let configuration: ProxyConfiguration
    /// Fault plan, journal, control API and error dialect (never answers a proxied request itself).
    let control: MockEngine
    let recorder: ProxyRecorder?
    /// Installed toxics.
    public let toxicPlan: ToxicPlan
    /// Kept-alive upstream connections (closed by ``ProxyServer/stop(grace:)``).
    public let upstreamPool: HTTPConnectionPool
    /// Connections seen, for `replay-on-reconnect`.
    private let seenConnection = LockedValue(false)
    /// Error dialects of the three providers (for a guessed provider, chosen per request path).
    let dialects: [MockProviderKind: any MockPersonality]
    /// Called with every journal entry as it is appended (`-v` prints a summary line from it).
    let onEntry: @Sendable (JournalEntry) -> Void
    /// The upstream's `Host` field, built once rather than for every request.
    let upstreamHostField: String

    public init(configuration: ProxyConfiguration, recorder: ProxyRecorder? = nil, onEntry: @escaping @Sendable (JournalEntry) -> Void = { _ in }) {
        self.configuration = configuration
        var mock = MockConfiguration(provider: configuration.provider)
        mock.seed = configuration.seed
        mock.faults = configuration.faults
        mock.journalCapacity = configuration.journalCapacity
        mock.controlToken = configuration.controlToken
        mock.fixtures = []
        self.control = MockEngine(configuration: mock)
        var dialects: [MockProviderKind: any MockPersonality] = [:]
        for kind in MockProviderKind.allCases {
            var c = mock
            c.provider = kind
            c.models = MockConfiguration(provider: kind).models
            let models = MockModelRegistry(models: c.models, provider: kind, lmStudio: c.lmStudio)
            switch kind {
            case .ollama: dialects[kind] = OllamaPersonality(configuration: c, models: models)
            case .lmstudio: dialects[kind] = LMStudioPersonality(configuration: c, models: models)
            case .openai: dialects[kind] = OpenAIPersonality(configuration: c, models: models)
            }
        }
        self.dialects = dialects
        self.upstreamPool = HTTPConnectionPool(configuration: configuration.upstreamKeepAlive)
        self.toxicPlan = ToxicPlan(seed: configuration.seed, toxics: configuration.toxics)
        self.recorder = recorder
        self.onEntry = onEntry
        self.upstreamHostField = configuration.upstream.hostField
    }

    public var faultPlan: FaultPlan { control.faultPlan }
    public var journal: RequestJournal { control.journal }

    /// Handles one request (the ``HTTPHandler`` of the proxy's server).
    @available(*, noasync, message: "blocks")
    public func handle(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) throws {
        if MockEngine.isControlPath(request.path) {
            if try ProxyControl(engine: self).handle(request, writer: writer) { return }
            return try control.handle(request, writer)
        }
        let arrivedAt = request.receivedAt ?? .now()
        let number = journal.makeID()
        let mock = MockRequest(http: request, number: number, path: request.path)
        let faults: [FaultSpec]
        do { faults = try MockEngine.decideFaults(request, path: mock.path, model: mock.model, plan: faultPlan) } catch {
            return try writer.respond(
                status: .badRequest, headers: ["Content-Type": "text/plain; charset=utf-8"],
                text: "\(MockEngine.faultHeader): \(error.description)\n")
        }
        // Client ← downstream toxics ← emulations ← faults ← upstream toxics ← upstream.
        let toxics = toxicPlan.decide(requestNumber: number)
        let seed = configuration.seed ^ SeededRandom.mix(UInt64(number))
        var downstream: any HTTPResponseWriter = writer
        let down = toxics.filter { $0.stream == .downstream }
        if !down.isEmpty { downstream = ToxicWriter(base: downstream, toxics: down, seed: seed) }
        let emulations = configuration.emulations
        if EmulationWriter.acts(emulations) { downstream = EmulationWriter(base: downstream, emulations: emulations) }
        let injector = FaultInjector(base: downstream, faults: faults, arrivedAt: arrivedAt)
        let up = toxics.filter { $0.stream == .upstream }
        let sink: any HTTPResponseWriter = up.isEmpty ? injector : ToxicWriter(base: injector, toxics: up, seed: seed &+ 1)
        var idleTimeout: (Duration, alwaysCuts: Bool)?
        var replays = false
        for e in emulations {
            if case .idleTimeout(let d, let cuts) = e { idleTimeout = (d, cuts) }
            if case .replayOnReconnect = e { replays = true }
        }
        var hop = ProxyHopTiming()
        var outcome: JournalEntry.Outcome = .completed
        var failure: (any Error)?
        var relay: ProxyRelay?
        do {
            if let status = injector.statusAnswer {
                let dialect = dialects[provider(forPath: mock.path)] ?? control.personality
                let (head, body) = dialect.errorResponse(for: status, request: mock)
                try injector.writeHead(head)
                if request.method != .head, !body.isEmpty { try injector.writeBody(body) }
                try injector.finish()
            } else {
                let options = HTTPClientOptions(timeouts: configuration.upstreamTimeouts)
                if replays, isReconnect(request) {
                    ProxyEngine.sendAndDiscard(ProxyRelay.upstreamRequest(for: request, to: configuration.upstream, hostField: upstreamHostField), options: options)
                }
                relay = ProxyRelay(
                    upstream: configuration.upstream, hostField: upstreamHostField, options: options, pool: upstreamPool,
                    injector: sink, arrivedAt: arrivedAt, isRecording: recorder != nil, idleTimeout: idleTimeout)
                try relay!.run(request)
            }
            outcome = injector.outcome
        } catch let ended as ExchangeEnded {
            outcome = ended.outcome
        } catch {
            outcome = injector.outcome
            if case .completed = outcome { outcome = .failed(String(describing: error)) }
            failure = error
        }
        if let relay { hop = relay.hop }
        if let recorder, let relay, let recorded = relay.recorded {
            recorder.record(request: request, json: mock.json, head: recorded.head, chunks: recorded.chunks, isComplete: relay.isComplete)
        }
        let end = MonotonicInstant.now()
        let measured = injector.measurement
        let entry = JournalEntry(
            id: number, provider: provider(forPath: mock.path), connectionID: request.connectionID,
            indexOnConnection: request.indexOnConnection, remoteAddress: request.remoteAddress,
            startedAt: arrivedAt, offsetMilliseconds: control.createdAt.duration(to: arrivedAt).milliseconds,
            wallTimeUnixNanoseconds: WallClock.nowUnixNanoseconds(), method: request.method.rawValue, target: request.head.target,
            path: mock.path, model: mock.model, stream: mock.stream,
            headers: control.journaledHeaders(request.headers), bodyBytes: request.body.count,
            status: measured.status, chunksSent: measured.chunksSent, bytesSent: measured.bytesSent,
            faults: faults, fixture: nil, outcome: outcome,
            timeToHead: measured.timeToHead, timeToFirstByte: measured.timeToFirstByte,
            duration: measured.sinceArrival(end),
            bodyWriteOffsets: measured.takeWriteOffsets(), bodyWriteCount: measured.writeCount,
            longestGap: measured.longestGap(until: end),
            sentRetryAfter: measured.sentRetryAfter, sentRetryAfterMilliseconds: measured.sentRetryAfterMilliseconds,
            bodyFingerprint: request.body.isEmpty ? nil : MockEngine.fingerprint(request.body), hopStorage: JournalEntry.HopStorage(hop)
        )
        journal.append(entry)
        onEntry(entry)
        if let failure { throw failure }
    }

    /// Whether `request` opens a new connection after an earlier one (the first connection is not a reconnect).
    private func isReconnect(_ request: HTTPRequest) -> Bool {
        guard request.indexOnConnection == 1 else { return false }
        return seenConnection.withLock { seen in
            defer { seen = true }
            return seen
        }
    }

    /// `replay-on-reconnect`: sends the request upstream once and drains the answer.
    @available(*, noasync, message: "blocks")
    static func sendAndDiscard(_ request: HTTPClientRequest, options: HTTPClientOptions) {
        _ = try? HTTPClientConnection(request: request, options: options).run { _ in }
    }

    /// The provider a request speaks to: the given one, else guessed from the path, else from the port.
    func provider(forPath path: String) -> MockProviderKind {
        if configuration.isProviderGiven { return configuration.provider }
        if path.hasPrefix("/api/v0/") { return .lmstudio }
        if path.hasPrefix("/api/") { return .ollama }
        return configuration.provider
    }

    /// The one-line summary `llmcheck proxy -v` prints per request (key-like query values and
    /// tokens redacted by ``SecretMasking``).
    public static func summary(_ e: JournalEntry) -> String {
        SecretMasking.redactTokens(unredactedSummary(e))
    }

    private static func unredactedSummary(_ e: JournalEntry) -> String {
        func ms(_ offset: Duration?) -> String { offset.map { String(format2($0.milliseconds)) + " ms" } ?? "-" }
        var line = "#\(e.id) \(e.method) \(e.target) → \(e.status.map(String.init) ?? "no answer")"
        guard let hop = e.hop else { return line }
        if hop.upstream == nil { line += " (answered by the proxy)" }
        line += " · upstream head \(ms(hop.upstreamHead)), ttft \(ms(hop.upstreamFirstEvent))"
        line += " · " + NumberText.count(e.chunksSent, "chunk")
        let added = hop.addedPerChunk(writeOffsets: e.bodyWriteOffsets).sorted()
        if let head = hop.addedForHead(head: e.timeToHead) { line += " · added head \(ms(head))" }
        if !added.isEmpty { line += ", per chunk p50 \(ms(added[added.count / 2])) max \(ms(added.last))" }
        line += " · \(ms(e.duration)) · \(e.outcome)"
        if let error = hop.upstreamError { line += " · upstream: \(error)" }
        if !e.faults.isEmpty { line += " · faults: \(e.faults.map(\.description).joined(separator: "; "))" }
        return line
    }

    private static func format2(_ v: Double) -> String {
        let scaled = (v * 100).rounded() / 100
        return JSONValue.format(scaled)
    }
}
