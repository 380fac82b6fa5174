import Foundation
import HTTPWire
import TestSupport
import Testing

@testable import Diagnosis

/// The exit code `llmcheck diagnose` gives for `report` (as its `--json` says).
func exitCode(_ report: DiagnosisReport) -> Int? {
    DiagnosisRenderer().json(report, toolVersion: "test")["exit_code"]?.intValue
}

/// The fix text shown for the first finding of `mode`.
func fix(_ report: DiagnosisReport, _ mode: String) -> String {
    guard let finding = report.findings.first(where: { $0.modeID == mode }) else { return "" }
    return finding.fix ?? FailureCatalog.mode(mode)?.fix.text(for: report.platform) ?? ""
}

/// Runs `body` with a ``ScriptedHTTPServer``, always stopping it.
func withScripted<T: Sendable>(
    upstream: UInt16? = nil, _ route: @escaping @Sendable (ScriptedRequest) -> ScriptedAction,
    _ body: (ScriptedHTTPServer) async throws -> T
) async throws -> T {
    let server = try ScriptedHTTPServer(upstream: upstream, route: route)
    defer { server.stop() }
    return try await body(server)
}

/// A llama.cpp server started with `--api-key key`: `Server: llama.cpp` on every answer, `/health`
/// key-exempt, everything else (this staging includes `/v1/models`, as older builds did) 401
/// `Invalid API Key` without the key; `/props` with the key reports n_ctx 2048 of a 32768 model.
func keyedLlamaCpp(key: String) -> @Sendable (ScriptedRequest) -> ScriptedAction {
    { request in
        let server = [("Server", "llama.cpp")]
        let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
        if path == "/health" { return .reply(.json(#"{"status":"ok"}"#, headers: server)) }
        guard request.headers["authorization"] == "Bearer \(key)" else {
            return .reply(.json(#"{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}"#, status: 401, headers: server))
        }
        switch (request.method, path) {
        case ("GET", "/v1/models"), ("GET", "/models"):
            return .reply(.json(#"{"object":"list","data":[{"id":"gemma3-270m","object":"model","created":1,"owned_by":"llamacpp","meta":{"n_ctx_train":32768,"n_params":268098176,"size":253231360}}]}"#, headers: server))
        case ("GET", "/props"):
            return .reply(.json(#"{"default_generation_settings":{"n_ctx":2048},"total_slots":1,"model_path":"gemma-3-270m.gguf","build_info":"b6123-abcdef0"}"#, headers: server))
        default:
            return .reply(.json(#"{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}"#, status: 404, headers: server))
        }
    }
}
