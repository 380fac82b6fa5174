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
    public let createdAt: MonotonicInstant
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
        createdAt = .now()
    }

    /// Handles one request (the ``HTTPHandler`` of the server).
    public func handle(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) throws {
        let path = request.path
        if configuration.servesControlEndpoints, MockEngine.isControlPath(path) {
            return try ControlEndpoint(engine: self).handle(request, writer: writer)
        }
        let arrived = request.receivedAt ?? .now()
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
        let end = MonotonicInstant.now()
        // Secrets of this request (secret headers, key-like query parameters) are masked wherever
        // the journal repeats them: target, path, fault texts (a `message=` may quote a key).
        let (journaledHeaders, secrets) = journaled(headers, target: request.head.target)
        let target = SecretMasking.redactRequestText(request.head.target, secrets: secrets)
        let journaledPath = mock.path.hasSameBytes(as: request.head.target) ? target : SecretMasking.redactRequestText(mock.path, secrets: secrets)
        if case .failed(let message) = outcome { outcome = .failed(SecretMasking.redactRequestText(message, secrets: secrets)) }
        let measured = exchange.measurement
        journal.append(JournalEntry(
            id: number, provider: configuration.provider, connectionID: request.connectionID,
            indexOnConnection: request.indexOnConnection, remoteAddress: request.remoteAddress,
            startedAt: arrived, offsetMilliseconds: createdAt.duration(to: arrived).milliseconds,
            wallTimeUnixNanoseconds: WallClock.nowUnixNanoseconds(), method: request.method.rawValue, target: target,
            path: journaledPath, model: model, stream: mock.stream,
            headers: journaledHeaders, bodyBytes: request.body.count,
            status: measured.status, chunksSent: measured.chunksSent, bytesSent: measured.bytesSent,
            faults: faults.isEmpty ? faults : faults.map { MockEngine.masked($0, secrets: secrets) },
            fixture: fixtureName, outcome: outcome,
            timeToHead: measured.timeToHead, timeToFirstByte: measured.timeToFirstByte,
            duration: measured.sinceArrival(end),
            bodyWriteOffsets: measured.takeWriteOffsets(), bodyWriteCount: measured.writeCount,
            longestGap: measured.longestGap(until: end),
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

    /// `path.hasPrefix(controlPrefix)` or the prefix without its slash (`/__llmcheck`), decided on
    /// the bytes when the text after the prefix is ASCII.
    static func isControlPath(_ path: String) -> Bool {
        let utf8 = path.utf8
        let prefix = controlPrefix.utf8
        // Most paths differ in length from the bare prefix: decided on the count.
        guard utf8.starts(with: prefix) else { return utf8.count == prefix.count - 1 && utf8.elementsEqual(prefix.dropLast()) }
        // A combining mark after the prefix would join its last Character.
        if utf8.count > prefix.count, utf8[utf8.index(utf8.startIndex, offsetBy: prefix.count)] >= 0x80 {
            return path.hasPrefix(controlPrefix)
        }
        return true
    }

    /// Request headers as journaled, and the request's secrets
    /// (``SecretMasking/requestSecrets(headers:target:)``), in one pass over the fields: every field
    /// is kept; secret headers (``HTTPHeaders/Field/isSecret``) are masked; in the others every
    /// secret value is masked (and token shapes in the fault header, whose `message=` is free
    /// text); other values are cut at 256 characters.
    static func journaled(_ headers: HTTPHeaders, target: String, mask: (String) -> String = SecretMasking.mask) -> (headers: [(name: String, value: String)], secrets: [String]) {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(headers.count)
        var secrets: [String] = []
        // Whether a field other than a secret one needs the second pass without any secret: the fault
        // header (token shapes) or a value over 256 bytes. Usually none: the pass is skipped.
        var needsSecondPass = false
        for f in headers {
            if f.isSecret {
                SecretMasking.collectSecret(ofHeaderValue: f.value, into: &secrets)
                out.append((f.name, mask(f.value)))
            } else {
                if f.value.utf8.count > 256 || (f.name.utf8.count == 16 && f.name.caseInsensitiveEquals(faultHeader)) { needsSecondPass = true }
                out.append((f.name, f.value))
            }
        }
        if SecretMasking.hasQuery(target) { SecretMasking.collectQuerySecrets(target: target, into: &secrets) }
        guard needsSecondPass || !secrets.isEmpty else { return (out, secrets) }
        for i in out.indices {
            if headers.fields[i].isSecret { continue }
            let isFaultHeader = out[i].name.utf8.count == 16 && out[i].name.caseInsensitiveEquals(faultHeader)
            if secrets.isEmpty, !isFaultHeader, out[i].value.utf8.count <= 256 { continue }
            var value = out[i].value
            if isFaultHeader {
                value = SecretMasking.redactRequestText(value, secrets: secrets)
            } else if !secrets.isEmpty {
                value = SecretMasking.redact(value, secrets: secrets)
            }
            if value.utf8.count > 256 { value = String(value.prefix(256)) }
            out[i].value = value
        }
        return (out, secrets)
    }

    /// ``journaled(_:target:mask:)`` with the engine's cache of masked values (a client sends the
    /// same key on every request).
    func journaled(_ headers: HTTPHeaders, target: String) -> (headers: [(name: String, value: String)], secrets: [String]) {
        MockEngine.journaled(headers, target: target, mask: maskedValues.mask)
    }

    /// The journaled headers alone (``journaled(_:target:)``), for journals kept elsewhere (the proxy).
    func journaledHeaders(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        journaled(headers, target: "").headers
    }

    /// `spec` with the secrets of its request and token shapes masked in its free-text message
    /// (`status=…,message=` and `stream_error=…,message=`), as the journal shows it.
    static func masked(_ spec: FaultSpec, secrets: [String]) -> FaultSpec {
        var spec = spec
        switch spec.action {
        case .status(var status):
            if let message = status.message {
                status.message = SecretMasking.redactRequestText(message, secrets: secrets)
                spec.action = .status(status)
            }
        case .streamError(let after, let message?):
            spec.action = .streamError(afterChunks: after, message: SecretMasking.redactRequestText(message, secrets: secrets))
        default:
            break
        }
        return spec
    }

    /// Clears the journal, restores the start-up faults with zeroed counters, and rewinds fixtures.
    public func reset() {
        journal.clear()
        faultPlan.removeAll()
        for f in configuration.faults { faultPlan.add(f) }
        replayer.resetCounters()
    }
}
