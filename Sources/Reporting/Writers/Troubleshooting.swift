// MARK: - Troubleshooting

/// Turns a failed scenario into "what broke / evidence / likely cause" for the HTML and Markdown reports.
/// Findings from the runner win; otherwise a generic cause is picked from the outcome kind and request errors.
public enum Troubleshooting {
    /// The most likely cause in one or two sentences.
    public static func likelyCause(for result: ScenarioResult) -> String {
        if let finding = result.findings.max(by: { $0.severity < $1.severity }), !finding.advice.isEmpty {
            return finding.advice
        }
        if result.outcome.kind == "invalid-scenario" {
            let file = result.filePath.map { " \($0)" } ?? ""
            return "The scenario file\(file) is invalid, so nothing ran: the message above names the file and the key path of the problem (see Scenarios/README.md for the format). Fix the file and run again; `llmcheck run --list` checks files without running them."
        }
        let codes = Set(result.requests.compactMap { $0.error?.code.lowercased() })
        let statuses = Set(result.requests.compactMap(\.status))
        let kind = (result.outcome.kind ?? "").lowercased()
        if kind.contains("timeout") || codes.contains(where: { $0.contains("timeout") }) {
            return "The provider did not answer in time: the model may still be loading (cold start), the server is overloaded, or a stream stalled between chunks. Check the first-token and idle timeouts against the timeline."
        }
        if codes.contains(where: { $0.contains("refused") }) || kind.contains("connection") {
            return "Nothing is listening at the base URL: the server is not running, listens on another port or only on another interface (127.0.0.1 vs ::1)."
        }
        if statuses.contains(429) || codes.contains(where: { $0.contains("rate") }) {
            return "The server rate-limited the client: honour Retry-After and back off with jitter instead of retrying immediately."
        }
        if statuses.contains(401) || statuses.contains(403) {
            return "Authentication was rejected: check the API key and that the header reaches the server (proxies may strip it)."
        }
        if statuses.contains(404) {
            return "The endpoint or model was not found: check the path prefix (/v1 vs /api) and that the model is pulled/loaded."
        }
        if statuses.contains(where: { $0 >= 500 }) {
            return "The server failed (5xx): look at its log; the client should retry only idempotent or pre-stream failures."
        }
        if kind.contains("fram") || kind.contains("stream") || codes.contains(where: { $0.contains("malformed") }) {
            return "The stream framing was not what clients expect (SSE events, [DONE], NDJSON lines): a proxy may buffer or rewrite it, or the server emitted a malformed event."
        }
        switch result.outcome.status {
        case .failed: return "The response did not match the expectation: compare expected and actual below and the transcript."
        case .error:
            return result.requests.isEmpty
                ? "The scenario could not complete and made no request: see the message above."
                : "The scenario could not complete: see the attempts and the error of the last request."
        case .passed, .skipped: return ""
        }
    }
}
