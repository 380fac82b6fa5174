import Foundation
import HTTPWire

/// What answers on a port, from cheap fingerprint requests (docs/failures.md §12).
struct Identity: Sendable {
    enum Kind: String, Sendable {
        case ollama, lmstudio, llamacpp = "llama.cpp", vllm, openai = "openai-cloud"
        /// Answers an OpenAI model list but no known fingerprint.
        case openAICompatible = "openai-compatible"
        case openWebUI = "open-webui"
        /// An HTML page.
        case htmlPage = "html-page"
        /// Every cheap request got 403 with an empty body (Ollama's Origin/Host policy).
        case forbidden
        case unknown
    }

    var kind: Kind
    var version: String?
    /// What `GET /` returned, in words.
    var rootSketch: String
    var evidence: [Evidence]
    /// Whether the server answers Ollama's native API / an OpenAI model list at the root.
    var servesOllamaNative: Bool
    var servesOpenAIList: Bool
    /// `Server` / `Via` banners seen.
    var banners: [String]

    var isLLMServer: Bool {
        switch kind {
        case .ollama, .lmstudio, .llamacpp, .vllm, .openai, .openAICompatible: true
        default: false
        }
    }

    var displayName: String {
        switch kind {
        case .ollama: "Ollama" + (version.map { " \($0)" } ?? "")
        case .lmstudio: "LM Studio"
        case .llamacpp: "llama.cpp server" + (version.map { " \($0)" } ?? "")
        case .vllm: "vLLM" + (version.map { " \($0)" } ?? "")
        case .openai: "OpenAI API"
        case .openAICompatible: "an OpenAI-compatible server"
        case .openWebUI: "Open WebUI (a web UI, not an LLM API)"
        case .htmlPage: "a web page"
        case .forbidden: "a server that answers 403 to everything"
        case .unknown: "an unrecognised service"
        }
    }

    /// The paths probed for a fingerprint.
    static let paths = ["/", "/api/version", "/v1/models", "/health", "/api/v0/models", "/version", "/props"]

    /// Paths whose answer depends on the key (sent with it when one is configured).
    static func wantsKey(_ path: String) -> Bool { path.hasPrefix("/v1") || path.hasPrefix("/api/v0") || path == "/props" }

    /// Fingerprints from the outcomes of ``paths`` (keyed by path).
    static func classify(_ outcomes: [String: ProbeOutcome], host: String) -> Identity {
        func r(_ p: String) -> ProbeResponse? { outcomes[p]?.response }
        let root = outcomes["/"]
        var evidence: [Evidence] = []
        for p in paths { if let o = outcomes[p] { evidence.append(Evidence("GET \(p)", o.sketch)) } }
        let responses = paths.compactMap { r($0) }
        var banners: [String] = []
        for resp in responses {
            for name in ["Server", "Via", "X-Powered-By", "CF-RAY", "X-Squid-Error"] {
                if let v = resp.headers[name], !banners.contains("\(name): \(v)") { banners.append("\(name): \(v)") }
            }
        }
        let list = r("/v1/models").flatMap { $0.status == 200 ? $0.json : nil }
        let isList = list?["data"]?.arrayValue != nil || list?["object"]?.stringValue == "list"
        let ownedBy = list?["data"]?.arrayValue?.compactMap { $0["owned_by"]?.stringValue } ?? []
        let ollamaRoot = r("/")?.text.hasPrefix("Ollama is running") == true
        let versionJSON = r("/api/version").flatMap { $0.status == 200 ? $0.json?["version"]?.stringValue : nil }
        let lmStudio = responses.contains {
            $0.headers["X-Powered-By"] == "Express" || $0.text.contains("Unexpected endpoint or method")
        } || ownedBy.contains { $0 == "organization_owner" || $0 == "organization-owner" }
            || r("/api/v0/models")?.json?["data"]?.arrayValue != nil
        var kind: Kind = .unknown
        var version: String?
        if ollamaRoot || (versionJSON != nil && !lmStudio) || ownedBy.contains("library") {
            kind = .ollama
            version = versionJSON
        } else if lmStudio {
            kind = .lmstudio
        } else if host == "api.openai.com" && (isList || r("/v1/models")?.status == 401) {
            kind = .openai
        } else if ownedBy.contains("vllm") || r("/v1/models")?.json?["object"]?.stringValue == "error" {
            kind = .vllm
            version = r("/version")?.json?["version"]?.stringValue
        } else if ownedBy.contains("llamacpp")
            || responses.contains(where: { $0.headers["Server"]?.lowercased().hasPrefix("llama.cpp") == true })
            || r("/props").flatMap { $0.status == 200 ? $0.json?["default_generation_settings"] : nil } != nil
            || r("/health")?.json?["status"]?.stringValue == "ok"
            || r("/health")?.json?["error"]?["message"]?.stringValue == "Loading model"
        {
            // Public even behind --api-key: the Server header, the key-exempt /health; /props with the key.
            kind = .llamacpp
            version = r("/props").flatMap { $0.status == 200 ? $0.json?["build_info"]?.stringValue : nil }
        } else if isList {
            kind = .openAICompatible
        } else if let models = r("/v1/models"), [401, 403, 429].contains(models.status), models.json?["error"] != nil {
            // An OpenAI-style API that answers the list with an auth/quota/rate error first.
            kind = .openAICompatible
        } else if r("/health")?.json?["status"]?.boolValue == true, r("/")?.isHTML == true {
            kind = .openWebUI
        } else if responses.contains(where: { $0.isHTML }) {
            kind = .htmlPage
        } else if !responses.isEmpty, responses.allSatisfy({ $0.status == 403 && $0.body.isEmpty }) {
            kind = .forbidden
        } else if host == "api.openai.com" {
            kind = .openai
        }
        let native = r("/api/version")?.status == 200 && versionJSON != nil
        return Identity(
            kind: kind, version: version, rootSketch: root?.sketch ?? "not probed", evidence: evidence,
            servesOllamaNative: native, servesOpenAIList: isList, banners: banners
        )
    }

    /// Fingerprints a loopback port directly (used by the port scan).
    static func probe(
        address: SocketAddress, port: UInt16, authority: String, headers: [(String, String)], readTimeout: Double,
        connectTimeout: Double
    ) async -> Identity {
        let outcomes = await withTaskGroup(of: (String, ProbeOutcome).self) { group in
            for path in paths {
                group.addTask {
                    let o = await ProbeHTTP.send(
                        ProbeRequest(path: path, headers: headers), to: address, port: port, authority: authority,
                        connectTimeout: connectTimeout, readTimeout: readTimeout
                    )
                    return (path, o)
                }
            }
            var all: [String: ProbeOutcome] = [:]
            for await (p, o) in group { all[p] = o }
            return all
        }
        return classify(outcomes, host: address.ipAddress)
    }
}
