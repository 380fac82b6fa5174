import HTTPWire

/// The proxy's own control routes, beside the shared ones of ``ControlEndpoint``:
///
/// | Route | Effect |
/// |---|---|
/// | `GET /__llmcheck/toxics` | installed toxics with `id`, `toxic`, `stream`, `toxicity`, `spec` |
/// | `POST /__llmcheck/toxics` | add toxics, one spec per line → `201 {"ids":[…]}` |
/// | `DELETE /__llmcheck/toxics[/ID]` | remove all toxics, or one |
/// | `GET /__llmcheck/proxy` | upstream, provider, emulations |
struct ProxyControl {
    let engine: ProxyEngine

    /// Handles the route if it is one of the proxy's; false to let the shared endpoint answer.
    func handle(_ request: HTTPRequest, writer: any HTTPResponseWriter) throws -> Bool {
        let sub = String(request.path.dropFirst(MockEngine.controlPrefix.count))
        let plan = engine.toxicPlan
        // The same gate as the shared routes (Host, Origin, token and JSON type for changes).
        if sub == "toxics" || sub.hasPrefix("toxics/") || sub == "proxy",
            let refusal = ControlAccess(configuration: engine.control.configuration).refusal(for: request, isHealth: false)
        {
            let message = refusal.message(host: request.headers["Host"], origin: request.headers["Origin"])
            try writer.respond(status: refusal.status, json: ["error": .string(message), "code": .string(refusal.rawValue)])
            return true
        }
        switch (request.method, sub) {
        case (.get, "toxics"):
            try writer.respond(status: .ok, json: ["toxics": .array(plan.toxics.map(\.jsonValue))])
        case (.post, "toxics"):
            let text = String(decoding: request.body, as: UTF8.self)
            var specs: [ToxicSpec] = []
            for line in text.split(whereSeparator: \.isNewline) where !line.trimmingSpaces().isEmpty {
                do { specs.append(try ToxicSpec.parse(line.trimmingSpaces())) } catch {
                    try writer.respond(status: .badRequest, json: ["error": .string(error.description)])
                    return true
                }
            }
            guard !specs.isEmpty else {
                try writer.respond(status: .badRequest, json: ["error": "no toxic given; one spec per line, e.g. latency=200ms,jitter=50ms"])
                return true
            }
            let ids = specs.map { plan.add($0) }
            try writer.respond(status: HTTPStatus(code: 201), json: ["ids": .array(ids.map { .int($0) })])
        case (.delete, "toxics"):
            plan.removeAll()
            try writer.respond(status: .ok, json: ["removed": "all"])
        case (.get, "proxy"):
            let c = engine.configuration
            try writer.respond(status: .ok, json: [
                "upstream": .string(c.upstream.url + c.upstream.basePath), "provider": .string(c.provider.rawValue),
                "emulations": .array(c.emulations.map { .string($0.description) }),
            ])
        default:
            guard request.method == .delete, sub.hasPrefix("toxics/") else { return false }
            guard let id = Int(sub.dropFirst("toxics/".count)), plan.remove(id: id) else {
                try writer.respond(status: .notFound, json: ["error": .string("no toxic with id \(sub.dropFirst("toxics/".count))")])
                return true
            }
            try writer.respond(status: .ok, json: ["removed": .int(id)])
        }
        return true
    }
}
