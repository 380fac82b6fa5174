import HTTPWire

/// Ollama model-name rules: `[host/][namespace/]model[:tag]`, tag defaults to `latest`,
/// lookup is case-insensitive.
enum OllamaNames {
    /// `llama3.2` → `llama3.2:latest`; names with a tag are kept.
    static func canonical(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return last.contains(":") ? name : name + ":latest"
    }

    /// Whether two names denote the same model.
    static func same(_ a: String, _ b: String) -> Bool {
        canonical(a).lowercased() == canonical(b).lowercased()
    }
}
