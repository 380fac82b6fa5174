import Foundation
import HTTPWire

/// `llmcheck verdict`: asks a running `llmcheck serve` how the client behaved (session mode).
public enum VerdictCommand: Command {
    public static let spec = CommandSpec(
        name: "verdict", abstract: "Judge the requests a test made against a running llmcheck serve.",
        discussion: """
            Session mode: your test suite drives `llmcheck serve` itself, sending `X-Test-Id: T` with each
            request (and scoping faults with test_id=T). This command fetches
            GET URL/__llmcheck/verdict?test_id=T and prints the findings: retries that ignored Retry-After,
            retried 401/404, no backoff, too many attempts, duplicates after a success, stalls the client sat
            through. Without --test-id every test id seen is judged. See docs/clients.md.

            EXAMPLES:
              llmcheck verdict --url http://127.0.0.1:11434 --test-id test_retry_after
              llmcheck verdict --url "$LLMCHECK_URL" --json --strict

            EXIT CODES: 0 no failing finding, 1 a failing finding (with --strict also a warning), 64 usage,
            69 the server could not be reached or has no verdict endpoint.
            """,
        options: [
            .option("--url", value: "URL", help: "Base URL of the running llmcheck serve (http://127.0.0.1:PORT)."),
            .option("--test-id", value: "T", help: "Judge only the requests sent with X-Test-Id: T.", default: "every test id"),
            .option("--idle-ms", value: "MS", help: "Longest silence a client may sit through.", default: "10000"),
            .option("--max-retries", value: "N", help: "Retries the client may make per request.", default: "2"),
            .flag("--json", help: "Print the verdict as JSON."),
            .flag("--junit", help: "Print the verdict as JUnit XML (one testcase per test id)."),
            .flag("--strict", help: "Warnings fail too."),
        ])

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard let url = arguments.string("--url") else { throw UsageError("--url is required (the address llmcheck serve printed)") }
        var base = url.hasSuffix("/") ? String(url.dropLast()) : url
        if base.hasSuffix("/v1") { base = String(base.dropLast(3)) }
        var query: [String] = []
        if let test = arguments.string("--test-id") { query.append("test_id=" + percentEncoded(test)) }
        if let idle = try arguments.int("--idle-ms", in: 1...86_400_000) { query.append("idle_ms=\(idle)") }
        if let retries = try arguments.int("--max-retries", in: 0...100) { query.append("max_retries=\(retries)") }
        query.append("format=json")
        let target = base + "/__llmcheck/verdict?" + query.joined(separator: "&")
        guard let request = HTTPClientRequest(url: target) else { throw UsageError("--url must be an http:// URL, got '\(url)'") }
        let response: HTTPClientResponse
        do {
            response = try await RawHTTPClient().send(request)
        } catch {
            context.output.error("error: cannot reach \(base): \(error)")
            return .unavailable
        }
        guard response.status.code == 200, let document = try? JSONValue.parse(response.body) else {
            context.output.error("error: \(base) answered \(response.status.code) to GET /__llmcheck/verdict: \(String(response.text.prefix(300)))")
            return .unavailable
        }
        let strict = arguments.flag("--strict")
        let passed = document["passed" + (strict ? "_strict" : "")]?.boolValue ?? false
        if arguments.flag("--json") {
            context.output.line(document.prettySerialized())
        } else if arguments.flag("--junit") {
            var junit = request
            junit.target = junit.target.replacingOccurrences(of: "format=json", with: "format=junit")
            let xml = (try? await RawHTTPClient().send(junit))?.text ?? ""
            context.output.write(xml)
        } else {
            for test in document["tests"]?.arrayValue ?? [] {
                let id = test["test_id"]?.stringValue ?? ""
                let ok = test["passed" + (strict ? "_strict" : "")]?.boolValue ?? false
                let findings = test["findings"]?.arrayValue ?? []
                context.output.line("\(ok ? "PASS" : "FAIL") \(id.isEmpty ? "(no X-Test-Id)" : id): \(NumberText.count(test["requests"]?.intValue ?? 0, "request")), \(NumberText.count(findings.count, "finding"))")
                for f in findings {
                    context.output.line("  \(f["severity"]?.stringValue ?? "") \(f["id"]?.stringValue ?? ""): \(f["message"]?.stringValue ?? "")")
                    for e in f["evidence"]?.arrayValue ?? [] { context.output.line("    - \(e.stringValue ?? "")") }
                    context.output.line("    fix: \(f["advice"]?.stringValue ?? "")")
                }
                for note in test["inconclusive"]?.arrayValue ?? [] { context.output.line("  inconclusive: \(note.stringValue ?? "")") }
            }
        }
        return passed ? .success : .failure
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
