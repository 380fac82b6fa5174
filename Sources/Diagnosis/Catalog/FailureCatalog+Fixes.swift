import Foundation

/// Fix texts of the catalog specialised to what a run observed (the port the server really uses,
/// the half of a two-sided mode that applies). The wording stays in ``FailureCatalog``; these only
/// pick and fill it in.
extension FailureCatalog {
    /// The bound-to-loopback fix for a server on `port` (the catalog's text names Ollama's 11434):
    /// `OLLAMA_HOST=0.0.0.0:8081` for a server on 8081. `platform` nil picks the general text.
    public static func bindAllInterfacesFix(port: UInt16, platform: Platform?) -> String {
        guard let fix = mode("bound-loopback-only")?.fix else { return "" }
        let text = platform.map { fix.text(for: $0) } ?? fix.general
        return text.replacingOccurrences(of: "0.0.0.0:11434", with: "0.0.0.0:\(port)")
    }

    /// The "no model loaded" half of `lmstudio-server-off-or-no-model`, for a server that answered
    /// (its "start the server" half cannot apply then).
    public static var lmStudioLoadModelFix: String {
        let text = mode("lmstudio-server-off-or-no-model")?.fix.general ?? ""
        guard let range = text.range(of: "No model: ") else { return text }
        return String(text[range.upperBound...])
    }
}
