import Foundation
import HTTPWire

// MARK: - Whole files and scenarios, every problem at once

extension ScenarioParser {
    /// Parses `bytes` read from `file` and reports every problem at once: each scenario of an array, each
    /// top-level key of a scenario and every unknown key is checked on its own, so a file with three
    /// mistakes yields three errors (a scenario with any error yields no scenario).
    public func parseAll(_ bytes: [UInt8], file: String, defaultCapability: String) -> (scenarios: [Scenario], errors: [ScenarioLoadError]) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            return ([], [ScenarioLoadError(code: .syntax, file: file, keyPath: "line \(error.line), column \(error.column)", message: error.message)])
        }
        let top = JSONField(value: root, file: file, path: "")
        var errors: [ScenarioLoadError] = []
        var out: [Scenario] = []
        switch root {
        case .object:
            if let one = scenario(top, defaultCapability: defaultCapability, index: nil, problems: &errors) { out.append(one) }
        case .array(let items):
            guard !items.isEmpty else { return ([], [top.error("the file holds an empty array; expected scenario objects")]) }
            for (index, value) in items.enumerated() {
                let item = top.element(index, value)
                if let one = scenario(item, defaultCapability: defaultCapability, index: index, problems: &errors) { out.append(one) }
            }
        default:
            errors.append(top.error("expected a scenario object or an array of them, got \(top.shown)"))
        }
        return (errors.isEmpty ? out : [], errors)
    }

    /// One scenario, or nil with every problem found appended to `problems`: each top-level key is read
    /// on its own (client and steps only when the servers they refer to could be read).
    func scenario(_ field: JSONField, defaultCapability: String, index: Int?, problems: inout [ScenarioLoadError]) -> Scenario? {
        let r: ObjectReader
        let id: String
        do {
            r = try field.object()
            id = try r.required("id") { (f) throws(ScenarioLoadError) in try Self.identifier(f) }
        } catch {
            problems.append(error)
            return nil
        }
        let before = problems.count
        func read<T>(_ body: () throws(ScenarioLoadError) -> T) -> T? {
            do { return try body() } catch {
                var error = error
                error.scenarioID = id
                problems.append(error)
                return nil
            }
        }
        let description = read { () throws(ScenarioLoadError) in try r.required("description") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() } }
        let tags = read { () throws(ScenarioLoadError) in try r.optional("tags") { (f) throws(ScenarioLoadError) in try f.strings() } ?? [] }
        let timeout = read { () throws(ScenarioLoadError) in
            try r.optional("timeout_ms") { (f) throws(ScenarioLoadError) in try f.integer(in: 1...600_000) } ?? Scenario.defaultTimeoutMilliseconds
        }
        let servers = read { () throws(ScenarioLoadError) in try r.required("servers") { (f) throws(ScenarioLoadError) in try self.servers(f) } }
        var client: Scenario.Client?
        var steps: [Scenario.Step]?
        if let servers {
            client = read { () throws(ScenarioLoadError) in
                try r.optional("client") { (f) throws(ScenarioLoadError) in try self.client(f, servers: servers) } ?? Scenario.Client()
            }
            steps = read { () throws(ScenarioLoadError) in try r.required("steps") { (f) throws(ScenarioLoadError) in try self.steps(f, servers: servers) } }
        } else {
            r.accept("client", "steps")
        }
        let provider = read { () throws(ScenarioLoadError) in
            try r.optional("provider") { (f) throws(ScenarioLoadError) in try f.choice(Scenario.Server.personalities + ["mixed"]) }
        }
        let capability = read { () throws(ScenarioLoadError) in try r.optional("capability") { (f) throws(ScenarioLoadError) in try Self.identifier(f) } }
        for var problem in r.unknownKeys() {
            problem.scenarioID = id
            problems.append(problem)
        }
        if let client, client.kind == .providerClient, !client.misbehaviours.isEmpty {
            var problem = field.child("client", .null).child("misbehaviours", .null).error(#"misbehaviours need "kind": "misbehaving""#)
            problem.scenarioID = id
            problems.append(problem)
        }
        guard problems.count == before, let description, let tags, let timeout, let servers, let client, let steps,
              let provider, let capability else { return nil }
        let personalities = Set(servers.map(\.personality))
        return Scenario(
            id: id, description: description,
            provider: provider ?? (personalities.count == 1 ? servers[0].personality : "mixed"),
            capability: capability ?? defaultCapability, tags: tags,
            timeoutMilliseconds: timeout, servers: servers, client: client, steps: steps,
            filePath: field.file, indexInFile: index
        )
    }
}
