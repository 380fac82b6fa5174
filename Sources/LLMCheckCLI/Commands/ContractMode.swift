import Foundation
import HTTPWire
import ProviderClient

/// `llmcheck chat` and `llmcheck models` as a program under test (`llmcheck run --client 'llmcheck chat'`):
/// when neither `--url` nor `--provider` is given and `LLMCHECK_BASE_URL` is set, the command reads the
/// contract's variables (docs/clients.md) for every flag that was not given.
enum ContractMode {
    /// The operation the contract asks for (`LLMCHECK_OPERATION`), when contract mode applies.
    static func operation(_ arguments: ParsedArguments, environment: [String: String]) -> String? {
        guard isActive(arguments, environment: environment) else { return nil }
        return environment["LLMCHECK_OPERATION"] ?? "chat"
    }

    static func isActive(_ arguments: ParsedArguments, environment: [String: String]) -> Bool {
        arguments.string("--url") == nil && arguments.string("--provider") == nil && environment["LLMCHECK_BASE_URL"] != nil
    }

    /// `arguments` with the contract's values for the flags that were not given.
    static func apply(_ arguments: ParsedArguments, environment env: [String: String]) -> ParsedArguments {
        guard isActive(arguments, environment: env) else { return arguments }
        var out = arguments
        func fill(_ name: String, _ variable: String, _ transform: (String) -> String = { $0 }) {
            if out.values[name] == nil, let value = env[variable], !value.isEmpty { out.values[name] = [transform(value)] }
        }
        fill("--url", "LLMCHECK_BASE_URL")
        fill("--provider", "LLMCHECK_PROVIDER")
        fill("--model", "LLMCHECK_MODEL")
        fill("--retries", "LLMCHECK_MAX_RETRIES")
        if out.values["--api-key"] == nil, let key = env["OPENAI_API_KEY"], !key.isEmpty { out.values["--api-key"] = [key] }
        if out.positionals.isEmpty, let prompt = env["LLMCHECK_PROMPT"] { out.positionals = [prompt] }
        if env["LLMCHECK_STREAM"] == "0" { out.flags.insert("--no-stream") }
        return out
    }

    /// `defaults` with the contract's `LLMCHECK_TIMEOUT_MS` as the wait for headers and between body pieces
    /// (the idle timeout the scenario judges against); the whole-request bound (`--timeout`) stays the command's.
    static func timeouts(_ defaults: RequestTimeouts, environment: [String: String]) -> RequestTimeouts {
        guard environment["LLMCHECK_BASE_URL"] != nil, let text = environment["LLMCHECK_TIMEOUT_MS"], let ms = Int(text), ms > 0 else { return defaults }
        var out = defaults
        out.headers = .milliseconds(min(ms, 86_400_000))
        out.idle = .milliseconds(min(ms, 86_400_000))
        return out
    }

    /// `models` under the contract: one id per line.
    static func listModels(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let (client, _, waiting) = try await ClientCommandSupport.makeClient(
            apply(arguments, environment: context.environment), context: context,
            timeouts: timeouts(ClientCommandSupport.modelsTimeouts, environment: context.environment))
        defer { waiting.stop() }
        do {
            for model in try await client.listModels() { context.output.line(model.id) }
            return .success
        } catch {
            return ClientCommandSupport.report(error, context: context)
        }
    }

    /// `embed` under the contract: the vector length.
    static func embed(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let arguments = apply(arguments, environment: context.environment)
        guard let model = arguments.string("--model") else { throw UsageError("--model is required (or LLMCHECK_MODEL)") }
        let (client, _, waiting) = try await ClientCommandSupport.makeClient(
            arguments, context: context, timeouts: timeouts(ClientCommandSupport.modelsTimeouts, environment: context.environment))
        defer { waiting.stop() }
        do {
            let result = try await client.embeddings(model: model, inputs: [arguments.positionals.joined(separator: " ")])
            guard let vector = result.vectors.first else {
                context.output.error("error: the server returned no embedding")
                return .failure
            }
            context.output.line(String(vector.count))
            return .success
        } catch {
            return ClientCommandSupport.report(error, context: context)
        }
    }
}
