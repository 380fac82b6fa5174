import Foundation
import HTTPWire

// MARK: - ScenarioParser

/// Turns the JSON of one scenario file into ``Scenario`` values, validating every key.
///
/// A file holds one scenario object or an array of them. Pass-through values (`faults`, `models`,
/// `fixtures`, `generation`, `options`) are checked by ``validation`` hooks so that their errors also
/// name the file and key path.
public struct ScenarioParser: Sendable {
    /// Checks pass-through values owned by other modules (the mock's fault form, error codes).
    public struct Validation: Sendable {
        /// Validates one fault object found at `path` (`servers[0].faults[1]`); returns the problem's
        /// location (key path) and message, or nil when the fault is valid.
        public var fault: @Sendable (_ fault: JSONValue, _ path: String) -> (location: String, message: String)?
        /// Validates a fixture path (relative to the scenario file `file`); returns a message when unusable.
        public var fixture: @Sendable (_ path: String, _ file: String) -> String?
        /// Error codes `expect.error_code` may name; nil accepts any non-empty string.
        public var errorCodes: Set<String>?
        /// Finding ids `expect.findings` may name (llmock's underscore codes are accepted as aliases).
        public var findingIDs: Set<String>
        /// Whether a `"kind": "command"` client may leave out `argv` (true when `run --client` supplies the command).
        public var commandSuppliedElsewhere: Bool = false

        public init(
            fault: @escaping @Sendable (JSONValue, String) -> (location: String, message: String)? = { _, _ in nil },
            fixture: @escaping @Sendable (String, String) -> String? = { _, _ in nil },
            errorCodes: Set<String>? = nil,
            findingIDs: Set<String> = Set(FindingCatalog.allIDs)
        ) {
            self.fault = fault
            self.fixture = fixture
            self.errorCodes = errorCodes
            self.findingIDs = findingIDs
        }
    }

    public var validation: Validation

    public init(validation: Validation = Validation()) {
        self.validation = validation
    }

    /// Parses `bytes` read from `file`; `defaultCapability` is used when the scenario names none.
    /// - Throws: the first problem of ``parseAll(_:file:defaultCapability:)``.
    public func parse(_ bytes: [UInt8], file: String, defaultCapability: String) throws(ScenarioLoadError) -> [Scenario] {
        let parsed = parseAll(bytes, file: file, defaultCapability: defaultCapability)
        if let first = parsed.errors.first { throw first }
        return parsed.scenarios
    }

    static func identifier(_ f: JSONField) throws(ScenarioLoadError) -> String {
        let s = try f.nonEmptyString()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard s.allSatisfy({ allowed.contains($0) }), s.count <= 120 else {
            throw f.error("must use only a-z, 0-9, '.', '_' and '-' (at most 120 characters), got \(f.shown)")
        }
        return s
    }

    // MARK: - Servers

    func servers(_ field: JSONField) throws(ScenarioLoadError) -> [Scenario.Server] {
        let items = try field.array()
        guard !items.isEmpty else { throw field.error("needs at least one server") }
        var out: [Scenario.Server] = []
        for item in items {
            let r = try item.object()
            let name = try r.required("name") { (f) throws(ScenarioLoadError) in try Self.identifier(f) }
            if out.contains(where: { $0.name == name }) {
                throw item.child("name", .null).error("server name \"\(name)\" is used twice")
            }
            let personality = try r.required("personality") { (f) throws(ScenarioLoadError) in
                try f.choice(Scenario.Server.personalities)
            }
            let models = try r.optional("models") { (f) throws(ScenarioLoadError) in try f.array().map { (m) throws(ScenarioLoadError) in try Self.model(m) } } ?? []
            let faultFields = try r.optional("faults") { (f) throws(ScenarioLoadError) in try f.array() } ?? []
            for fault in faultFields {
                if let problem = validation.fault(fault.value, fault.path) {
                    throw ScenarioLoadError(code: .invalidValue, file: fault.file, keyPath: problem.location, message: problem.message)
                }
            }
            let apiKey = try r.optional("api_key") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
            let generation = try r.optional("generation") { (f) throws(ScenarioLoadError) in try Self.generation(f) } ?? Scenario.Generation()
            let fixtures = try r.optional("fixtures") { (f) throws(ScenarioLoadError) -> [String] in
                var out: [String] = []
                for item in try f.array() {
                    let path = try item.nonEmptyString()
                    let resolved = path.hasPrefix("/") ? path : ((item.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
                    if let problem = validation.fixture(resolved, item.file) {
                        throw item.error(problem)
                    }
                    out.append(resolved)
                }
                return out
            } ?? []
            let options = try r.optional("options") { (f) throws(ScenarioLoadError) in try Self.options(f) } ?? Scenario.Options()
            try r.finish()
            let server = Scenario.Server(
                name: name, personality: personality, models: models, faults: faultFields.map(\.value), apiKey: apiKey,
                generation: generation, fixtures: fixtures, options: options
            )
            out.append(server)
        }
        return out
    }

    // MARK: - Client

    func client(_ field: JSONField, servers: [Scenario.Server]) throws(ScenarioLoadError) -> Scenario.Client {
        let r = try field.object()
        var client = Scenario.Client()
        if let kind = try r.optional("kind", { (f) throws(ScenarioLoadError) in try f.choice(Scenario.Client.Kind.allCases.map(\.rawValue)) }) {
            client.kind = Scenario.Client.Kind(rawValue: kind) ?? .providerClient
        }
        if let list = try r.optional("misbehaviours", { (f) throws(ScenarioLoadError) in try f.array() }) {
            for item in list {
                let name = try item.choice(Misbehaviour.allCases.map(\.rawValue))
                if let m = Misbehaviour(rawValue: name) { client.misbehaviours.insert(m) }
            }
        }
        client.apiKey = try r.optional("api_key") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
        client.command = try command(r, field: field, kind: client.kind)
        if let f = r.field("retry"), !f.value.isNull {
            let rr = try f.object()
            var retry = Scenario.Retry()
            retry.maxRetries = try rr.optional("max_retries") { (f) throws(ScenarioLoadError) in try f.integer(in: 0...10) } ?? retry.maxRetries
            retry.initialDelayMilliseconds = try rr.optional("initial_delay_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: 0...60_000) }
                ?? retry.initialDelayMilliseconds
            retry.maxDelayMilliseconds = try rr.optional("max_delay_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: 0...600_000) }
                ?? retry.maxDelayMilliseconds
            retry.maxRetryAfterMilliseconds = try rr.optional("max_retry_after_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: 0...600_000) }
                ?? retry.maxRetryAfterMilliseconds
            try rr.finish()
            if retry.maxDelayMilliseconds < retry.initialDelayMilliseconds {
                throw f.child("max_delay_ms", .null).error("must be ≥ initial_delay_ms (\(retry.initialDelayMilliseconds))")
            }
            client.retry = retry
        }
        if let f = r.field("timeouts"), !f.value.isNull {
            let tr = try f.object()
            var t = Scenario.Timeouts()
            let range = 1...600_000
            t.connectMilliseconds = try tr.optional("connect_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: range) } ?? t.connectMilliseconds
            t.headersMilliseconds = try tr.optional("headers_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: range) } ?? t.headersMilliseconds
            t.idleMilliseconds = try tr.optional("idle_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: range) } ?? t.idleMilliseconds
            t.totalMilliseconds = try tr.optional("total_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: range) } ?? t.totalMilliseconds
            try tr.finish()
            client.timeouts = t
        }
        if let list = try r.optional("providers", { (f) throws(ScenarioLoadError) in try f.array() }) {
            for item in list {
                let pr = try item.object()
                let server = try pr.required("server") { (f) throws(ScenarioLoadError) in try Self.serverReference(f, servers: servers) }
                let key = try pr.optional("api_key") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
                let model = try pr.optional("model") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
                try pr.finish()
                if client.providers.contains(where: { $0.server == server }) {
                    throw item.child("server", .null).error("server \"\(server)\" is listed twice")
                }
                client.providers.append(Scenario.Provider(server: server, apiKey: key, model: model))
            }
        }
        try r.finish()
        if client.kind == .misbehaving, client.misbehaviours.isEmpty {
            // A misbehaving client with no flags is allowed: it is a plain, well-behaved raw client (a control).
        }
        return client
    }

    static func serverReference(_ f: JSONField, servers: [Scenario.Server]) throws(ScenarioLoadError) -> String {
        let name = try f.nonEmptyString()
        guard servers.contains(where: { $0.name == name }) else {
            var message = "no server named \"\(name)\" (servers: \(servers.map(\.name).joined(separator: ", ")))"
            if let near = Suggestion.closest(to: name, among: servers.map(\.name)) { message += "; did you mean \"\(near)\"?" }
            throw ScenarioLoadError(code: .badReference, file: f.file, keyPath: f.path, message: message)
        }
        return name
    }

    // MARK: - Steps

    func steps(_ field: JSONField, servers: [Scenario.Server]) throws(ScenarioLoadError) -> [Scenario.Step] {
        let items = try field.array()
        guard !items.isEmpty else { throw field.error("needs at least one step") }
        var out: [Scenario.Step] = []
        for (index, item) in items.enumerated() {
            let r = try item.object()
            let operationName = try r.required("operation") { (f) throws(ScenarioLoadError) in
                try f.choice(Scenario.Operation.allCases.map(\.rawValue))
            }
            let operation = Scenario.Operation(rawValue: operationName) ?? .chat
            var step = Scenario.Step(name: "step \(index)", operation: operation)
            step.name = try r.optional("name") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() } ?? step.name
            step.server = try r.optional("server") { (f) throws(ScenarioLoadError) in try Self.serverReference(f, servers: servers) }
            step.model = try r.optional("model") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
            step.stream = try r.optional("stream") { (f) throws(ScenarioLoadError) in try f.bool() } ?? true
            step.prompt = try r.optional("prompt") { (f) throws(ScenarioLoadError) in try f.string() } ?? step.prompt
            step.maxTokens = try r.optional("max_tokens") { (f) throws(ScenarioLoadError) in try f.integer(in: 1...100_000) }
            step.parallel = try r.optional("parallel") { (f) throws(ScenarioLoadError) in try f.integer(in: 1...64) } ?? 1
            step.cancelAfterChunks = try r.optional("cancel_after_chunks") { (f) throws(ScenarioLoadError) in try f.integer(in: 0...100_000) }
            step.delayBeforeMilliseconds = try r.optional("delay_before_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: 0...60_000) } ?? 0
            step.dialect = try r.optional("dialect") { (f) throws(ScenarioLoadError) in try f.choice(Scenario.Server.personalities) }
            step.headers = try r.optional("headers") { (f) throws(ScenarioLoadError) -> [String: String] in
                guard let pairs = f.value.objectValue else { throw f.error("expected an object of header names to values, got \(f.shown)") }
                var out: [String: String] = [:]
                for (name, value) in pairs {
                    let field = f.child(name, value)
                    guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                        throw field.error("not a valid header name")
                    }
                    out[name] = try field.string()
                }
                return out
            } ?? [:]
            step.expect = try r.optional("expect") { (f) throws(ScenarioLoadError) in try self.expectation(f, servers: servers) } ?? Scenario.Expectation()
            try r.finish()
            if step.expect.app.stdoutIsReply != nil, servers.first(where: { $0.name == (step.server ?? servers[0].name) })?.generation.reply == nil {
                throw item.child("expect", .null).child("stdout_is_reply", .null).error("needs a fixed reply: set generation.reply on the step's server")
            }
            if step.cancelAfterChunks != nil {
                guard [.chat, .generate, .failoverChat].contains(operation), step.stream else {
                    throw item.child("cancel_after_chunks", .null).error("needs a streamed chat or generate step")
                }
            }
            if operation != .discover, operation != .failoverChat {
                let serverName = step.server ?? servers[0].name
                if step.model == nil, [.showModel, .chat, .generate, .embed].contains(operation),
                    servers.first(where: { $0.name == serverName })?.firstModelName == nil
                {
                    throw item.error("operation \"\(operation.rawValue)\" needs \"model\" (server \"\(serverName)\" lists no models)")
                }
            }
            out.append(step)
        }
        return out
    }

    // MARK: - Expectations

    func expectation(_ field: JSONField, servers: [Scenario.Server]) throws(ScenarioLoadError) -> Scenario.Expectation {
        let r = try field.object()
        var e = Scenario.Expectation()
        e.errorCode = try r.optional("error_code") { (f) throws(ScenarioLoadError) -> String in
            if let codes = validation.errorCodes { return try f.choice(codes.sorted()) }
            return try f.nonEmptyString()
        }
        if let outcome = try r.optional("outcome", { (f) throws(ScenarioLoadError) in try f.choice(Scenario.ExpectedOutcome.allCases.map(\.rawValue)) }) {
            e.outcome = Scenario.ExpectedOutcome(rawValue: outcome) ?? .success
            if e.errorCode != nil, e.outcome != .error {
                throw field.child("outcome", .null).error(#"must be "error" when "error_code" is given"#)
            }
        } else if e.errorCode != nil {
            e.outcome = .error
        }
        e.status = try r.optional("status") { (f) throws(ScenarioLoadError) in try f.integer(in: 100...599) }
        e.attempts = try r.optional("attempts") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.retryDelaysMilliseconds = try r.optional("retry_delays_ms") { (f) throws(ScenarioLoadError) -> [Bounds] in
            if case .array = f.value { return try f.array().map { (b) throws(ScenarioLoadError) in try b.bounds() } }
            return [try f.bounds()]
        }
        e.content = try r.optional("content") { (f) throws(ScenarioLoadError) in try f.string() }
        e.contentPattern = try r.optional("content_regex") { (f) throws(ScenarioLoadError) -> String in
            let pattern = try f.nonEmptyString()
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                throw f.error("not a valid regular expression: \(f.shown)")
            }
            return pattern
        }
        e.chunks = try r.optional("chunks") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.ttftMilliseconds = try r.optional("ttft_ms") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.e2elMilliseconds = try r.optional("e2el_ms") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.durationMilliseconds = try r.optional("duration_ms") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.models = try r.optional("models") { (f) throws(ScenarioLoadError) in try f.strings() }
        e.modelCount = try r.optional("model_count") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.servedBy = try r.optional("served_by") { (f) throws(ScenarioLoadError) in try Self.serverReference(f, servers: servers) }
        e.discovered = try r.optional("discovered") { (f) throws(ScenarioLoadError) -> [String: String] in
            let dr = try f.object()
            var out: [String: String] = [:]
            for server in servers {
                if let p = try dr.optional(server.name, { (g) throws(ScenarioLoadError) in try g.choice(Scenario.Server.personalities) }) {
                    out[server.name] = p
                }
            }
            try dr.finish()
            return out
        }
        e.embeddingDimensions = try r.optional("embedding_dimensions") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.findings = try r.optional("findings") { (f) throws(ScenarioLoadError) in try findingIDs(f) } ?? []
        e.noFindings = try r.optional("no_findings") { (f) throws(ScenarioLoadError) in try findingIDs(f) } ?? []
        e.allowFindings = try r.optional("allow_findings") { (f) throws(ScenarioLoadError) in try findingIDs(f) } ?? []
        let outcomeGiven = r.has("outcome") || r.has("error_code")
        try appExpectation(r, into: &e, servers: servers)
        if !outcomeGiven, let exit = e.app.exit {
            // The exit status says which outcome is expected.
            e.outcome = exit == .zero ? .success : .error
        }
        try r.finish()
        if let clash = Set(e.findings).intersection(e.noFindings).sorted().first {
            throw field.child("no_findings", .null).error("\"\(clash)\" is also listed in findings")
        }
        return e
    }
}
