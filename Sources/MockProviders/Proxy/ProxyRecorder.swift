import HTTPWire

/// Turns proxied exchanges into a replayable ``Fixture`` (`llmcheck proxy --record DIR`, `llmcheck record`).
///
/// Secrets never reach the fixture: request headers are not recorded at all (the matcher keeps
/// method, path, the body's `model` and whether the request streamed), and secret response headers
/// (``SecretMasking/isSecretHeader(_:)``: `Set-Cookie`, `Authorization`…) are dropped. An exchange
/// cut short (the client or the upstream left mid-stream) is still recorded, marked incomplete.
public final class ProxyRecorder: Sendable {
    /// Describes every fixture written (stored in the file).
    public static let fixtureDescription = "Recorded by llmcheck proxy --record"

    private let exchanges = LockedValue<[FixtureExchange]>([])
    let provider: MockProviderKind?
    /// Called after every recorded exchange with the whole fixture so far and the new exchange.
    let onChange: @Sendable (Fixture, FixtureExchange) -> Void

    public init(provider: MockProviderKind?, onChange: @escaping @Sendable (Fixture, FixtureExchange) -> Void) {
        self.provider = provider
        self.onChange = onChange
    }

    /// Everything recorded so far.
    public var fixture: Fixture {
        Fixture(provider: provider, description: ProxyRecorder.fixtureDescription, exchanges: exchanges.withLock { $0 })
    }

    /// Records one exchange: the request as a matcher, the upstream's head (secrets dropped) and the
    /// events with their arrival offsets from the head.
    ///
    /// Every secret the request carried (``SecretMasking/requestSecrets(headers:target:)``) is masked
    /// where it reappears: in the recorded path and name, in response headers, and in chunks that
    /// echo it, also when the upstream split it across chunks (the mask then goes into the chunk where
    /// the secret starts, and a chunk left empty is dropped).
    func record(request: HTTPRequest, json: JSONValue?, head: HTTPResponseHead, chunks: [FixtureChunk], isComplete: Bool) {
        let secrets = SecretMasking.requestSecrets(headers: request.headers, target: request.head.target)
        let chunks = secrets.isEmpty ? chunks : Self.masked(chunks, secrets: secrets)
        let path = SecretMasking.redactRequestText(request.path, secrets: secrets)
        var headers = HTTPHeaders()
        for f in head.headers where !f.isSecret {
            headers.add(name: f.name, value: secrets.isEmpty ? f.value : SecretMasking.redact(f.value, secrets: secrets))
        }
        for name in ["Transfer-Encoding", "Connection", "Keep-Alive"] { headers.remove(name: name) }
        let bodyCount = chunks.reduce(0) { $0 + $1.bytes.count }
        if let length = headers["Content-Length"], Int(length) != bodyCount { headers.remove(name: "Content-Length") }
        var matcherBody: JSONValue?
        if let model = json?["model"] { matcherBody = .object([("model", model)]) }
        let streams = FixtureRequestMatcher.streams(path: request.path, json: json)
        let matcher = FixtureRequestMatcher(method: request.method.rawValue, path: path, body: matcherBody, streams: streams)
        var name = "\(request.method.rawValue) \(path)" + (model(json).map { " \($0)" } ?? "")
        if streams { name += " (stream)" }
        let exchange = FixtureExchange(
            name: name, request: matcher, response: FixtureResponse(status: head.status.code, headers: headers, chunks: chunks),
            isIncomplete: !isComplete)
        let fixture: Fixture = exchanges.withLock { list in
            list.append(exchange)
            return Fixture(provider: provider, description: ProxyRecorder.fixtureDescription, exchanges: list)
        }
        onChange(fixture, exchange)
    }

    private func model(_ json: JSONValue?) -> String? { json?["model"]?.stringValue }
}

extension ProxyRecorder {
    /// `chunks` with `secrets` masked across chunk boundaries (``SecretMasking/redact(chunks:secrets:)``);
    /// a chunk that held nothing but the tail of a secret is dropped.
    static func masked(_ chunks: [FixtureChunk], secrets: [String]) -> [FixtureChunk] {
        let bytes = SecretMasking.redact(chunks: chunks.map(\.bytes), secrets: secrets)
        return zip(chunks, bytes).compactMap { chunk, bytes in
            bytes.isEmpty && !chunk.bytes.isEmpty ? nil : FixtureChunk(offsetMilliseconds: chunk.offsetMilliseconds, bytes: bytes)
        }
    }
}
