import Foundation
import HTTPWire
import ProviderClient
/// Static checks of a base URL, before any I/O (rung 0).
public enum URLLint {
    /// Endpoint suffixes that belong to requests, not to a base URL.
    static let endpointSuffixes = [
        "/chat/completions", "/completions", "/embeddings", "/models", "/responses", "/api/chat", "/api/generate",
        "/api/tags", "/api/embed", "/api/embeddings", "/api/version", "/api/show", "/api/ps",
    ]

    /// Findings for `target` (an unparseable URL yields one url-malformed error).
    public static func findings(for target: DiagnosisTarget) -> [Finding] {
        let label = target.source == "argument" ? "the URL" : target.source
        let endpoint: Endpoint
        switch target.endpoint {
        case .failure(let error):
            let fix = schemeTypoCorrection(target.input).map { "Use \($0)." }
                ?? "Use a URL such as http://127.0.0.1:\(target.provider.localDefaultPort ?? 11434)\(target.dialect == .openAI ? "/v1" : "")."
            return [Finding("url-malformed", message: "\(label) '\(target.input)' cannot be used: \(error.message).", fix: fix)]
        case .success(let e): endpoint = e
        }
        var findings: [Finding] = []
        if !endpoint.hadScheme, target.source != "OLLAMA_HOST" {
            // An error, not a warning: apps that refuse or misparse it fail, so the run must not pass.
            findings.append(
                Finding(
                    "url-malformed",
                    message: "\(label) has no scheme; many apps refuse or misparse it. diagnose uses \(endpoint.normalized).",
                    fix: "Write it as \(endpoint.normalized)."
                )
            )
        }
        if let suggested = missingPortCorrection(target) {
            let p = suggested.port
            findings.append(
                Finding(
                    "url-malformed",
                    message: "\(label) has no port, so apps connect to port \(endpoint.port), not \(target.provider.displayName)'s \(p).",
                    fix: "Use \(suggested.normalized)."
                )
            )
        }
        if Endpoint.isWildcard(endpoint.host) {
            var suggested = endpoint
            suggested.host = endpoint.host.contains(":") ? "::1" : "127.0.0.1"
            findings.append(
                Finding(
                    "wildcard-client-host",
                    message: "\(label) points at \(endpoint.hostForURL), a listen-everywhere address, not a destination.",
                    fix: "Use \(suggested.normalized) on this machine (or the server's LAN address from elsewhere)"
                        + (target.source == "OLLAMA_HOST" ? "; OLLAMA_HOST=0.0.0.0 belongs to the server's environment, not the app's." : ".")
                )
            )
        }
        let octets = endpoint.host.split(separator: ".")
        if octets.count == 4, !Endpoint.isWildcard(endpoint.host), ProbeNet.parseNumeric(endpoint.host) != nil, octets.last == "0" || octets.last == "255" {
            findings.append(
                Finding(
                    "url-malformed",
                    message: "\(endpoint.host) is a network/broadcast address, not a host (typo for 127.0.0.1?).",
                    fix: "Use the server's address, e.g. http://127.0.0.1:\(endpoint.port)\(endpoint.path)."
                )
            )
        }
        if endpoint.rawPath.contains("//") {
            findings.append(
                Finding(
                    "url-malformed", message: "The path '\(endpoint.rawPath)' contains '//'; servers answer 404 for such paths.",
                    fix: "Use \(endpoint.normalized.replacingOccurrences(of: "//", with: "/").replacingOccurrences(of: ":/", with: "://"))."
                )
            )
        }
        if let query = endpoint.query, !query.isEmpty {
            findings.append(
                Finding(
                    "url-malformed", severity: .warning,
                    message: "The base URL carries a query string or fragment; clients append paths after it.",
                    fix: "Remove '?…' from the base URL; pass keys in the app's key field."
                )
            )
        }
        if endpoint.hadUserInfo {
            findings.append(
                Finding(
                    "url-malformed", severity: .warning,
                    message: "The URL contains user:password@; many clients drop it or leak it in logs.",
                    fix: "Remove the credentials from the URL and use the app's key field."
                )
            )
        }
        if let doubled = doubledPath(endpoint) {
            var base = endpoint
            base.path = doubled.base
            findings.append(
                Finding(
                    "base-url-doubled-path",
                    message: "The base URL ends in '\(doubled.suffix)', so clients call \(endpoint.path)\(doubled.example).",
                    fix: "Use only the base: \(base.normalized)."
                )
            )
        }
        return findings
    }

    /// `input` with a misspelt scheme corrected (`htp://`, `htttp://`, `http:/`, `hhtps://`),
    /// when the rest then parses; nil for anything else.
    static func schemeTypoCorrection(_ input: String) -> String? {
        let text = input.trimmingCharacters(in: " ")
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        var rest = text[text.index(after: colon)...]
        while rest.first == "/" { rest = rest.dropFirst() }
        guard !scheme.isEmpty, scheme.allSatisfy(\.isLetter), !rest.isEmpty else { return nil }
        let candidates = ["http", "https"].filter { Suggestion.editDistance(scheme, $0) <= 2 }
        guard let best = candidates.min(by: { Suggestion.editDistance(scheme, $0) < Suggestion.editDistance(scheme, $1) }) else { return nil }
        let fixed = "\(best)://\(rest)"
        guard fixed != text, case .success(let endpoint) = Endpoint.parse(fixed, defaultPort: nil) else { return nil }
        return endpoint.hadPort ? endpoint.normalized : fixed
    }

    /// The URL with the provider's port when a local plain-HTTP URL names none (`http://127.0.0.1`
    /// for Ollama means port 80, not 11434); nil when the URL is fine in that respect.
    static func missingPortCorrection(_ target: DiagnosisTarget) -> Endpoint? {
        guard let endpoint = target.parsed, endpoint.hadScheme, !endpoint.hadPort, !endpoint.isHTTPS else { return nil }
        let local = endpoint.isLoopback || Endpoint.isPrivate(endpoint.host) || Endpoint.isWildcard(endpoint.host)
        guard local, let p = target.provider.localDefaultPort, endpoint.port != p else { return nil }
        var suggested = endpoint
        suggested.port = p
        return suggested
    }

    /// The endpoint suffix a base URL wrongly contains, with the base it should be.
    static func doubledPath(_ endpoint: Endpoint) -> (suffix: String, base: String, example: String)? {
        let path = endpoint.path.lowercased()
        if let range = path.range(of: "/v1/v1") {
            return ("/v1/v1", String(endpoint.path[..<range.lowerBound]) + "/v1", "/models")
        }
        if let r = path.range(of: "/v1/api") {
            let offset = path.distance(from: path.startIndex, to: r.lowerBound)
            return ("/v1/api", String(endpoint.path.prefix(offset)), "/api/chat")
        }
        for suffix in endpointSuffixes where path.hasSuffix(suffix) {
            let base = String(endpoint.path.dropLast(suffix.count))
            let example = suffix.hasPrefix("/api") ? suffix : "/chat/completions"
            return (suffix, base, example)
        }
        return nil
    }
}
