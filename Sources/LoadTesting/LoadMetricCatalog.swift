/// The metrics of `llmcheck load`: label, definition and the names other tools use for the same
/// quantity (docs/load.md has the full table).
public enum LoadMetricCatalog {
    public struct Entry: Sendable {
        public var name: String
        public var label: String
        public var definition: String
    }

    public static let entries: [Entry] = [
        Entry(name: "ttfb_ms", label: "TTFB (ms)", definition: "t_headers - t_send: the response head arrived"),
        Entry(name: "ttft_ms", label: "TTFT (ms)", definition: "t_first_token - t_send: first chunk with non-empty content or a tool-call delta"),
        Entry(name: "itl_ms", label: "ITL (ms)", definition: "every gap between consecutive content chunks, pooled over all requests"),
        Entry(name: "tpot_ms", label: "TPOT (ms)", definition: "per request (e2e - ttft) / (output_tokens - 1), output_tokens >= 2"),
        Entry(name: "e2e_ms", label: "E2E (ms)", definition: "t_last_token - t_send"),
        Entry(name: "output_tokens_per_s_per_request", label: "Output tok/s per request", definition: "output_tokens / e2e per request"),
        Entry(name: "output_tokens", label: "Output tokens", definition: "per request: server usage when reported, else content chunks"),
    ]

    public static func definition(of name: String) -> String { entries.first { $0.name == name }?.definition ?? name }
    public static func label(of name: String) -> String { entries.first { $0.name == name }?.label ?? name }
}
