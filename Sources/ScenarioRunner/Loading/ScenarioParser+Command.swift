import Foundation
import HTTPWire

// MARK: - Command clients and app expectations

extension ScenarioParser {
    /// `client.argv`, `client.cwd`, `client.env`, `client.name` (only with `"kind": "command"`).
    func command(_ r: ObjectReader, field: JSONField, kind: Scenario.Client.Kind) throws(ScenarioLoadError) -> Scenario.Command? {
        let argv = try r.optional("argv") { (f) throws(ScenarioLoadError) -> [String] in
            let items = try f.array()
            guard !items.isEmpty else { throw f.error("needs at least the program") }
            var out: [String] = []
            for item in items {
                let word = try item.string()
                guard !word.utf8.contains(0) else { throw item.error("must not contain a NUL character") }
                out.append(word)
            }
            guard !out[0].isEmpty else { throw f.element(0, .null).error("the program must not be empty") }
            return out
        }
        let cwd = try r.optional("cwd") { (f) throws(ScenarioLoadError) -> String in
            let path = try f.nonEmptyString()
            return path.hasPrefix("/") ? path : ((f.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
        }
        let env = try r.optional("env") { (f) throws(ScenarioLoadError) -> [String: String] in
            guard let pairs = f.value.objectValue else { throw f.error("expected an object of variable names to values, got \(f.shown)") }
            var out: [String: String] = [:]
            for (name, value) in pairs {
                let item = f.child(name, value)
                guard !name.isEmpty, !name.contains("="), !name.utf8.contains(0) else { throw item.error("not a valid variable name") }
                let text = try item.string()
                guard !text.utf8.contains(0) else { throw item.error("must not contain a NUL character") }
                out[name] = text
            }
            return out
        }
        let name = try r.optional("name") { (f) throws(ScenarioLoadError) in try Self.identifier(f) }
        guard kind == .command else {
            for key in ["argv", "cwd", "env", "name"] where r.has(key) {
                throw field.child(key, .null).error(#"only a "kind": "command" client takes "\#(key)""#)
            }
            return nil
        }
        guard let argv else {
            if validation.commandSuppliedElsewhere { return nil }
            throw field.child("argv", .null).error(#"a "kind": "command" client needs "argv" (the program and its arguments), or run it with --client 'CMD ARGS'"#, code: .missingKey)
        }
        return Scenario.Command(argv: argv, workingDirectory: cwd, environment: env ?? [:], name: name)
    }

    /// Finding ids, llmock's underscore codes accepted as aliases (`retry_after_ignored`).
    func findingIDs(_ f: JSONField) throws(ScenarioLoadError) -> [String] {
        let ids = validation.findingIDs.sorted()
        var out: [String] = []
        for item in try f.array() {
            if case .string(let text) = item.value, let canonical = FindingCatalog.canonicalID(text), validation.findingIDs.contains(canonical) {
                out.append(canonical)
            } else {
                out.append(try item.choice(ids))
            }
        }
        return out
    }

    /// `exit`, `stdout_contains`, `stdout_regex`, `stdout_is_reply`, `stderr_contains`, `stderr_regex`, `wall_ms`.
    func appExpectation(_ r: ObjectReader, into e: inout Scenario.Expectation, servers: [Scenario.Server]) throws(ScenarioLoadError) {
        var app = Scenario.AppExpectation()
        app.exit = try r.optional("exit") { (f) throws(ScenarioLoadError) -> Scenario.AppExpectation.Exit in
            if case .string = f.value {
                _ = try f.choice(["non-zero"])
                return .nonZero
            }
            let code = try f.integer(in: 0...255)
            return code == 0 ? .zero : .code(code)
        }
        app.stdoutContains = try r.optional("stdout_contains") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
        app.stdoutPattern = try r.optional("stdout_regex") { (f) throws(ScenarioLoadError) in try Self.pattern(f) }
        app.stdoutIsReply = try r.optional("stdout_is_reply") { (f) throws(ScenarioLoadError) in try f.bool() }
        app.stderrContains = try r.optional("stderr_contains") { (f) throws(ScenarioLoadError) in try f.nonEmptyString() }
        app.stderrPattern = try r.optional("stderr_regex") { (f) throws(ScenarioLoadError) in try Self.pattern(f) }
        app.wallMilliseconds = try r.optional("wall_ms") { (f) throws(ScenarioLoadError) in try f.bounds() }
        e.app = app
    }

    static func pattern(_ f: JSONField) throws(ScenarioLoadError) -> String {
        let pattern = try f.nonEmptyString()
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            throw f.error("not a valid regular expression: \(f.shown)")
        }
        return pattern
    }
}
