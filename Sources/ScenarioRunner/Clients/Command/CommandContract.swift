// MARK: - CommandContract

/// The interface between llmcheck and a program under test (docs/clients.md): the environment llmcheck
/// sets for one request, and what the program must print. Keep it stable; people code against it.
///
/// In: `LLMCHECK_PROVIDER`, `LLMCHECK_BASE_URL`, `LLMCHECK_OPERATION`, `LLMCHECK_MODEL`, `LLMCHECK_PROMPT`,
/// `LLMCHECK_STREAM`, `LLMCHECK_TEST_ID`, the hints `LLMCHECK_TIMEOUT_MS` and `LLMCHECK_MAX_RETRIES`, and the
/// variables the common SDKs read (`OPENAI_BASE_URL`, `OPENAI_API_BASE`, `OPENAI_API_KEY`, `OLLAMA_HOST`,
/// `NO_PROXY` / `no_proxy`). Out: the answer on stdout (chat: the reply text; models: one id per line;
/// embed: the vector length), exit status 0 on success and non-zero when the program gave up.
public enum CommandContract {
    /// What the program is asked to do (`LLMCHECK_OPERATION`).
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case chat
        case models
        case embed

        /// The contract operation for a scenario operation; nil when a command cannot perform it.
        public init?(_ operation: Scenario.Operation) {
            switch operation {
            case .chat: self = .chat
            case .listModels: self = .models
            case .embed: self = .embed
            case .discover, .showModel, .generate, .failoverChat: return nil
            }
        }
    }

    /// API key given to programs when the scenario configures none (SDKs refuse to start without one).
    public static let dummyAPIKey = "sk-llmcheck-dummy-key"

    /// Variables removed from the inherited environment so that a developer's own settings cannot point the
    /// program somewhere else.
    public static let clearedVariables = [
        "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OLLAMA_HOST",
        "OLLAMA_API_KEY", "LM_API_TOKEN", "LMSTUDIO_HOST", "ANTHROPIC_API_KEY",
    ]

    /// The base URL as the provider's SDKs expect it: `http://127.0.0.1:P/v1` for OpenAI-compatible servers
    /// and LM Studio, `http://127.0.0.1:P` for Ollama.
    public static func baseURL(server: RunningServer, dialect: String) -> String {
        dialect == "ollama" ? server.baseURL : server.baseURL + "/v1"
    }

    /// The environment of one run: `inherited` minus ``clearedVariables`` and stale `LLMCHECK_*`, plus the
    /// contract's variables, plus the scenario's own `env` (which wins).
    public static func environment(
        inherited: [String: String], operation: Operation, server: RunningServer, dialect: String, model: String?,
        prompt: String, stream: Bool, apiKey: String?, testID: String, timeoutMilliseconds: Int, maxRetries: Int,
        extra: [String: String]
    ) -> [String: String] {
        var env = inherited.filter { !$0.key.hasPrefix("LLMCHECK_") && !clearedVariables.contains($0.key) }
        let base = baseURL(server: server, dialect: dialect)
        env["LLMCHECK_PROVIDER"] = dialect
        env["LLMCHECK_BASE_URL"] = base
        env["LLMCHECK_OPERATION"] = operation.rawValue
        env["LLMCHECK_MODEL"] = model ?? ""
        env["LLMCHECK_PROMPT"] = prompt
        env["LLMCHECK_STREAM"] = stream ? "1" : "0"
        env["LLMCHECK_TEST_ID"] = testID
        env["LLMCHECK_TIMEOUT_MS"] = String(timeoutMilliseconds)
        env["LLMCHECK_MAX_RETRIES"] = String(maxRetries)
        env["OPENAI_BASE_URL"] = server.baseURL + "/v1"
        env["OPENAI_API_BASE"] = server.baseURL + "/v1"
        env["OPENAI_API_KEY"] = apiKey ?? dummyAPIKey
        env["OLLAMA_HOST"] = server.baseURL
        let loopback = ["127.0.0.1", "localhost", "::1"]
        for name in ["NO_PROXY", "no_proxy"] {
            let existing = (env[name] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty && !loopback.contains($0) }
            env[name] = (loopback + existing).joined(separator: ",")
        }
        for (key, value) in extra { env[key] = value }
        return env
    }
}
