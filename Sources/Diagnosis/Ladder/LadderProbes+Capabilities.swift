import Foundation
import HTTPWire
import ProviderClient

extension LadderProbes {
    // MARK: - Capabilities on OpenAI-compatible servers (part of rung 8)

    /// Adds `--require-capability` verdicts to an OpenAI-compatible model check: from the model
    /// list when the server lists capabilities, else by asking the endpoint itself (embedding:
    /// a one-word `POST {base}/embeddings`); a capability nothing can tell is said so, not passed.
    func withCapabilities(_ check: CheckResult) async -> CheckResult {
        let needed = configuration.requiredCapabilities
        guard !needed.isEmpty, check.status != .skip else { return check }
        var check = check
        let auth = await state.authHeaders
        let base = await workingBase()
        let model = await state.chosenModel ?? configuration.model
        let list = await state.get(base + "/models", headers: auth)
        let entry = list.response?.json?["data"]?.arrayValue?.first { $0["id"]?.stringValue == model }
        let listed = (entry?["capabilities"]?.arrayValue ?? entry?["meta"]?["capabilities"]?.arrayValue)?.compactMap(\.stringValue)
        var lacking: [(String, String)] = []
        for capability in needed {
            if let listed {
                let has = listed.contains { $0.lowercased().hasPrefix(capability) || capability == "tools" && $0 == "tool_use" }
                check.evidence.append(Evidence("\(capability) (from the model list)", has ? "listed" : "not listed (\(listed.joined(separator: ", ")))"))
                if !has { lacking.append((capability, "the model list does not name it")) }
                continue
            }
            guard capability == "embedding" else {
                check.evidence.append(Evidence(capability, "cannot be told from \(base)/models (no capabilities listed); not checked"))
                continue
            }
            let body = JSONValue.object([("model", .string(model ?? "")), ("input", "hi")]).serializedBytes()
            let outcome = await state.send(ProbeRequest(
                method: "POST", path: base + "/embeddings", headers: [("Content-Type", "application/json")] + auth, body: body))
            check.evidence.append(Evidence("POST \(base)/embeddings", outcome.sketch))
            guard let r = outcome.response else {
                lacking.append((capability, "POST \(base)/embeddings got no answer (\(outcome.sketch))"))
                continue
            }
            if (200..<300).contains(r.status), r.json?["data"]?.arrayValue?.isEmpty == false { continue }
            if r.status == 401 || r.status == 403 || r.status == 429 { continue }  // reported by the auth check
            lacking.append((capability, "POST \(base)/embeddings answered \(r.status)\(r.errorBody.map { " '\($0.message.prefix(100))'" } ?? "")"))
        }
        guard !lacking.isEmpty else { return check }
        let names = lacking.map(\.0).joined(separator: ", ")
        check.findings.append(Finding(
            "model-lacks-capability",
            message: "\(model.map { "'\($0)' on " } ?? "")this server does not provide \(names), which the app needs: \(lacking.map(\.1).joined(separator: "; ")).",
            fix: "Start the server with a model (or option) that provides \(names) — llama-server needs --embeddings and an embedding model; vLLM --task embed — or turn the feature off in the app."
        ))
        check.status = .fail
        check.summary = check.findings.first { $0.severity == .error }?.message ?? check.summary
        return check
    }
}

extension LadderProbes {
    /// `--require-capability` for LM Studio: `/api/v0/models` says each model's `type` (`llm`,
    /// `vlm`, `embeddings`) and its `capabilities` (`tool_use`); what neither tells is said so.
    func withLMStudioCapabilities(_ check: CheckResult) async -> CheckResult {
        let needed = configuration.requiredCapabilities
        guard !needed.isEmpty, check.status != .skip, let model = await state.chosenModel else { return check }
        var check = check
        let auth = await state.authHeaders
        let v0 = await state.get("/api/v0/models", headers: auth)
        guard let entry = v0.response?.json?["data"]?.arrayValue?.first(where: { $0["id"]?.stringValue == model }),
            let type = entry["type"]?.stringValue
        else {
            check.evidence.append(Evidence("capabilities", "not reported for \(model); not checked"))
            return check
        }
        let listed = [type] + (entry["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var has = ModelCapabilities(names: listed)
        if type == "vlm" { has.insert(.completion) }
        check.evidence.append(Evidence("capabilities (/api/v0/models)", listed.joined(separator: ", ")))
        let tellable: [String: ModelCapabilities] = ["embedding": .embedding, "tools": .tools, "vision": .vision, "completion": .completion]
        var missing: [String] = []
        for capability in needed {
            guard let flag = tellable[capability] else {
                check.evidence.append(Evidence(capability, "LM Studio does not report it; not checked"))
                continue
            }
            if !has.contains(flag) { missing.append(capability) }
        }
        guard !missing.isEmpty else { return check }
        check.findings.append(Finding(
            "model-lacks-capability",
            message: "\(model) does not provide \(missing.joined(separator: ", ")) (LM Studio lists type '\(type)'\(listed.count > 1 ? ", capabilities \(listed.dropFirst().joined(separator: ", "))" : "")).",
            fix: "Load a model that provides \(missing.joined(separator: ", ")) in LM Studio (`lms load <model>`), or turn the feature off in the app."
        ))
        check.status = .fail
        check.summary = check.findings.first { $0.severity == .error }?.message ?? check.summary
        return check
    }
}
