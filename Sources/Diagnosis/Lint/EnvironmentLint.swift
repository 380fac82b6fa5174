import Foundation
import HTTPWire
import ProviderClient
/// Checks of environment variables: proxies, variable names, API keys (rung 0).
///
/// Proxy rules are ProviderClient's `ProxySettings`, asked in its `.anyCommonClient` mode (not
/// curl's exact reading, which ignores upper-case `HTTP_PROXY`): diagnose asks "would *any*
/// common client stack proxy this?" — Python requests/httpx honour `HTTP_PROXY`, curl honours
/// `http_proxy` — and names the variable that did it.
public enum EnvironmentLint {
    /// A proxy that would carry requests to a target, and the variable that set it.
    public struct ProxyRoute: Sendable, Hashable {
        public var variable: String
        public var url: String
        public var endpoint: Endpoint?
    }

    /// The proxy variables apps honouring the environment (curl, Python requests/httpx, Go) would
    /// use for `endpoint`, or nil when NO_PROXY excludes it or none is set. The rules are
    /// ProviderClient's ``ProxySettings`` in its ``ProxySettings/Convention/anyCommonClient`` mode.
    public static func proxyRoute(for endpoint: Endpoint, environment env: [String: String]) -> ProxyRoute? {
        let settings = ProxySettings.fromEnvironment(env, convention: .anyCommonClient)
        guard let route = settings.proxyAndVariable(scheme: endpoint.isHTTPS ? "https" : "http", host: endpoint.host, port: endpoint.port),
            let variable = route.variable, let value = env[variable]
        else { return nil }
        let parsed = try? Endpoint.parse(value, defaultPort: 80).get()
        return ProxyRoute(variable: variable, url: SecretMasking.redactURL(value), endpoint: parsed)
    }

    /// Machine-wide findings about variable names.
    public static func variableFindings(_ env: [String: String]) -> [Finding] {
        var findings: [Finding] = []
        let base = env["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let legacy = env["OPENAI_API_BASE"].flatMap { $0.isEmpty ? nil : $0 }
        if let legacy, base == nil {
            findings.append(
                Finding(
                    "base-url-env-ignored", severity: .warning,
                    message: "OPENAI_API_BASE is set (\(SecretMasking.redactURL(legacy))) but OPENAI_BASE_URL is not: openai ≥1.0 libraries ignore OPENAI_API_BASE and call api.openai.com.",
                    fix: "export OPENAI_BASE_URL=\(SecretMasking.redactURL(legacy))"
                )
            )
        } else if let legacy, let base, legacy != base {
            findings.append(
                Finding(
                    "base-url-env-ignored", severity: .warning,
                    message: "OPENAI_BASE_URL (\(SecretMasking.redactURL(base))) and OPENAI_API_BASE (\(SecretMasking.redactURL(legacy))) differ: old and new libraries go to different servers.",
                    fix: "Set both to the same URL, or unset OPENAI_API_BASE."
                )
            )
        }
        return findings
    }

    /// Lint of an API key's shape (never printing it), for a target.
    public static func keyFindings(key: String?, source: String?, target: DiagnosisTarget) -> [Finding] {
        guard let endpoint = target.parsed else { return [] }
        let isOpenAICloud = endpoint.host == "api.openai.com"
        let isLocal = endpoint.isLoopback || Endpoint.isPrivate(endpoint.host) || Endpoint.isWildcard(endpoint.host)
        guard let key, let source else {
            if isOpenAICloud {
                return [
                    Finding(
                        "openai-invalid-key", message: "No API key is configured for api.openai.com.",
                        fix: "export OPENAI_API_KEY=sk-… (create one at https://platform.openai.com/api-keys)."
                    )
                ]
            }
            let saysOpenAI = target.isProviderKnown || endpoint.path.lowercased().contains("/v1") || target.source.hasPrefix("OPENAI")
            if isLocal, target.dialect == .openAI, saysOpenAI, !target.isDefaultProbe {
                return [
                    Finding(
                        "client-requires-dummy-key", severity: .warning,
                        message: "No API key is set. The server ignores it, but OpenAI SDKs refuse to start without one.",
                        fix: "export OPENAI_API_KEY=\(Self.placeholderKey(for: target.provider)) (any text works for local servers without auth)."
                    )
                ]
            }
            return []
        }
        var findings: [Finding] = []
        let masked = SecretMasking.mask(key)
        if key != key.trimmingCharacters(in: " ") || key.contains("\n") || key.contains("\r") || key.contains("\t") {
            findings.append(
                Finding(
                    "openai-invalid-key", message: "The key from \(source) (\(masked)) has leading/trailing white space or a newline.",
                    fix: "Remove the white space around the key."
                )
            )
        }
        if key.hasPrefix("\"") || key.hasPrefix("'") {
            findings.append(
                Finding("openai-invalid-key", message: "The key from \(source) starts with a quote character.", fix: "Remove the quotes around the key.")
            )
        }
        if key.lowercased().hasPrefix("http") {
            findings.append(
                Finding(
                    "openai-invalid-key", message: "The key from \(source) looks like a URL, not an API key.",
                    fix: "Put the URL in the base-URL setting and the key in the key field."
                )
            )
        }
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        if isOpenAICloud {
            let foreign: [(String, String)] = [
                ("sk-or-", "OpenRouter"), ("gsk_", "Groq"), ("sk-ant-", "Anthropic"), ("AIza", "Google"), ("xai-", "xAI"),
            ]
            if let (_, name) = foreign.first(where: { trimmed.hasPrefix($0.0) }) {
                findings.append(
                    Finding(
                        "openai-invalid-key", message: "The key from \(source) (\(masked)) is a \(name) key, sent to api.openai.com.",
                        fix: "Use an OpenAI key, or point the base URL at \(name)."
                    )
                )
            } else if !trimmed.hasPrefix("sk-"), !trimmed.hasPrefix("\""), !trimmed.lowercased().hasPrefix("http") {
                findings.append(
                    Finding(
                        "openai-invalid-key", severity: .warning,
                        message: "The key from \(source) (\(masked)) does not start with sk- like OpenAI keys do.",
                        fix: "Check that OPENAI_API_KEY holds an OpenAI key."
                    )
                )
            }
        }
        return findings
    }

    /// The dummy key each provider's own docs suggest for an SDK that insists on one.
    static func placeholderKey(for provider: ProviderKind) -> String {
        switch provider {
        case .ollama: "ollama"
        case .lmstudio: "lm-studio"
        case .openaiCompatible: "not-needed"
        }
    }
}
