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
        switch kind {
        case .ollama:
            if urlText == nil, let host = env("OLLAMA_HOST") {
                urlText = host
                notes.append("URL from OLLAMA_HOST")
            }
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
            if urlText == nil {
                if let value = env("OPENAI_BASE_URL") {
                    urlText = value
                    notes.append("URL from OPENAI_BASE_URL")
                    if env("OPENAI_API_BASE") != nil { notes.append("OPENAI_API_BASE is set too and ignored (OPENAI_BASE_URL wins)") }
                } else if let value = env("OPENAI_API_BASE") {
                    urlText = value
                    notes.append("warning: URL from the legacy OPENAI_API_BASE; current OpenAI SDKs read OPENAI_BASE_URL only")
                } else {
                    urlText = "https://api.openai.com/v1"
                }
            }
            if key == nil, let value = env("OPENAI_API_KEY") {
                key = value
                notes.append("key from OPENAI_API_KEY")
            }
        }
        let endpoint = try ProviderEndpoint.parse(urlText ?? "", kind: kind, apiKey: key)
        return ProviderEnvironment(endpoint: endpoint, notes: notes + endpoint.notes)
    }
}
