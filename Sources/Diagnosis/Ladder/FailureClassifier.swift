import Foundation
import HTTPWire

/// The error-string classifier of docs/failures.md §13: maps an error text (and optionally a status
/// and headers) to a failure-mode id. First match wins; codes are checked before messages.
public enum FailureClassifier {
    /// A rule: any of `patterns` (lower-cased substrings) → `modeID`.
    struct Rule: Sendable {
        var patterns: [String]
        var modeID: String
    }

    /// Rules in order (codes/types first, then messages).
    static let rules: [Rule] = [
        Rule(patterns: ["invalid_api_key", "incorrect api key provided"], modeID: "openai-invalid-key"),
        Rule(patterns: ["insufficient_quota", "exceeded your current quota"], modeID: "openai-insufficient-quota"),
        Rule(patterns: ["rate_limit_exceeded", "rate limit reached"], modeID: "openai-rate-limited"),
        Rule(patterns: ["unsupported_country_region_territory"], modeID: "region-blocked"),
        Rule(patterns: ["model_not_found", "does not exist or you do not have access"], modeID: "openai-model-no-access"),
        Rule(patterns: ["econnrefused ::1", "econnrefused [::1]"], modeID: "localhost-resolves-ipv6"),
        Rule(patterns: ["econnrefused", "errno 111", "winerror 10061", "connection refused", "couldn't connect to server"], modeID: "server-not-running"),
        Rule(patterns: ["etimedout", "connect timeout", "curl: (28)"], modeID: "firewall-drop-timeout"),
        Rule(patterns: ["ehostunreach", "no route to host"], modeID: "macos-local-network-privacy"),
        Rule(patterns: ["host.docker.internal"], modeID: "docker-host-gateway-missing"),
        Rule(patterns: ["enotfound", "eai_again", "name or service not known", "no such host", "could not resolve host"], modeID: "dns-failure"),
        Rule(patterns: ["wrong_version_number", "wrong version number", "server gave http response to https client", "packet length too long", "plain http request was sent to https port"], modeID: "tls-scheme-mismatch"),
        Rule(patterns: ["certificate_verify_failed", "self-signed certificate", "self signed certificate", "unable_to_get_issuer_cert_locally"], modeID: "tls-untrusted-cert"),
        Rule(patterns: ["proxyerror", "unable to connect to proxy", "x-squid-error"], modeID: "proxy-env-intercepts"),
        Rule(patterns: ["unexpected token '<'", "is not valid json"], modeID: "wrong-service-on-port"),
        Rule(patterns: ["/chat/completions/chat/completions", "/v1/v1/", "/v1/api/"], modeID: "base-url-doubled-path"),
        Rule(patterns: ["blocked by cors policy", "access-control-allow-private-network"], modeID: "cors-preflight-blocked"),
        Rule(patterns: ["mixed content"], modeID: "mixed-content"),
        Rule(patterns: ["api_key client option must be set"], modeID: "client-requires-dummy-key"),
        Rule(patterns: ["not found, try pulling it first"], modeID: "ollama-model-not-pulled"),
        Rule(patterns: ["no models loaded", "model is unloaded"], modeID: "lmstudio-server-off-or-no-model"),
        Rule(patterns: ["requires a newer version of ollama", "client version is"], modeID: "server-too-old-for-endpoint"),
        Rule(patterns: ["does not support tools", "does not support vision", "does not support thinking", "does not support chat", "does not support generate", "does not support embeddings"], modeID: "model-lacks-capability"),
        Rule(patterns: ["requires more system memory", "out of memory", "failed to load the model"], modeID: "model-too-large-oom"),
        Rule(patterns: ["llama runner process has terminated", "no longer running", "signal: killed", "0xc000001d"], modeID: "runner-crash"),
        Rule(patterns: ["timed out waiting for llama runner to start"], modeID: "model-load-timeout"),
        Rule(patterns: ["client connection closed before server finished loading"], modeID: "cold-load-slow-first-request"),
        Rule(patterns: ["headerstimeouterror", "und_err_headers_timeout"], modeID: "client-timeout-cap"),
        Rule(patterns: ["server busy", "maximum pending requests exceeded", "no slots available"], modeID: "server-busy"),
        Rule(patterns: ["maximum context length", "exceed_context_size_error", "context_length_exceeded", "exceeds the available context size"], modeID: "context-length-exceeded"),
        Rule(patterns: ["truncating input prompt"], modeID: "ollama-silent-truncation"),
        Rule(patterns: ["incomplete chunked read", "peer closed connection", "unexpected eof"], modeID: "midstream-disconnect"),
        Rule(patterns: ["socket hang up"], modeID: "keepalive-reuse-reset"),
        Rule(patterns: ["address already in use", "only one usage of each socket address", "winerror 10013"], modeID: "port-in-use-or-reserved"),
    ]

    /// The failure mode `text` (with optional HTTP `status` and headers) points to, or nil.
    public static func classify(_ text: String, status: Int? = nil, headers: HTTPHeaders = HTTPHeaders()) -> String? {
        let lower = text.lowercased()
        let server = headers["Server"]?.lowercased() ?? ""
        if status == 524 || (server.contains("cloudflare") && (status == 524 || lower.contains("524"))) { return "cloudflare-524" }
        if status == 504, server.contains("nginx") || server.contains("openresty") || lower.contains("gateway time") {
            return "gateway-timeout-504"
        }
        if lower.contains("the model"), lower.contains("does not exist"), lower.contains("notfounderror") {
            return "served-model-name-mismatch"
        }
        if status == 401, lower.contains("invalid api key") || lower.contains("unauthorized") || lower.contains("authentication_error") {
            if !lower.contains("incorrect api key provided"), !lower.contains("invalid_api_key") { return "local-server-key-required" }
        }
        if status == 503, lower.contains("loading model") { return "cold-load-slow-first-request" }
        for rule in rules where rule.patterns.contains(where: { lower.contains($0) }) {
            return rule.modeID
        }
        // Current Ollama says only `model 'x' not found` (older versions added ", try pulling it first");
        // checked after the rules, so an OpenAI-style `model_not_found` error (LM Studio's
        // `Model "x" not found.`) keeps its own mode.
        if (lower.contains("model '") && lower.contains("' not found")) || (lower.contains("model \"") && lower.contains("\" not found")) {
            return "ollama-model-not-pulled"
        }
        if status == 404, lower.contains("404 page not found") { return "base-url-missing-v1" }
        return nil
    }
}
