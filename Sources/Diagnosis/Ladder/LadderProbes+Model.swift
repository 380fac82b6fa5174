import Foundation
import HTTPWire

extension LadderProbes {
    // MARK: - Model (rung 8)

    func checkModel() async -> CheckResult {
        let title = "Model"
        guard let identity = await state.identity, identity.isLLMServer else {
            return result("model", title, .skip, "skipped: no LLM server identified")
        }
        switch identity.kind {
        case .ollama: return await checkOllamaModel(identity)
        case .lmstudio: return await withLMStudioCapabilities(await checkLMStudioModel(identity))
        default: return await withCapabilities(await checkOpenAIModel(identity))
        }
    }

    private func names(_ outcome: ProbeOutcome, key: String, field: String) -> [String]? {
        outcome.response?.json?[key]?.arrayValue?.compactMap { $0[field]?.stringValue }
    }

    private func checkOllamaModel(_ identity: Identity) async -> CheckResult {
        let title = "Model"
        let tags = await state.get("/api/tags")
        let ps = await state.get("/api/ps")
        var evidence = [Evidence("GET /api/tags", tags.sketch), Evidence("GET /api/ps", ps.sketch)]
        var findings: [Finding] = []
        guard let installed = names(tags, key: "models", field: "name") else {
            return result("model", title, .fail, "unrecognised response to GET /api/tags: \(tags.sketch)", evidence: evidence)
        }
        let loaded = names(ps, key: "models", field: "name") ?? []
        evidence.append(Evidence("installed", installed.isEmpty ? "(none)" : installed.prefix(12).joined(separator: ", ")))
        evidence.append(Evidence("loaded now", loaded.isEmpty ? "(none)" : loaded.joined(separator: ", ")))
        // Version against the features the app needs.
        if let version = identity.version {
            let table: [(String, String, String)] = [("embedding", "0.3.4", "/api/embed"), ("tools", "0.3.0", "tool calling")]
            for (capability, minimum, feature) in table where configuration.requiredCapabilities.contains(capability) {
                if ModelNames.version(version, isOlderThan: minimum) {
                    findings.append(Finding(
                        "server-too-old-for-endpoint",
                        message: "Ollama \(version) is older than \(minimum), which \(feature) needs.",
                        fix: FailureCatalog.mode("server-too-old-for-endpoint")?.fix.text(for: configuration.platform)
                    ))
                }
            }
        }
        guard let wanted = configuration.model else {
            if installed.isEmpty {
                findings.append(Finding(
                    "ollama-model-not-pulled", severity: .warning, message: "Ollama has no models installed.",
                    fix: "Pull one, e.g. `ollama pull llama3.2`."
                ))
            }
            await state.setModel(loaded.first ?? installed.first, loaded: loaded.isEmpty ? (installed.isEmpty ? nil : false) : true)
            return finish(title, findings, evidence, ok: "\(installed.count) model\(installed.count == 1 ? "" : "s") installed, \(loaded.count) loaded (pass --model to check yours)")
        }
        let normalized = ModelNames.normalizeOllama(wanted)
        guard let match = installed.first(where: { ModelNames.normalizeOllama($0) == normalized }) else {
            let close = ModelNames.closest(to: wanted, in: installed)
            let list = installed.isEmpty ? "no models are installed" : "installed: \(installed.prefix(8).joined(separator: ", "))"
            findings.append(Finding(
                "ollama-model-not-pulled",
                message: "Ollama has no model '\(wanted)' (looked for \(normalized)); \(list)." + (close.isEmpty ? "" : " Closest: \(close.joined(separator: ", ")).") ,
                fix: "Run `ollama pull \(wanted)`" + (close.isEmpty ? "." : ", or use '\(close[0])' in the app.")
            ))
            await state.setModel(nil, loaded: nil)
            return finish(title, findings, evidence, ok: "")
        }
        let isLoaded = loaded.contains { ModelNames.normalizeOllama($0) == normalized }
        await state.setModel(match, loaded: isLoaded)
        let body = JSONValue.object([("model", .string(match))]).serializedBytes()
        let show = await state.send(ProbeRequest(method: "POST", path: "/api/show", headers: [("Content-Type", "application/json")], body: body))
        let capabilities = show.response?.json?["capabilities"]?.arrayValue?.compactMap(\.stringValue)
        evidence.append(Evidence("capabilities", capabilities?.joined(separator: ", ") ?? "not reported (\(show.sketch.prefix(60)))"))
        let missing = configuration.requiredCapabilities.filter { need in capabilities.map { !$0.contains(need) } ?? false }
        if !missing.isEmpty {
            findings.append(Finding(
                "model-lacks-capability",
                message: "\(match) does not support \(missing.joined(separator: ", ")) (its capabilities: \(capabilities?.joined(separator: ", ") ?? "?")); requests using \(missing.joined(separator: "/")) fail with 400 'does not support …'.",
                fix: "Pick a model whose `ollama show` lists \(missing.joined(separator: ", ")) (e.g. qwen2.5 or llama3.1 for tools), or turn that feature off in the app."
            ))
        }
        return finish(title, findings, evidence, ok: "\(match) is installed\(isLoaded ? " and loaded" : " (not loaded now: the first request loads it)")")
    }

    private func finish(_ title: String, _ findings: [Finding], _ evidence: [Evidence], ok: String) -> CheckResult {
        let status: CheckStatus = findings.contains { $0.severity == .error } ? .fail : findings.isEmpty ? .pass : .warn
        return result("model", title, status, findings.first?.message ?? ok, evidence: evidence, findings: findings)
    }

    private func checkLMStudioModel(_ identity: Identity) async -> CheckResult {
        let title = "Model"
        let auth = await state.authHeaders
        let v0 = await state.get("/api/v0/models", headers: auth)
        let base = await workingBase()
        let v1 = await state.get(base + "/models", headers: auth)
        var evidence = [Evidence("GET /api/v0/models", v0.sketch), Evidence("GET \(base)/models", v1.sketch)]
        var findings: [Finding] = []
        let entries = v0.response?.json?["data"]?.arrayValue ?? []
        var ids = entries.compactMap { $0["id"]?.stringValue }
        let loadedIDs = entries.filter { $0["state"]?.stringValue == "loaded" }.compactMap { $0["id"]?.stringValue }
        let listed = v1.response?.json?["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        if ids.isEmpty { ids = listed }
        // With JIT loading off, LM Studio's OpenAI list holds only loaded models: downloaded ones
        // missing from it cannot be loaded by a request.
        let jitOff = !entries.isEmpty && entries.contains { $0["state"]?.stringValue == "not-loaded" }
            && !listed.contains { id in !loadedIDs.contains(id) } && isModelList(v1)
        evidence.append(Evidence("models", ids.isEmpty ? "(none)" : ids.prefix(12).joined(separator: ", ")))
        if !entries.isEmpty { evidence.append(Evidence("loaded now", loadedIDs.isEmpty ? "(none)" : loadedIDs.joined(separator: ", "))) }
        if ids.isEmpty {
            findings.append(Finding(
                "lmstudio-server-off-or-no-model",
                message: "LM Studio's server is running, but no model is loaded (the model list is empty).",
                fix: FailureCatalog.lmStudioLoadModelFix
            ))
            return finish(title, findings, evidence, ok: "")
        }
        if let wanted = configuration.model {
            guard let match = ids.first(where: { $0.lowercased() == wanted.lowercased() }) else {
                let close = ModelNames.closest(to: wanted, in: ids)
                findings.append(Finding(
                    "served-model-name-mismatch",
                    message: "LM Studio serves no model with id '\(wanted)'; its ids: \(ids.prefix(8).joined(separator: ", ")).",
                    fix: "Use the exact id" + (close.isEmpty ? " listed above." : ", e.g. '\(close[0])'.")
                ))
                return finish(title, findings, evidence, ok: "")
            }
            let isLoaded = entries.isEmpty ? nil : loadedIDs.contains(match)
            await state.setModel(match, loaded: isLoaded)
            if isLoaded == false, !loadedIDs.isEmpty || entries.count > 0 {
                findings.append(Finding(
                    "lmstudio-server-off-or-no-model", severity: jitOff ? .error : .warning,
                    message: jitOff
                        ? "\(match) is downloaded but not loaded, and JIT loading is off (the /v1/models list leaves it out): requests for it fail."
                        : "\(match) is downloaded but not loaded: the first request works only with JIT loading on (and is slow).",
                    fix: "`lms load \(match)`, or turn JIT loading on in Developer → Settings."
                ))
            }
            return finish(title, findings, evidence, ok: "\(match) is available\(isLoaded == true ? " and loaded" : "")")
        }
        if !entries.isEmpty, loadedIDs.isEmpty {
            findings.append(Finding(
                "lmstudio-server-off-or-no-model", severity: jitOff ? .error : .warning,
                message: jitOff
                    ? "LM Studio's server is running, but no model is loaded and JIT loading is off (/v1/models lists none of the \(entries.count) downloaded): every request fails with 'No models loaded'."
                    : "LM Studio's server is running but no model is loaded (/api/v0/models: none in state 'loaded'); requests work only if JIT loading is on, and the first one is slow.",
                fix: FailureCatalog.lmStudioLoadModelFix
            ))
        }
        await state.setModel(loadedIDs.first ?? ids.first, loaded: entries.isEmpty ? nil : !loadedIDs.isEmpty)
        return finish(title, findings, evidence, ok: "\(ids.count) model\(ids.count == 1 ? "" : "s") available (pass --model to check yours)")
    }

    private func checkOpenAIModel(_ identity: Identity) async -> CheckResult {
        let title = "Model"
        let auth = await state.authHeaders
        let base = await workingBase()
        let list = await state.get(base + "/models", headers: auth)
        var evidence = [Evidence("GET \(base)/models", list.sketch)]
        guard let ids = list.response?.json?["data"]?.arrayValue?.compactMap({ $0["id"]?.stringValue }) else {
            return result("model", title, .skip, "skipped: no model list (\(list.sketch))", evidence: evidence)
        }
        evidence.append(Evidence("models", ids.isEmpty ? "(none)" : ids.prefix(12).joined(separator: ", ")))
        if let limit = list.response?.json?["data"]?[0]?["max_model_len"]?.intValue { evidence.append(Evidence("max_model_len", String(limit))) }
        guard let wanted = configuration.model else {
            await state.setModel(ids.first, loaded: nil)
            return result("model", title, ids.isEmpty ? .warn : .pass, "\(ids.count) model\(ids.count == 1 ? "" : "s") listed (pass --model to check yours)", evidence: evidence)
        }
        if ids.contains(wanted) {
            await state.setModel(wanted, loaded: nil)
            return result("model", title, .pass, "\(wanted) is listed", evidence: evidence)
        }
        let close = ModelNames.closest(to: wanted, in: ids)
        let suggestion = close.isEmpty ? "" : " Closest: \(close.joined(separator: ", "))."
        if identity.kind == .openai {
            return finish(title, [Finding(
                "openai-model-no-access",
                message: "The key cannot use '\(wanted)': it is not in the account's model list.\(suggestion)",
                fix: "Use one of the listed ids" + (close.isEmpty ? "." : ", e.g. \(close[0]).")
            )], evidence, ok: "")
        }
        if identity.kind == .llamacpp {
            await state.setModel(ids.first ?? wanted, loaded: nil)
            return finish(title, [Finding(
                "served-model-name-mismatch", severity: .warning,
                message: "llama.cpp serves '\(ids.first ?? "?")' and ignores the requested name '\(wanted)'.",
                fix: "Nothing to do for llama-server; use '\(ids.first ?? wanted)' if the app checks the name."
            )], evidence, ok: "")
        }
        return finish(title, [Finding(
            "served-model-name-mismatch",
            message: "\(identity.displayName) serves \(ids.isEmpty ? "no models" : ids.prefix(6).map { "'\($0)'" }.joined(separator: ", ")), not '\(wanted)'.\(suggestion)",
            fix: "Use the exact id '\(close.first ?? ids.first ?? wanted)', or restart vLLM with --served-model-name \(wanted)."
        )], evidence, ok: "")
    }
}
