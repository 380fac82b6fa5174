import HTTPWire

/// The request handler behind a mock server: control endpoints, fault scheduling, fixture
/// replay, the provider personality and the journal, in that order.
///
/// Use it directly as an ``HTTPHandler`` (`engine.handle`) or through ``MockProviderServer``.
public final class MockEngine: Sendable {
    /// The reserved path prefix of the control endpoints.
    public static let controlPrefix = "/__llmcheck/"
    /// A request header whose value is a fault spec applied to that request only
    /// (`X-LLMCheck-Fault: status=429,retry_after=1`); it takes precedence over installed faults.
    public static let faultHeader = "X-LLMCheck-Fault"

    public let configuration: MockConfiguration
    /// Installed faults and their counters.
    public let faultPlan: FaultPlan
    /// What the server saw.
    public let journal: RequestJournal
    let personality: any MockPersonality
    let replayer: FixtureReplayer
    let models: MockModelRegistry
    /// Monotonic time the engine was created (journal offsets are relative to it).
    public let createdAt: UInt64
    /// Masked secret header values, by value.
    let maskedValues = MaskedValueCache()

    public init(configuration: MockConfiguration) {
        self.configuration = configuration
        self.faultPlan = FaultPlan(seed: configuration.seed, faults: configuration.faults)
        self.journal = RequestJournal(capacity: configuration.journalCapacity)
        let models = MockModelRegistry(models: configuration.models, provider: configuration.provider, lmStudio: configuration.lmStudio)
        self.models = models
        switch configuration.provider {
        case .ollama: personality = OllamaPersonality(configuration: configuration, models: models)
        case .lmstudio: personality = LMStudioPersonality(configuration: configuration, models: models)
        case .openai: personality = OpenAIPersonality(configuration: configuration, models: models)
        }
        replayer = FixtureReplayer(fixtures: configuration.fixtures, speed: configuration.replaySpeed)
        createdAt = MonotonicClock.now()
    }

    /// Handles one request (the ``HTTPHandler`` of the server).
    public func handle(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) throws {
        let path = request.path
        if configuration.servesControlEndpoints, MockEngine.isControlPath(path) {
            return try ControlEndpoint(engine: self).handle(request, writer: writer)
        }
        let arrived = request.receivedAt > 0 ? request.receivedAt : MonotonicClock.now()
        let number = journal.makeID()
        let mock = MockRequest(http: request, number: number, path: path)
        let model = mock.model
        let headers = request.headers
        let faults: [FaultSpec]
        do { faults = try MockEngine.decideFaults(request, path: mock.path, model: model, plan: faultPlan) } catch {
            return try writer.respond(
                status: .badRequest, headers: ["Content-Type": "text/plain; charset=utf-8"],
                text: "\(MockEngine.faultHeader): \(error.description)\n")
        }
        let exchange = FaultInjector(base: writer, faults: faults, arrivedAt: arrived)
        var fixtureName: String?
        var outcome: JournalEntry.Outcome = .completed
        var failure: (any Error)?
        do {
            if let status = exchange.statusAnswer {
                let (head, body) = personality.errorResponse(for: status, request: mock)
                try exchange.writeHead(head)
                if request.method != .head, !body.isEmpty { try exchange.writeBody(body) }
                try exchange.finish()
            } else if !replayer.isEmpty, let (name, fixture) = replayer.match(mock) {
                fixtureName = name
                try replayer.replay(fixture, writer: exchange)
            } else {
                try personality.handle(mock, writer: exchange)
            }
            outcome = exchange.outcome
        } catch let ended as ExchangeEnded {
            outcome = ended.outcome
        } catch {
            outcome = exchange.outcome
            if case .completed = outcome { outcome = .failed(String(describing: error)) }
            failure = error
        }
        let end = MonotonicClock.now()
        let measured = exchange.measurement
        journal.append(JournalEntry(
            id: number, provider: configuration.provider, connectionID: request.connectionID,
            indexOnConnection: request.indexOnConnection, remoteAddress: request.remoteAddress,
            startedAtNanoseconds: arrived, offsetMilliseconds: Double(arrived &- createdAt) / 1e6,
            wallTimeUnixNanoseconds: WallClock.nowUnixNanoseconds(), method: request.method.rawValue, target: request.head.target,
            path: mock.path, model: model, stream: mock.stream,
            headers: journaledHeaders(headers), bodyBytes: request.body.count,
            status: measured.status, chunksSent: measured.chunksSent, bytesSent: measured.bytesSent,
            faults: faults, fixture: fixtureName, outcome: outcome,
            headNanoseconds: measured.headAt.map { $0 &- arrived }, firstByteNanoseconds: measured.firstByteAt.map { $0 &- arrived },
            durationNanoseconds: end &- arrived,
            bodyWriteOffsetsNanoseconds: measured.takeWriteOffsets(), bodyWriteCount: measured.writeCount,
            longestGapNanoseconds: measured.longestGap(until: end),
            sentRetryAfter: measured.sentRetryAfter, sentRetryAfterMilliseconds: measured.sentRetryAfterMilliseconds,
            bodyFingerprint: request.body.isEmpty ? nil : MockEngine.fingerprint(request.body)
        ))
        if let failure { throw failure }
    }

    /// The faults for one request: the installed ones its schedule picks, after the per-request
    /// `X-LLMCheck-Fault` header specs (schedule keys are ignored there). Shared by the mocks and the proxy.
    static func decideFaults(_ request: HTTPRequest, path: String, model: String?, plan: FaultPlan) throws(FaultSpecError) -> [FaultSpec] {
        let headers = request.headers
        var faults = plan.decide(method: request.method.rawValue, path: path, model: model, testID: { headers["X-Test-Id"] })
        for field in headers where field.name.utf8.count == 16 && field.name.caseInsensitiveEquals(MockEngine.faultHeader) {
            faults.insert(try FaultSpec.parse(field.value), at: 0)
        }
        return faults
    }

    /// FNV-1a over the bytes (the journal's body fingerprint).
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// `path.hasPrefix(controlPrefix)`, decided on the bytes when the text after the prefix is ASCII.
    static func isControlPath(_ path: String) -> Bool {
        let utf8 = path.utf8
        let prefix = controlPrefix.utf8
        guard utf8.starts(with: prefix) else { return false }
        // A combining mark after the prefix would join its last Character.
        if utf8.count > prefix.count, utf8[utf8.index(utf8.startIndex, offsetBy: prefix.count)] >= 0x80 {
            return path.hasPrefix(controlPrefix)
        }
        return true
    }

    /// Request headers as journaled: secrets masked, at most 40 fields of 256 characters.
    static func journaledHeaders(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        journaledHeaders(headers, mask: SecretMasking.mask)
    }

    /// ``journaledHeaders(_:)`` with the engine's cache of masked values (a client sends the same key
    /// on every request).
    func journaledHeaders(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        MockEngine.journaledHeaders(headers, mask: maskedValues.mask)
    }

    private static func journaledHeaders(_ headers: HTTPHeaders, mask: (String) -> String) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(min(headers.count, 40))
        for f in headers {
            if out.count == 40 { break }
            let value = SecretMasking.isSecretHeader(f.name) ? mask(f.value) : f.value.utf8.count <= 256 ? f.value : String(f.value.prefix(256))
            out.append((f.name, value))
        }
        return out
    }

    /// Clears the journal, restores the start-up faults with zeroed counters, and rewinds fixtures.
    public func reset() {
        journal.clear()
        faultPlan.removeAll()
        for f in configuration.faults { faultPlan.add(f) }
        replayer.resetCounters()
    }
}
