import Foundation
import HTTPWire

/// `/__llmcheck/*`: inspect and steer a running mock over HTTP on its own port.
///
/// | Route | Effect |
/// |---|---|
/// | `GET /__llmcheck/health` | `{"status":"ok","provider":…,"seed":N,"requests":…}` (open to anyone) |
/// | `GET /__llmcheck/faults` | installed faults with `id`, `spec`, `fault` (JSON), `matched`, `applied` |
/// | `POST /__llmcheck/faults` | add faults: a JSON fault object or array, or text specs one per line → `201 {"ids":[…]}` |
/// | `DELETE /__llmcheck/faults[/ID]` | remove all faults, or one |
/// | `GET /__llmcheck/journal[?after=ID][&test_id=T]` | `{"entries":[…],"dropped":N}`; `test_id` keeps requests whose `X-Test-Id` is T |
/// | `POST /__llmcheck/reset` | clear the journal, restore start-up faults, rewind fixtures |
/// | `GET /__llmcheck/verdict[?test_id=T][&format=json\|text\|junit]` | judge the client's behaviour (one test, or every test id) |
/// | `DELETE /__llmcheck/faults?test_id=T` | remove the faults scoped to test T |
///
/// Control requests are never journaled nor faulted. Every request but `GET health` passes
/// ``ControlAccess`` first (Host, Origin, and for changes the control token and a JSON body type).
struct ControlEndpoint {
    let engine: MockEngine

    func handle(_ request: HTTPRequest, writer: any HTTPResponseWriter) throws {
        let sub = String(request.path.dropFirst(MockEngine.controlPrefix.count))
        let method = request.method
        if let refusal = ControlAccess(configuration: engine.configuration).refusal(for: request, isHealth: sub == "health") {
            let message = refusal.message(host: request.headers["Host"], origin: request.headers["Origin"])
            return try send(writer, refusal.status, ["error": .string(message), "code": .string(refusal.rawValue)])
        }
        switch (method, sub) {
        case (.get, "health"):
            try send(writer, .ok, [
                "status": "ok", "provider": .string(engine.configuration.provider.rawValue),
                "seed": ControlEndpoint.number(engine.configuration.seed), "requests": .int(engine.journal.entries().count),
            ])
        case (.get, "faults"):
            try send(writer, .ok, ["seed": ControlEndpoint.number(engine.faultPlan.seed), "faults": .array(engine.faultPlan.faults.map(\.jsonValue))])
        case (.post, "faults"):
            try addFaults(request, writer: writer)
        case (.delete, "faults"):
            if let testID = Self.query(request)["test_id"] {
                let ids = engine.faultPlan.faults.filter { $0.spec.schedule.testID?.pattern == testID }.map(\.id)
                for id in ids { _ = engine.faultPlan.remove(id: id) }
                return try send(writer, .ok, ["removed": .array(ids.map { .int($0) })])
            }
            engine.faultPlan.removeAll()
            try send(writer, .ok, ["removed": "all"])
        case (.get, "verdict"):
            try verdict(request, writer: writer)
        case (.get, "journal"):
            var after = 0
            var testID: String?
            if let q = request.head.query {
                for part in q.split(separator: "&") {
                    if part.hasPrefix("after=") { after = Int(part.dropFirst(6)) ?? 0 }
                    if part.hasPrefix("test_id=") { testID = String(part.dropFirst(8)).removingPercentEncoding }
                }
            }
            var entries = engine.journal.entries(after: after)
            if let testID { entries = entries.filter { $0.header("X-Test-Id") == testID } }
            try send(writer, .ok, ["entries": .array(entries.map(\.jsonValue)), "dropped": .int(engine.journal.droppedCount)])
        case (.post, "reset"):
            engine.reset()
            try send(writer, .ok, ["reset": true])
        default:
            if method == .delete, sub.hasPrefix("faults/"), let id = Int(sub.dropFirst("faults/".count)) {
                return try engine.faultPlan.remove(id: id)
                    ? send(writer, .ok, ["removed": .int(id)])
                    : send(writer, .notFound, ["error": .string("no fault with id \(id)")])
            }
            try send(writer, .notFound, ["error": .string("unknown control endpoint \(method.rawValue) \(request.path); see GET /__llmcheck/health, /faults, /journal, POST /reset")])
        }
    }

    /// `GET /__llmcheck/verdict`: the injected ``SessionJudge`` on the journal (narrowed to `test_id`). A read.
    private func verdict(_ request: HTTPRequest, writer: any HTTPResponseWriter) throws {
        guard let judge = engine.configuration.sessionJudge else {
            return try send(writer, HTTPStatus(code: 501), ["error": "this mock has no verdicts; run it with llmcheck serve"])
        }
        var parameters = Self.query(request)
        let testID = parameters.removeValue(forKey: "test_id")
        let format = parameters.removeValue(forKey: "format") ?? "json"
        guard ["json", "text", "junit"].contains(format) else {
            return try send(writer, .badRequest, ["error": .string("format must be json, text or junit, got \(format)")])
        }
        var entries = engine.journal.entries()
        if let testID { entries = entries.filter { $0.header("X-Test-Id") == testID } }
        let answer = judge.verdict(on: entries, query: SessionVerdictQuery(testID: testID, format: format, parameters: parameters), provider: engine.configuration.provider)
        try writer.respond(status: HTTPStatus(code: answer.status), headers: ["Content-Type": answer.contentType], text: answer.body)
    }

    /// Query parameters, percent-decoded (the last of repeated names wins).
    static func query(_ request: HTTPRequest) -> [String: String] {
        var out: [String: String] = [:]
        for part in (request.head.query ?? "").split(separator: "&") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard let name = pair.first.map(String.init) else { continue }
            let value = pair.count > 1 ? String(pair[1]).replacingOccurrences(of: "+", with: " ") : ""
            out[name] = value.removingPercentEncoding ?? value
        }
        return out
    }

    private func addFaults(_ request: HTTPRequest, writer: any HTTPResponseWriter) throws {
        let text = String(decoding: request.body, as: UTF8.self).trimmingSpaces()
        var specs: [FaultSpec] = []
        do {
            if text.hasPrefix("{") || text.hasPrefix("[") {
                let json: JSONValue
                do { json = try JSONValue.parse(request.body) } catch {
                    return try send(writer, .badRequest, ["error": .string("body is not valid JSON: \(error)")])
                }
                specs = try FaultSpec.parseList(json: json)
            } else {
                for line in text.split(whereSeparator: \.isNewline) where !line.trimmingSpaces().isEmpty {
                    specs.append(try FaultSpec.parse(String(line)))
                }
            }
        } catch let error as FaultSpecError {
            return try send(writer, .badRequest, ["error": .string(error.description)])
        }
        guard !specs.isEmpty else { return try send(writer, .badRequest, ["error": "no fault given"]) }
        let ids = specs.map { engine.faultPlan.add($0) }
        try send(writer, HTTPStatus(code: 201), ["ids": .array(ids.map { .int($0) }), "faults": .array(specs.map { .string($0.description) })])
    }

    /// A seed as a JSON number (exact up to Int64.max; larger seeds are written as a double).
    static func number(_ value: UInt64) -> JSONValue {
        value <= UInt64(Int64.max) ? .integer(Int64(value)) : .number(Double(value))
    }

    private func send(_ writer: any HTTPResponseWriter, _ status: HTTPStatus, _ body: JSONValue) throws {
        try writer.respond(status: status, json: body)
    }
}
