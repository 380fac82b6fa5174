import HTTPWire

// MARK: - Server details

extension ScenarioParser {
    static func model(_ f: JSONField) throws(ScenarioLoadError) -> Scenario.Model {
        if case .string = f.value { return Scenario.Model(name: try f.nonEmptyString()) }
        let r = try f.object()
        var m = Scenario.Model(name: try r.required("name") { (g) throws(ScenarioLoadError) in try g.nonEmptyString() })
        m.capability = try r.optional("capability") { (g) throws(ScenarioLoadError) in try g.choice(Scenario.Model.capabilities) }
        m.isLoaded = try r.optional("loaded") { (g) throws(ScenarioLoadError) in try g.bool() } ?? true
        m.contextLength = try r.optional("context_length") { (g) throws(ScenarioLoadError) in try g.integer(in: 1...10_000_000) }
        m.embeddingLength = try r.optional("embedding_length") { (g) throws(ScenarioLoadError) in try g.integer(in: 1...65_536) }
        try r.finish()
        return m
    }

    static func generation(_ f: JSONField) throws(ScenarioLoadError) -> Scenario.Generation {
        let r = try f.object()
        var g = Scenario.Generation()
        g.ttftMilliseconds = try r.optional("ttft_ms") { (x) throws(ScenarioLoadError) in try x.integer(in: 0...60_000) } ?? 0
        g.tokensPerSecond = try r.optional("tps") { (x) throws(ScenarioLoadError) in try x.nonNegativeNumber() } ?? 0
        g.jitter = try r.optional("jitter") { (x) throws(ScenarioLoadError) -> Double in
            let v = try x.nonNegativeNumber()
            guard v <= 1 else { throw x.error("must be between 0 and 1, got \(x.shown)") }
            return v
        } ?? 0
        g.reply = try r.optional("reply") { (x) throws(ScenarioLoadError) in try x.string() }
        try r.finish()
        return g
    }

    static func options(_ f: JSONField) throws(ScenarioLoadError) -> Scenario.Options {
        let r = try f.object()
        var o = Scenario.Options()
        o.allowedOrigins = try r.optional("allowed_origins") { (x) throws(ScenarioLoadError) in try x.strings() } ?? []
        o.checksHost = try r.optional("checks_host") { (x) throws(ScenarioLoadError) in try x.bool() } ?? true
        o.ollamaVersion = try r.optional("ollama_version") { (x) throws(ScenarioLoadError) in try x.nonEmptyString() }
        o.jitLoading = try r.optional("jit_loading") { (x) throws(ScenarioLoadError) in try x.bool() } ?? true
        o.unknownEndpoint200 = try r.optional("unknown_endpoint_200") { (x) throws(ScenarioLoadError) in try x.bool() } ?? true
        o.servesUnknownModelWhenOneLoaded = try r.optional("serves_unknown_model_when_one_loaded") { (x) throws(ScenarioLoadError) in try x.bool() } ?? false
        try r.finish()
        return o
    }
}
