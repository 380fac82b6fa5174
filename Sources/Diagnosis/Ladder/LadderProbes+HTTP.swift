import Foundation
import HTTPWire

extension LadderProbes {
    // MARK: - Protocol sniff (rung 3)

    func sniffProtocol() async -> CheckResult {
        let title = "Protocol"
        guard let address = await state.workingAddress else { return result("protocol", title, .skip, "no reachable address") }
        let port = endpoint.port
        if endpoint.isHTTPS {
            let hello = TLSClientHello.bytes(serverName: endpoint.host)
            let exchange = await ProbeNet.exchange(
                address, port: port, request: hello, connectTimeout: configuration.connectTimeout,
                idleTimeout: configuration.readTimeout, totalTimeout: configuration.readTimeout, maximumBytes: 16384,
                isComplete: { $0.count >= 5 }
            )
            let bytes = exchange.bytes
            var evidence = [Evidence("reply to TLS ClientHello", bytes.isEmpty ? "no bytes (\(exchange.end?.rawValue ?? "?"))" : ProbeHTTP.readable(bytes))]
            if TLSClientHello.isTLSRecord(bytes) {
                return result("protocol", title, .pass, bytes[0] == 0x16 ? "TLS handshake answered" : "TLS alert received (the port speaks TLS)", evidence: evidence)
            }
            // No TLS: ask the same port in clear text (a plain server may wait for a request line
            // and never answer the handshake bytes).
            var plainReply = bytes
            if !ProbeHTTP.looksLikeHTTP(bytes) {
                let plain = await ProbeNet.exchange(
                    address, port: port, request: Array("GET / HTTP/1.0\r\nHost: \(endpoint.authority)\r\n\r\n".utf8),
                    connectTimeout: configuration.connectTimeout, idleTimeout: configuration.readTimeout,
                    totalTimeout: configuration.readTimeout, maximumBytes: 4096, isComplete: ResponseCompletion(method: "GET", goal: .head).isComplete
                )
                evidence.append(Evidence("plain GET / on the same port", plain.bytes.isEmpty ? "no bytes (\(plain.end?.rawValue ?? "?"))" : ProbeHTTP.readable(plain.bytes)))
                plainReply = plain.bytes
            }
            if ProbeHTTP.looksLikeHTTP(plainReply) {
                var fixed = endpoint
                fixed.scheme = "http"
                return result("protocol", title, .fail, "port \(port) speaks plain HTTP, not TLS", evidence: evidence,
                    findings: [Finding(
                        "tls-scheme-mismatch",
                        message: "The URL says https://, but port \(port) speaks plain HTTP: \(bytes == plainReply ? "it answered the TLS handshake with" : "no TLS answer to a handshake; a clear-text request got") \"\(ProbeHTTP.statusLine(plainReply))\". TLS clients fail on that answer.",
                        fix: "Use \(fixed.normalized), or put a TLS reverse proxy in front and point the app at it."
                    )])
            }
            if bytes.isEmpty, exchange.end == .timedOut, plainReply.isEmpty {
                return result("protocol", title, .fail, "connected, but no reply to a TLS handshake nor to plain HTTP within \(ConnectAttempt.format(seconds: configuration.readTimeout))", evidence: evidence,
                    findings: [Finding(
                        "accepts-but-hangs",
                        message: "\(address.urlHost):\(port) accepts connections but answers neither a TLS handshake nor a plain HTTP request within \(ConnectAttempt.format(seconds: configuration.readTimeout)).",
                        fix: FailureCatalog.mode("accepts-but-hangs")?.fix.general
                    )])
            }
            return result("protocol", title, .fail, "unrecognised reply to a TLS handshake: \(bytes.isEmpty ? "connection \(exchange.end?.rawValue ?? "ended") without data" : ProbeHTTP.hexPreview(bytes))", evidence: evidence)
        }
        let outcome = await state.get("/")
        let evidence = [Evidence("GET /", outcome.sketch)]
        switch outcome {
        case .response(let r):
            if r.status == 400, r.text.lowercased().contains("plain http request was sent to https port") || r.text.contains("speaking plain HTTP to an SSL") {
                return tlsWanted(evidence, "answered 400 '\(r.text.prefix(60))'")
            }
            return result("protocol", title, .pass, "HTTP/1.x, first byte after \(ConnectAttempt.format(r.firstByteMilliseconds ?? r.totalMilliseconds))", evidence: evidence)
        case .notHTTP(let bytes, _):
            if TLSClientHello.isTLSRecord(bytes) { return tlsWanted(evidence, "answered with TLS bytes \(ProbeHTTP.hexPreview(bytes, count: 7))") }
            return result("protocol", title, .fail, "unrecognised response: \(bytes.count) bytes that are not HTTP (\(ProbeHTTP.hexPreview(bytes)))", evidence: evidence,
                findings: [Finding(
                    "wrong-service-on-port",
                    message: "Port \(port) answers an HTTP request with \(bytes.count) bytes that are not HTTP: \"\(printable(bytes))\" — a service that does not speak HTTP owns the port.",
                    fix: "Use the LLM API's port (Ollama 11434, LM Studio 1234), or stop the program that owns port \(port)."
                )])
        case .noAnswer(let end, let ms):
            if end == .timedOut {
                let owner = portOwner()
                return result("protocol", title, .fail, "connected, but no byte arrived within \(ConnectAttempt.format(ms))", evidence: evidence,
                    findings: [Finding(
                        "accepts-but-hangs",
                        message: "\(address.urlHost):\(port) accepts connections but sent nothing for GET / within \(ConnectAttempt.format(ms)) (--read-timeout); every provider answers that instantly.\(owner.map { " The port belongs to \($0)." } ?? "")",
                        fix: FailureCatalog.mode("accepts-but-hangs")?.fix.general
                    )])
            }
            // Closed or reset without a byte: maybe a TLS port that drops plain text.
            let hello = TLSClientHello.bytes(serverName: endpoint.host)
            let tls = await ProbeNet.exchange(
                address, port: port, request: hello, connectTimeout: configuration.connectTimeout,
                idleTimeout: configuration.readTimeout, totalTimeout: configuration.readTimeout, maximumBytes: 4096, isComplete: { $0.count >= 5 }
            )
            if TLSClientHello.isTLSRecord(tls.bytes) {
                return tlsWanted(evidence + [Evidence("TLS ClientHello", ProbeHTTP.hexPreview(tls.bytes))], "closed the plain-HTTP request but answers TLS")
            }
            return result("protocol", title, .fail, "unrecognised response: the server \(end == .reset ? "reset" : "closed") the connection without answering GET /", evidence: evidence)
        case .connectFailed(let a):
            return result("protocol", title, .fail, "the connection failed this time: \(a.summary)", evidence: evidence)
        case .transportError(let text):
            return result("protocol", title, .fail, text, evidence: evidence)
        }
    }

    private func tlsWanted(_ evidence: [Evidence], _ what: String) -> CheckResult {
        var fixed = endpoint
        fixed.scheme = "https"
        return result("protocol", "Protocol", .fail, "port \(endpoint.port) expects TLS: \(what)", evidence: evidence,
            findings: [Finding(
                "tls-scheme-mismatch",
                message: "The URL says http://, but port \(endpoint.port) expects TLS (it \(what)).",
                fix: "Use \(fixed.normalized), or point the app at the plain-HTTP port of the server."
            )])
    }

    func printable(_ bytes: [UInt8]) -> String {
        String(bytes.prefix(60).map { (32..<127).contains($0) ? Character(UnicodeScalar($0)) : "." })
    }

    // MARK: - Identity (rung 4)

    func identify() async -> CheckResult {
        let title = "Identity"
        let auth = await state.authHeaders
        let outcomes = await withTaskGroup(of: (String, ProbeOutcome).self) { group in
            for path in Identity.paths {
                let headers = Identity.wantsKey(path) ? auth : []
                group.addTask { (path, await state.get(path, headers: headers)) }
            }
            var all: [String: ProbeOutcome] = [:]
            for await (p, o) in group { all[p] = o }
            return all
        }
        if endpoint.isHTTPS, case .transportError(let text)? = outcomes["/"] {
            let lower = text.lowercased()
            if lower.contains("certificate") || lower.contains("ssl") || lower.contains("trust") || lower.contains("tls") {
                let env = ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE"]
                    .compactMap { n in configuration.environment[n].map { "\(n)=\($0)" } }
                return result("identity", "Identity", .fail, "TLS failed: \(text)",
                    evidence: [Evidence("GET / over TLS", text)] + env.map { Evidence("CA setting", $0) },
                    findings: [Finding(
                        "tls-untrusted-cert",
                        message: "The TLS handshake with \(endpoint.host) failed: \(text). The certificate chain is not trusted here — typically a TLS-inspecting corporate proxy or a self-signed reverse proxy.",
                        fix: FailureCatalog.mode("tls-untrusted-cert")?.fix.general
                    )])
            }
        }
        var identity = Identity.classify(outcomes, host: endpoint.host)
        var evidence = identity.evidence
        if !identity.banners.isEmpty { evidence.append(Evidence("banners", identity.banners.joined(separator: "; "))) }
        var findings: [Finding] = []
        if identity.kind == .forbidden || (identity.kind == .unknown && outcomes["/"]?.response?.status == 403) {
            // Ollama's DNS-rebinding guard: retry with a local Host header.
            let local = await state.send(ProbeRequest(path: "/", hostHeader: "localhost:\(endpoint.port)"))
            evidence.append(Evidence("GET / with Host: localhost:\(endpoint.port)", local.sketch))
            if let r = local.response, r.status == 200 {
                var retried = outcomes
                retried["/"] = local
                let version = await state.send(ProbeRequest(path: "/api/version", hostHeader: "localhost:\(endpoint.port)"))
                retried["/api/version"] = version
                identity = Identity.classify(retried, host: endpoint.host)
                findings.append(Finding(
                    "host-header-403",
                    message: "\(identity.displayName) answers 403 (empty body) when the Host header is '\(endpoint.authority)' but 200 with 'localhost:\(endpoint.port)': it rejects non-local host names (DNS-rebinding guard), as happens behind tunnels and reverse proxies.",
                    fix: FailureCatalog.mode("host-header-403")?.fix.general
                ))
            }
        }
        await state.setIdentity(identity)
        if !findings.isEmpty {
            return result("identity", title, .fail, "\(identity.displayName), but only with a local Host header", evidence: evidence, findings: findings)
        }
        switch identity.kind {
        case .ollama, .lmstudio, .llamacpp, .vllm, .openai, .openAICompatible:
            if identity.kind == .ollama, endpoint.isLoopback {
                if let other = await otherOllamaInstance(version: identity.version) {
                    evidence.append(Evidence("other instance", other.0))
                    findings.append(other.1)
                }
            }
            return result("identity", title, findings.isEmpty ? .pass : .warn, identity.displayName, evidence: evidence, findings: findings)
        case .openWebUI, .htmlPage:
            var fix = "Use the LLM API's port (Ollama 11434, LM Studio 1234, llama-server 8080, vLLM 8000)."
            if !configuration.scanPorts.isEmpty, isThisMachineHost {
                let hits = await scanPorts(excluding: endpoint.port).filter { $0.identity.isLLMServer }
                if let hit = hits.first {
                    var fixed = endpoint
                    fixed.port = hit.port
                    fix = "\(hit.identity.displayName) answers on port \(hit.port): use \(fixed.normalized)."
                    evidence.append(Evidence("scan :\(hit.port)", hit.identity.displayName))
                }
            }
            return result("identity", title, .fail, "\(identity.displayName): \(identity.rootSketch)", evidence: evidence,
                findings: [Finding(
                    "wrong-service-on-port",
                    message: "Port \(endpoint.port) serves \(identity.displayName), not an LLM API (GET / → \(identity.rootSketch))\(portOwner().map { "; it belongs to \($0)" } ?? ""). Apps fail with \"Unexpected token '<'\" or empty model lists.",
                    fix: fix
                )])
        case .forbidden:
            return result("identity", title, .fail, "every request got 403 with an empty body", evidence: evidence)
        case .unknown:
            return result("identity", title, .fail, "unrecognised response: \(identity.rootSketch)", evidence: evidence)
        }
    }

    /// `docker-proxy (PID 812)` when the target port is local and its owner is visible in /proc.
    func portOwner() -> String? {
        guard isThisMachineHost else { return nil }
        return RuntimeContext.listenerOwners(port: endpoint.port, root: configuration.fileSystemRoot)
            .first { $0.command != nil }.map { "\($0.command ?? "?") (PID \($0.pid.map(String.init) ?? "?"))" }
    }

    /// The dialect the app speaks: as configured, except that a bare URL with a guessed provider
    /// (no `--provider`, no path) follows what answers — an Ollama there is used natively.
    func dialect(for identity: Identity) -> Dialect {
        if !target.isProviderKnown, endpoint.path.isEmpty, identity.kind == .ollama { return .ollamaNative }
        return target.dialect
    }

    var isThisMachineHost: Bool { endpoint.isLoopback || Endpoint.isWildcard(endpoint.host) }

    /// Another Ollama on the sibling loopback address with a different version.
    private func otherOllamaInstance(version: String?) async -> (String, Finding)? {
        let current = await state.workingAddress
        let sibling = current?.family == .ipv6 ? SocketAddress.loopbackIPv4(port: endpoint.port) : SocketAddress.loopbackIPv6(port: endpoint.port)
        let o = await ProbeHTTP.send(
            ProbeRequest(path: "/api/version"), to: sibling, port: endpoint.port, authority: "localhost:\(endpoint.port)",
            connectTimeout: min(configuration.connectTimeout, 1), readTimeout: min(configuration.readTimeout, 3)
        )
        guard let other = o.response?.json?["version"]?.stringValue, other != version else { return nil }
        // Name the processes (from /proc) so the fix says which one to stop.
        let owners = RuntimeContext.listenerOwners(port: endpoint.port, root: configuration.fileSystemRoot)
        let named = owners.filter { $0.command != nil }
        let generic = FailureCatalog.mode("multiple-ollama-instances")?.fix.general ?? ""
        let fix = named.count >= 2
            ? "Stop one of them: \(named.map(\.description).joined(separator: "; ")) — e.g. `kill \(named.last?.pid.map(String.init) ?? "PID")`, or stop its service/container. \(generic)"
            : "Stop one of them: the one on \(current?.urlHost ?? "?") (Ollama \(version ?? "?")) or the one on \(sibling.urlHost) (Ollama \(other))\(named.isEmpty ? "" : "; listening: " + named.map(\.description).joined(separator: "; ")). \(generic)"
        return (
            "\(sibling.urlHost):\(endpoint.port) → Ollama \(other)",
            Finding(
                "multiple-ollama-instances", severity: .warning,
                message: "Two Ollama servers answer on port \(endpoint.port): \(current?.urlHost ?? "?") runs \(version ?? "?"), \(sibling.urlHost) runs \(other). Apps using 'localhost' may reach either, with different models.",
                fix: fix
            )
        )
    }

    // MARK: - Path and dialect (rung 5)

    func checkPath() async -> CheckResult {
        let title = "Path and dialect"
        guard let identity = await state.identity, identity.isLLMServer else {
            return result("path", title, .skip, "skipped: no LLM server identified")
        }
        let auth = await state.authHeaders
        let base = endpoint.path
        switch dialect(for: identity) {
        case .ollamaNative:
            let tags = await state.get("/api/tags")
            let evidence = [Evidence("GET /api/tags", tags.sketch)]
            if let r = tags.response, r.status == 200, r.json?["models"]?.arrayValue != nil {
                return result("path", title, .pass, "Ollama native API answers (/api/tags)", evidence: evidence)
            }
            if identity.servesOpenAIList || identity.kind != .ollama {
                return result("path", title, .fail, "\(identity.displayName) does not speak Ollama's native /api", evidence: evidence,
                    findings: [Finding(
                        "api-dialect-mismatch",
                        message: "The app uses Ollama's native API (/api/*), but this server is \(identity.displayName), which speaks the OpenAI-style API only (GET /api/tags → \(tags.sketch)).",
                        fix: "Choose the provider type 'OpenAI-compatible' with base URL \(endpoint.rootURL("/v1"))."
                    )])
            }
            return result("path", title, .fail, "unrecognised response to GET /api/tags: \(tags.sketch)", evidence: evidence)
        case .openAI:
            let models = await state.get(base + "/models", headers: auth)
            var evidence = [Evidence("GET \(base)/models", models.sketch)]
            if isModelList(models) || models.response?.status == 401 || models.response?.status == 403 && models.response?.body.isEmpty == false {
                return result("path", title, .pass, "OpenAI-style API answers at \(endpoint.normalized)", evidence: evidence)
            }
            if models.response?.status == 429 {
                return result("path", title, .pass, "\(base)/models exists (answered 429)", evidence: evidence)
            }
            // Candidates: add /v1, or strip an endpoint suffix.
            var candidates: [String] = []
            if !base.lowercased().hasSuffix("/v1") { candidates.append(base + "/v1") }
            if let doubled = URLLint.doubledPath(endpoint) { candidates.append(doubled.base) }
            if !base.isEmpty { candidates.append("/v1") }
            var unique: [String] = []
            for c in candidates where !unique.contains(c) && c != base { unique.append(c) }
            for candidate in unique {
                let o = await state.get(candidate + "/models", headers: auth)
                evidence.append(Evidence("GET \(candidate)/models", o.sketch))
                guard isModelList(o) || o.response?.status == 401 else { continue }
                var fixed = endpoint
                fixed.path = candidate
                if URLLint.doubledPath(endpoint) != nil {
                    // Already reported by the URL check; confirmed here.
                    return result("path", title, .fail, "the API answers at \(fixed.normalized), not \(endpoint.normalized)", evidence: evidence)
                }
                return result("path", title, .fail, "the API answers at \(fixed.normalized), not \(endpoint.normalized)", evidence: evidence,
                    findings: [Finding(
                        "base-url-missing-v1",
                        message: "GET \(base)/models → \(models.sketch), while GET \(candidate)/models answers the model list: the base URL lacks /v1.",
                        fix: "Set the base URL to \(fixed.normalized)."
                    )])
            }
            if identity.kind == .ollama {
                let native = await state.get("/api/tags")
                evidence.append(Evidence("GET /api/tags", native.sketch))
                let v1 = await state.get("/v1/models", headers: auth)
                if native.response?.status == 200, v1.response?.status == 404 {
                    let version = identity.version ?? "unknown"
                    let old = identity.version.map { ModelNames.version($0, isOlderThan: "0.1.24") } ?? true
                    if old {
                        return result("path", title, .fail, "Ollama \(version) has no OpenAI-compatible /v1 API", evidence: evidence,
                            findings: [Finding(
                                "server-too-old-for-endpoint",
                                message: "This Ollama (version \(version)) answers its native API but 404 for /v1/models: the OpenAI-compatible API needs Ollama ≥ 0.1.24.",
                                fix: FailureCatalog.mode("server-too-old-for-endpoint")?.fix.text(for: configuration.platform)
                            )])
                    }
                }
                if native.response?.status == 200 {
                    return result("path", title, .fail, "the server answers Ollama's native API only", evidence: evidence,
                        findings: [Finding(
                            "api-dialect-mismatch",
                            message: "The app uses the OpenAI-style API at \(endpoint.normalized), but only Ollama's native /api answers here.",
                            fix: "Choose the provider type 'Ollama' with URL \(endpoint.rootURL("")), or use base URL \(endpoint.rootURL("/v1"))."
                        )])
                }
            }
            return result("path", title, .fail, "unrecognised response to GET \(base)/models: \(models.sketch)", evidence: evidence)
        }
    }

    func isModelList(_ outcome: ProbeOutcome) -> Bool {
        guard let r = outcome.response, r.status == 200, let json = r.json else { return false }
        return json["data"]?.arrayValue != nil || json["object"]?.stringValue == "list"
    }

    /// The base path that answers the OpenAI model list (corrected if the path check found one).
    func workingBase() async -> String {
        let auth = await state.authHeaders
        if isModelList(await state.get(endpoint.path + "/models", headers: auth)) { return endpoint.path }
        if let d = URLLint.doubledPath(endpoint), isModelList(await state.get(d.base + "/models", headers: auth)) { return d.base }
        if isModelList(await state.get("/v1/models", headers: auth)) { return "/v1" }
        return endpoint.path
    }
}
