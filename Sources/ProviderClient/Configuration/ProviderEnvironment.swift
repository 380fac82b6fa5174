import HTTPWire
/// Resolves an endpoint from command-line values and the environment, the way the official
/// clients do, and says what it used.
///
/// | kind | URL (first found) | key (first found) |
/// |---|---|---|
/// | ollama | argument, `OLLAMA_HOST`, `http://127.0.0.1:11434` | argument, `OLLAMA_API_KEY` |
/// | lmstudio | argument, `http://127.0.0.1:1234` | argument, `LM_API_TOKEN` |
/// | openaiCompatible | argument, `OPENAI_BASE_URL`, legacy `OPENAI_API_BASE` (warned), `https://api.openai.com/v1` | argument, `OPENAI_API_KEY` |
public struct ProviderEnvironment: Sendable {
    /// The resolved endpoint (key included, masked in its description).
    public var endpoint: ProviderEndpoint
    /// Where the URL and key came from, and deprecation warnings. Never contains the key.
    public var notes: [String]

    /// Resolves the endpoint of `kind`.
    ///
    /// - Throws: ``ProviderError`` `.invalidConfiguration` when the URL cannot be parsed.
    public static func resolve(
        kind: ProviderKind, url: String?, apiKey: String?, environment: [String: String]
    ) throws(ProviderError) -> ProviderEnvironment {
        var notes: [String] = []
        func env(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        var urlText = url
        var key = apiKey
        if urlText == nil, let configured = configuredURL(kind: kind, environment: environment) {
            urlText = configured.value
            switch configured.variable {
            case "OPENAI_API_BASE":
                notes.append("warning: URL from the legacy OPENAI_API_BASE; current OpenAI SDKs read OPENAI_BASE_URL only")
            default:
                notes.append("URL from \(configured.variable)")
                if configured.variable == "OPENAI_BASE_URL", env("OPENAI_API_BASE") != nil {
                    notes.append("OPENAI_API_BASE is set too and ignored (OPENAI_BASE_URL wins)")
                }
            }
        }
        switch kind {
        case .ollama:
            if key == nil, let value = env("OLLAMA_API_KEY") {
                key = value
                notes.append("key from OLLAMA_API_KEY")
            }
        case .lmstudio:
            if key == nil, let value = env("LM_API_TOKEN") {
                key = value
                notes.append("key from LM_API_TOKEN")
            }
        case .openaiCompatible:
            if urlText == nil { urlText = "https://api.openai.com/v1" }
            if key == nil, let value = env("OPENAI_API_KEY") {
                key = value
                notes.append("key from OPENAI_API_KEY")
            }
        }
        let endpoint = try ProviderEndpoint.parse(urlText ?? "", kind: kind, apiKey: key)
        return ProviderEnvironment(endpoint: endpoint, notes: notes + endpoint.notes)
    }

    /// The base URL the environment configures for `kind`, unparsed, with the variable it came
    /// from: `OLLAMA_HOST` for Ollama; `OPENAI_BASE_URL`, then the legacy `OPENAI_API_BASE`, for
    /// OpenAI-compatible servers; nil when none is set (empty counts as unset). LM Studio has no
    /// URL variable. Defaults are not included.
    public static func configuredURL(kind: ProviderKind, environment: [String: String]) -> (value: String, variable: String)? {
        let names: [String] =
            switch kind {
            case .ollama: ["OLLAMA_HOST"]
            case .lmstudio: []
            case .openaiCompatible: ["OPENAI_BASE_URL", "OPENAI_API_BASE"]
            }
        for name in names {
            if let value = environment[name], !value.isEmpty { return (value, name) }
        }
        return nil
    }
}
