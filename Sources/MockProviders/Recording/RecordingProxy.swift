import Foundation
import HTTPWire

/// A recording proxy: forwards every request to a real provider over plain HTTP, streams the
/// answer back unchanged, and records request matcher + response chunks with their time
/// offsets as a ``Fixture``.
///
/// Secrets never reach the fixture: request headers are not recorded at all (the matcher keeps
/// method, path and the body's `model`/`stream`), secret response headers (`Set-Cookie`…) are
/// dropped, and every secret the request carried (``SecretMasking/requestSecrets(headers:target:)``)
/// is masked where it reappears: in the recorded path and name, and in response chunks that echo
/// it (a secret split across two chunks is masked in neither; upstreams echo keys inside one JSON
/// error body).
public final class RecordingProxy: Sendable {
    /// Where requests go: `http://host:port[/base-path]`.
    public let upstream: HTTPClientRequest
    private let basePath: String
    private let server: HTTPServer
    private let store: Store
    private let provider: MockProviderKind?

    /// Recorded exchanges; `onChange` sees every new fixture state.
    final class Store: Sendable {
        private let exchanges = LockedValue<[FixtureExchange]>([])
        let onChange: @Sendable (Fixture) -> Void
        let provider: MockProviderKind?

        init(provider: MockProviderKind?, onChange: @escaping @Sendable (Fixture) -> Void) {
            self.provider = provider
            self.onChange = onChange
        }

        func append(_ exchange: FixtureExchange) {
            let fixture: Fixture = exchanges.withLock {
                $0.append(exchange)
                return Fixture(provider: provider, description: "Recorded by llmcheck record", exchanges: $0)
            }
            onChange(fixture)
        }

        var fixture: Fixture {
            Fixture(provider: provider, description: "Recorded by llmcheck record", exchanges: exchanges.current)
        }
    }

    /// - Parameters:
    ///   - upstream: `http://host[:port][/path]` of the real provider (https is not supported).
    ///   - onChange: called after every recorded exchange with the whole fixture so far.
    /// - Returns: nil when `upstream` is not a plain `http://` URL.
    public init?(
        upstream: String, provider: MockProviderKind? = nil, configuration: HTTPServerConfiguration = .init(),
        onChange: @escaping @Sendable (Fixture) -> Void = { _ in }
    ) {
        guard let request = HTTPClientRequest(url: upstream) else { return nil }
        self.upstream = request
        var base = request.target
        if base.hasSuffix("/") { base.removeLast() }
        self.basePath = base
        self.provider = provider
        let store = Store(provider: provider, onChange: onChange)
        self.store = store
        let upstreamRequest = request
        let basePath = base
        self.server = HTTPServer(configuration: configuration) { incoming, writer in
            try RecordingProxy.forward(incoming, writer: writer, upstream: upstreamRequest, basePath: basePath, store: store)
        }
    }

    @discardableResult
    public func start() throws -> UInt16 { try server.start() }
    public var baseURL: String { server.baseURL }
    public var port: UInt16 { server.port }
    @available(*, noasync, message: "use shutdown(grace:) from async code")
    public func stop(grace: Duration? = nil) { server.stop(grace: grace) }
    public func shutdown(grace: Duration? = nil) async { await server.shutdown(grace: grace) }

    /// Everything recorded so far.
    public var fixture: Fixture { store.fixture }

    // MARK: - Forwarding

    static let hopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host", "content-length", "accept-encoding"]

    static func forward(_ incoming: HTTPRequest, writer: any HTTPResponseWriter, upstream: HTTPClientRequest, basePath: String, store: Store) throws {
        let secrets = SecretMasking.requestSecrets(headers: incoming.headers, target: incoming.head.target)
        var headers = HTTPHeaders()
        for f in incoming.headers where !hopByHop.contains(f.name.lowercased()) { headers.add(name: f.name, value: f.value) }
        var request = upstream
        request.method = incoming.method
        request.target = basePath + incoming.head.target
        request.headers = headers
        request.body = incoming.body
        let connection = HTTPClientConnection(request: request)
        var recordedHead: HTTPResponseHead?
        var headAt: UInt64 = 0
        var chunks: [FixtureChunk] = []
        var writeFailure: (any Error)?
        do {
            _ = try connection.run { event in
                guard writeFailure == nil else { return }
                do {
                    switch event {
                    case .head(let head, let at):
                        headAt = at
                        var forwarded = head
                        forwarded.headers.remove(name: "Transfer-Encoding")
                        forwarded.headers.remove(name: "Connection")
                        forwarded.headers.remove(name: "Keep-Alive")
                        recordedHead = forwarded
                        try writer.writeHead(forwarded)
                    case .body(let bytes, let at):
                        chunks.append(FixtureChunk(offsetMilliseconds: Double(at &- headAt) / 1e6, bytes: SecretMasking.redact(bytes, secrets: secrets)))
                        try writer.writeBody(bytes)
                    case .end:
                        try writer.finish()
                    default:
                        break
                    }
                } catch {
                    writeFailure = error
                    connection.cancel()
                }
            }
        } catch {
            if let writeFailure { throw writeFailure }
            if recordedHead == nil {
                try writer.respond(status: .badGateway, headers: ["Content-Type": "text/plain; charset=utf-8"], text: "llmcheck record: upstream \(request.hostHeader) failed: \(error)\n")
                return
            }
            throw error
        }
        guard let head = recordedHead else { return }
        var recordedHeaders = HTTPHeaders()
        for f in head.headers where !SecretMasking.isSecretHeader(f.name) {
            recordedHeaders.add(name: f.name, value: secrets.isEmpty ? f.value : SecretMasking.redact(f.value, secrets: secrets))
        }
        if let length = recordedHeaders["Content-Length"], Int(length) != chunks.reduce(0, { $0 + $1.bytes.count }) {
            recordedHeaders.remove(name: "Content-Length")
        }
        var matcherBody: JSONValue?
        if let json = try? JSONValue.parse(incoming.body), json.objectValue != nil {
            var pairs: [(String, JSONValue)] = []
            for key in ["model", "stream"] { if let v = json[key] { pairs.append((key, v)) } }
            if !pairs.isEmpty { matcherBody = .object(pairs) }
        }
        let path = SecretMasking.redactRequestText(incoming.path, secrets: secrets)
        let matcher = FixtureRequestMatcher(method: incoming.method.rawValue, path: path, body: matcherBody)
        let name = "\(incoming.method.rawValue) \(path)" + (matcherBody?["model"]?.stringValue.map { " \($0)" } ?? "")
        store.append(FixtureExchange(name: name, request: matcher, response: FixtureResponse(status: head.status.code, headers: recordedHeaders, chunks: chunks)))
    }
}
