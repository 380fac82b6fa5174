import Foundation
import HTTPWire
import ProviderClient

/// `llmcheck models`: list the models a provider serves, normalised across providers.
public enum ModelsCommand: Command {
    public static let spec = CommandSpec(
        name: "models", abstract: "List the models a provider serves.",
        discussion: """
            Ollama: GET /api/tags. LM Studio: GET /api/v0/models (with load state). Others: GET /v1/models.
            Capabilities come from server metadata when it has any, else from the model name (marked ~).
            CONTEXT is the context the server serves (llama.cpp: /props n_ctx, the -c option); when the
            server also reports the training context, it follows in parentheses.

            EXAMPLES:
              llmcheck models --url http://127.0.0.1:11434
              llmcheck models --url http://127.0.0.1:8080/v1 --provider openai --json

            Timeouts: connect 5 s per address, response headers 20 s, 30 s for the whole request with
            retries (--timeout). On a terminal, a line on standard error says what is awaited once nothing
            has happened for a second.

            EXIT CODES: 0 listed, 1 provider error, 64 usage, 69 provider unreachable.
            """,
        options: ClientCommandSupport.endpointOptions(timeouts: ClientCommandSupport.modelsTimeouts) + [.flag("--json", help: "Print JSON instead of a table.")])

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        if ContractMode.operation(arguments, environment: context.environment) != nil, !arguments.flag("--json") {
            return try await ContractMode.listModels(arguments, context: context)
        }
        let (client, notes, waiting) = try await ClientCommandSupport.makeClient(
            arguments, context: context, timeouts: ClientCommandSupport.modelsTimeouts)
        defer { waiting.stop() }
        for note in notes { context.output.error("note: \(note)") }
        let models: [ModelInfo]
        do {
            models = try await client.listModels()
            waiting.stop()
        } catch {
            waiting.stop()
            return ClientCommandSupport.report(error, context: context)
        }
        if arguments.flag("--json") {
            let list: [JSONValue] = models.map { model in
                var item: JSONValue = ["id": .string(model.id)]
                item.set("capabilities", .array(model.capabilities.names.map { .string($0) }))
                item.set("capabilities_source", model.capabilitiesFromMetadata ? "metadata" : "name")
                if let v = model.contextLength { item.set("context_length", .int(v)) }
                if let v = model.trainingContextLength { item.set("training_context_length", .int(v)) }
                if let v = model.sizeBytes { item.set("size_bytes", .integer(v)) }
                if let v = model.family { item.set("family", .string(v)) }
                if let v = model.parameterSize { item.set("parameter_size", .string(v)) }
                if let v = model.quantization { item.set("quantization", .string(v)) }
                if let v = model.isLoaded { item.set("loaded", .bool(v)) }
                if let v = model.ownedBy { item.set("owned_by", .string(v)) }
                return item
            }
            let document: JSONValue = ["endpoint": .string(client.endpoint.description), "models": .array(list)]
            context.output.line(document.prettySerialized())
            return .success
        }
        if models.isEmpty {
            context.output.line("no models listed by \(client.endpoint.description)")
            return .success
        }
        let rows = models.map { model -> [String] in
            [
                model.id, (model.capabilitiesFromMetadata ? "" : "~") + model.capabilities.description,
                contextText(model), ClientCommandSupport.formatBytes(model.sizeBytes),
                model.isLoaded.map { $0 ? "yes" : "no" } ?? "-", model.quantization ?? model.ownedBy ?? "-",
            ]
        }
        for line in ClientCommandSupport.table(["MODEL", "CAPABILITIES", "CONTEXT", "SIZE", "LOADED", "QUANT/OWNER"], rows) {
            context.output.line(line)
        }
        return .success
    }

    /// `2048 (train 32768)` when the served and training contexts differ; the served one alone otherwise.
    static func contextText(_ model: ModelInfo) -> String {
        guard let served = model.contextLength else { return "-" }
        guard let training = model.trainingContextLength, training != served else { return String(served) }
        return "\(served) (train \(training))"
    }
}
