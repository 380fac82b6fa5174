import Foundation
import HTTPWire
import ProviderClient

extension LadderProbes {
    // MARK: - Origin, Host and CORS (rung 6)

    func checkPolicy() async -> CheckResult {
        let title = "Origin and Host policy"
        guard let identity = await state.identity, identity.isLLMServer else {
            return result("policy", title, .skip, "skipped: no LLM server identified")
        }
        let auth = await state.authHeaders
        let cheapPath = identity.kind == .ollama && dialect(for: identity) == .ollamaNative ? "/api/tags" : await workingBase() + "/models"
        var evidence: [Evidence] = []
        var findings: [Finding] = []
        let plain = await state.get(cheapPath, headers: auth)
        evidence.append(Evidence("GET \(cheapPath) (no Origin)", plain.sketch))
        guard let origin = configuration.origin else {
            if identity.kind == .ollama {
                let probeOrigin = "chrome-extension://llmcheck-diagnose"
                let o = await state.get(cheapPath, headers: auth + [("Origin", probeOrigin)])
                evidence.append(Evidence("GET \(cheapPath) with Origin: \(probeOrigin)", o.sketch))
                if o.response?.status == 403, plain.response?.status != 403 {
                    return result("policy", title, .info, "native apps are fine; browser extensions would get 403 unless OLLAMA_ORIGINS allows them (pass --origin to check your app's origin)", evidence: evidence)
                }
            }
            return result("policy", title, .pass, "no Origin/Host restrictions for native apps (pass --origin for browser apps)", evidence: evidence)
        }
        // Mixed content: https page → http non-loopback target.
        if origin.lowercased().hasPrefix("https://"), !endpoint.isHTTPS, !endpoint.isLoopback {
            findings.append(Finding(
                "mixed-content",
                message: "The app's page is https (\(origin)) but calls http://\(endpoint.authority): browsers block such requests unless the target is loopback.",
                fix: FailureCatalog.mode("mixed-content")?.fix.general
            ))
        }
        let withOrigin = await state.get(cheapPath, headers: auth + [("Origin", origin)])
        evidence.append(Evidence("GET \(cheapPath) with Origin: \(origin)", withOrigin.sketch))
        if let r = withOrigin.response, r.status == 403, plain.response.map({ $0.status != 403 }) ?? false {
            if identity.kind == .ollama {
                let pattern = origin.range(of: "://").map { String(origin[..<$0.upperBound]) + "*" } ?? origin
                findings.append(Finding(
                    "ollama-origin-403",
                    message: "Ollama answers 403 (empty body) when the request carries Origin: \(origin), and 200 without it: the origin is not in OLLAMA_ORIGINS.",
                    fix: "Set OLLAMA_ORIGINS=\(pattern) for the Ollama server and restart it. " + (FailureCatalog.mode("ollama-origin-403")?.fix.text(for: configuration.platform) ?? "")
                ))
            } else {
                findings.append(Finding(
                    "cors-preflight-blocked",
                    message: "\(identity.displayName) answers 403 when the request carries Origin: \(origin), and 200 without it.",
                    fix: FailureCatalog.mode("cors-preflight-blocked")?.fix.general
                ))
            }
            return result("policy", title, .fail, "requests with Origin \(origin) are refused (403)", evidence: evidence, findings: findings)
        }
        // CORS preflight, as a browser sends it.
        let requestHeaders = configuration.effectiveKey == nil ? "content-type" : "authorization,content-type"
        var preflightHeaders = [("Origin", origin), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", requestHeaders)]
        // Private Network Access concerns web pages served from public http(s) origins only.
        let publicOrigin = (origin.hasPrefix("http://") || origin.hasPrefix("https://"))
            && !(origin.contains("localhost") || origin.contains("127.0.0.1") || origin.contains("[::1]"))
        let privateTarget = endpoint.isLoopback || Endpoint.isPrivate(endpoint.host)
        if publicOrigin, privateTarget { preflightHeaders.append(("Access-Control-Request-Private-Network", "true")) }
        let chatPath = identity.kind == .ollama && dialect(for: identity) == .ollamaNative ? "/api/chat" : await workingBase() + "/chat/completions"
        let preflight = await state.send(ProbeRequest(method: "OPTIONS", path: chatPath, headers: preflightHeaders))
        evidence.append(Evidence("OPTIONS \(chatPath)", preflight.sketch))
        if let r = preflight.response {
            let allowOrigin = r.headers["Access-Control-Allow-Origin"] ?? ""
            let allowHeaders = (r.headers["Access-Control-Allow-Headers"] ?? "").lowercased()
            for name in ["Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Private-Network"] {
                evidence.append(Evidence(name, r.headers[name] ?? "(absent)"))
            }
            var problems: [String] = []
            if !(200..<300).contains(r.status) { problems.append("answers status \(r.status) instead of 2xx") }
            if allowOrigin != "*" && allowOrigin != origin {
                problems.append(allowOrigin.isEmpty ? "has no Access-Control-Allow-Origin" : "allows origin '\(allowOrigin)', not \(origin)")
            }
            let needed = requestHeaders.split(separator: ",").map(String.init)
            if allowHeaders != "*", !needed.allSatisfy({ allowHeaders.contains($0) }) {
                problems.append("does not allow the headers \(requestHeaders) (Access-Control-Allow-Headers)")
            }
            if !problems.isEmpty {
                findings.append(Finding(
                    "cors-preflight-blocked",
                    message: "The CORS preflight from \(origin) \(problems.joined(separator: ", ")); browsers block the request ('Failed to fetch'). Native apps are unaffected.",
                    fix: FailureCatalog.mode("cors-preflight-blocked")?.fix.general
                ))
            } else if publicOrigin, privateTarget, r.headers["Access-Control-Allow-Private-Network"]?.lowercased() != "true" {
                findings.append(Finding(
                    "cors-preflight-blocked", severity: .warning,
                    message: "The preflight does not answer Access-Control-Allow-Private-Network: true; Chrome's Private Network Access may block a public page (\(origin)) from calling \(endpoint.host).",
                    fix: "Serve the page from localhost, or allow private-network requests on the server."
                ))
            }
        } else {
            findings.append(Finding(
                "cors-preflight-blocked",
                message: "The CORS preflight (OPTIONS \(chatPath)) got no usable answer: \(preflight.sketch).",
                fix: FailureCatalog.mode("cors-preflight-blocked")?.fix.general
            ))
        }
        let status: CheckStatus = findings.contains { $0.severity == .error } ? .fail : findings.isEmpty ? .pass : .warn
        return result("policy", title, status, findings.isEmpty ? "Origin \(origin) is allowed (request and preflight)" : findings[0].message, evidence: evidence, findings: findings)
    }

    // MARK: - Authentication (rung 7)

    func checkAuth() async -> CheckResult {
        let title = "Authentication"
        guard let identity = await state.identity, identity.isLLMServer else {
            return result("auth", title, .skip, "skipped: no LLM server identified")
        }
        let auth = await state.authHeaders
        let key = configuration.effectiveKey
        if dialect(for: identity) == .ollamaNative, identity.kind == .ollama {
            return result("auth", title, .pass, "Ollama's native API needs no key")
        }
        let base = await workingBase()
        let outcome = await state.get(base + "/models", headers: auth)
        var evidence = [Evidence("GET \(base)/models" + (key.map { " with key \(SecretMasking.mask($0.value)) from \($0.source)" } ?? " without key"), outcome.sketch)]
        guard let r = outcome.response else {
            return result("auth", title, .fail, "no answer: \(outcome.sketch)", evidence: evidence)
        }
        for name in ["x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens", "retry-after", "retry-after-ms"] {
            if let v = r.headers[name] { evidence.append(Evidence(name, v)) }
        }
        let errorBody = r.errorBody
        let code = errorBody?.providerCode ?? ""
        let message = errorBody?.message ?? ""
        let isCloud = identity.kind == .openai || endpoint.host == "api.openai.com"
        switch r.status {
        case 200..<300:
            return result("auth", title, .pass, key == nil ? "no key needed" : "key accepted", evidence: evidence)
        case 401:
            let localKind = [Identity.Kind.lmstudio, .llamacpp, .vllm, .ollama].contains(identity.kind)
            if isCloud || !localKind && (code == "invalid_api_key" || message.contains("Incorrect API key provided")) {
                return result("auth", title, .fail, "401 \(code.isEmpty ? "" : code)", evidence: evidence,
                    findings: [Finding(
                        "openai-invalid-key",
                        message: "The server rejected the key\(key.map { " \(SecretMasking.mask($0.value)) from \($0.source)" } ?? " (none sent)"): 401 \(code) \(message.isEmpty ? "" : "— \(message.prefix(120))").",
                        fix: FailureCatalog.mode("openai-invalid-key")?.fix.general
                    )])
            }
            let health = await state.get("/health")
            evidence.append(Evidence("GET /health (no key)", health.sketch))
            let healthOK = health.response?.status == 200
            let who = identity.kind == .lmstudio ? "LM Studio ('Require Authentication' is on)" : identity.displayName
            let keyText = key.map { "rejects the key \(SecretMasking.mask($0.value)) from \($0.source)" } ?? "requires an API key and none is configured"
            return result("auth", title, .fail, "401: \(message.isEmpty ? r.sketch : String(message.prefix(80)))", evidence: evidence,
                findings: [Finding(
                    "local-server-key-required",
                    message: "\(who) \(keyText): GET \(base)/models → 401\(healthOK ? " while /health (key-exempt) answers 200" : "").",
                    fix: identity.kind == .lmstudio
                        ? "Set LM_API_TOKEN (or the app's key field) to the token from LM Studio → Developer → Server Settings, or turn 'Require Authentication' off."
                        : FailureCatalog.mode("local-server-key-required")?.fix.general
                )])
        case 429:
            // Quota (billing) versus rate limit: ProviderClient's classification of the body.
            if let errorBody, ErrorClassifier.classify(status: 429, body: errorBody) == .quotaExceeded {
                return result("auth", title, .fail, "429 insufficient_quota", evidence: evidence,
                    findings: [Finding(
                        "openai-insufficient-quota",
                        message: "429 insufficient_quota: the account has no quota left — this is billing, retries will not help.",
                        fix: FailureCatalog.mode("openai-insufficient-quota")?.fix.general
                    )])
            }
            let reset = r.headers["retry-after"].map { "\($0) s" } ?? r.headers["x-ratelimit-reset-requests"] ?? r.headers["x-ratelimit-reset-tokens"] ?? "the reset time"
            // Rate limited now: the app's requests fail now, so the run is not healthy.
            return result("auth", title, .fail, "429 \(code.isEmpty ? "rate limited" : code)", evidence: evidence,
                findings: [Finding(
                    "openai-rate-limited",
                    message: "429 \(code.isEmpty ? "rate limit" : code): requests are refused right now (too many requests/tokens per minute); it passes after \(reset).",
                    fix: FailureCatalog.mode("openai-rate-limited")?.fix.general
                )])
        case 403:
            if code == "unsupported_country_region_territory" {
                return result("auth", title, .fail, "403 \(code)", evidence: evidence,
                    findings: [Finding("region-blocked", message: "403 unsupported_country_region_territory: the provider refuses requests from this network's location.", fix: FailureCatalog.mode("region-blocked")?.fix.general)])
            }
            return result("auth", title, .fail, "403: \(r.sketch)", evidence: evidence)
        default:
            return result("auth", title, r.status >= 500 ? .fail : .pass, "GET \(base)/models → \(r.sketch)", evidence: evidence)
        }
    }
}
