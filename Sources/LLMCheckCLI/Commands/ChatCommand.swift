import Foundation
import HTTPWire
import ProviderClient
import Diagnosis

/// `llmcheck chat`: send one prompt, stream the answer to stdout, print a timing line to stderr.
public enum ChatCommand: Command {
    public static let spec = CommandSpec(
        name: "chat", abstract: "Send one prompt, stream the answer, print timings.",
        discussion: """
            The answer goes to standard output as it streams; the timing summary (TTFT, E2E, tokens and
            their source, TPOT, decode tok/s, chunks, time to headers) and any notes go to standard error,
            so the answer can be piped. Reasoning text, if any, is shown on standard error.

            EXAMPLES:
              llmcheck chat --url http://127.0.0.1:11434 --model llama3.2 "Why is the sky blue?"
              llmcheck chat --url http://127.0.0.1:8080/v1 --model any --no-stream --max-tokens 32 "Hi"

            As a program under test (llmcheck run --client 'llmcheck chat'): without --url and --provider,
            the LLMCHECK_* variables of docs/clients.md fill every flag not given, and LLMCHECK_OPERATION
            models or embed prints model ids or the vector length instead.

            A streamed request answered with one JSON body instead of a stream is said so (the app's
            streaming would not stream) and exits 1. An unknown model lists the closest names served.

            Timeouts: connect 5 s per address, response headers 120 s (a model may load first), 60 s of
            stream silence, 300 s for the whole request with retries (--timeout). On a terminal, a line on
            standard error says what is awaited once nothing has happened for a second.

            EXIT CODES: 0 answered, 1 provider error (mid-stream errors included) or not streamed, 64 usage,
            69 unreachable.
            """,
        options: ClientCommandSupport.endpointOptions(timeouts: ClientCommandSupport.chatTimeouts) + [
            .option("--model", "-m", value: "MODEL", help: "Model to use (required)."),
            .option("--system", value: "TEXT", help: "A system message."),
            .option("--max-tokens", value: "N", help: "Output token limit."),
            .option("--temperature", value: "T", help: "Sampling temperature."),
            .flag("--no-stream", help: "Ask for the whole answer at once (stream: false)."),
            .flag("--json", help: "Print the result and timing as JSON instead (after the stream)."),
        ],
        positionals: [PositionalSpec(name: "prompt", help: "The user message.", isVariadic: true)])

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        switch ContractMode.operation(arguments, environment: context.environment) {
        case "models": return try await ContractMode.listModels(arguments, context: context)
        case "embed": return try await ContractMode.embed(arguments, context: context)
        default: break
        }
        let arguments = ContractMode.apply(arguments, environment: context.environment)
        guard let model = arguments.string("--model") else { throw UsageError("--model is required") }
        let prompt = arguments.positionals.joined(separator: " ")
        guard !prompt.isEmpty else { throw UsageError("give the prompt as an argument, e.g. llmcheck chat --model m \"Hello\"") }
        let (client, notes, waiting) = try await ClientCommandSupport.makeClient(
            arguments, context: context, timeouts: ContractMode.timeouts(ClientCommandSupport.chatTimeouts, environment: context.environment))
        defer { waiting.stop() }
        for note in notes { context.output.error("note: \(note)") }
        var messages: [ChatMessage] = []
        if let system = arguments.string("--system") { messages.append(.system(system)) }
        messages.append(.user(prompt))
        var temperature: Double?
        if let text = arguments.string("--temperature") {
            guard let value = Double(text), value >= 0 else { throw UsageError("--temperature expects a number ≥ 0, got '\(text)'") }
            temperature = value
        }
        let request = ChatRequest(model: model, messages: messages, temperature: temperature, maxTokens: try arguments.int("--max-tokens", in: 1...1_000_000))
        let json = arguments.flag("--json")
        let result: ChatResult
        /// The Content-Type of a streamed request answered with one JSON body, if that happened.
        var answeredWhole: String?
        do {
            if arguments.flag("--no-stream") {
                result = try await client.chat(request)
                waiting.stop()
                if !json { context.output.line(result.content) }
            } else {
                var final: ChatResult?
                var inReasoning = false
                for try await event in client.streamChat(request) {
                    switch event {
                    case .started(let start):
                        let type = start.headers["Content-Type"]?.lowercased() ?? ""
                        if type.contains("json"), !type.contains("ndjson"), !type.contains("jsonl") { answeredWhole = type }
                    case .delta(let delta):
                        if !delta.reasoning.isEmpty, !json {
                            if !inReasoning { context.output.writeError(Terminal.style("[thinking] ", .dim, enabled: context.output.usesErrorColor)) }
                            inReasoning = true
                            context.output.writeError(Terminal.style(delta.reasoning, .dim, enabled: context.output.usesErrorColor))
                            waiting.noteOutput(endsMidLine: true)
                        }
                        if !delta.content.isEmpty, !json {
                            if inReasoning { context.output.writeError("\n") }
                            inReasoning = false
                            context.output.write(delta.content)
                            waiting.noteOutput(endsMidLine: !delta.content.hasSuffix("\n"))
                        }
                    case .completed(let value): final = value
                    }
                }
                waiting.stop()
                guard let final else { throw ProviderError(.truncatedStream, "the stream ended without a result") }
                result = final
                if !json { context.output.write("\n") }
            }
        } catch let error as ProviderError {
            waiting.stop()
            if !json { context.output.write("\n") }
            let code = ClientCommandSupport.report(error, context: context)
            if error.code == .modelNotFound || error.code == .notFound, let models = try? await client.listModels() {
                let names = models.map(\.id)
                let close = ModelNames.closest(to: model, in: names)
                if !close.isEmpty {
                    context.output.error("  closest served: \(close.joined(separator: ", "))")
                } else if !names.isEmpty {
                    context.output.error("  served: \(names.prefix(8).joined(separator: ", "))")
                }
            }
            return code
        }
        for call in result.toolCalls where !json { context.output.line("tool call: \(call.name)(\(call.argumentsText))") }
        if json {
            context.output.line(resultJSON(result).prettySerialized())
        } else {
            var line = "— " + result.timing.summaryLine
            if let reason = result.finishReason { line += " · finish \(reason)" }
            if result.attempts.count > 1 { line += " · \(result.attempts.count) attempts" }
            if let native = nativeSummary(result.providerTimings) { line += "\n— provider: " + native }
            line = line.replacingOccurrences(of: " · 1 chunks", with: answeredWhole == nil ? " · 1 chunk" : "")
            if answeredWhole != nil { line = "— not streamed: " + line.dropFirst(2) }
            context.output.error(line)
        }
        if let answeredWhole {
            context.output.error("note: a streamed answer was asked for, but the server sent one JSON body (Content-Type: \(answeredWhole)): nothing was streamed, so an app's streaming view would stay empty until the end.")
            return .failure
        }
        return .success
    }

    static func nativeSummary(_ timings: ProviderTimings) -> String? {
        if let o = timings.ollama {
            var parts: [String] = []
            func ms(_ ns: Double) -> String { NumberText.fixed(ns / 1e6, digits: 1) + " ms" }
            if let v = o.loadDuration { parts.append("load \(ms(Double(v)))") }
            if let v = o.promptEvalDuration { parts.append("prompt eval \(ms(Double(v))) (\(o.promptEvalCount ?? 0) tok)") }
            if let v = o.evalRate { parts.append("eval \(NumberText.fixed(v, digits: 1)) tok/s (\(o.evalCount ?? 0) tok)") }
            if let v = o.totalDuration { parts.append("total \(ms(Double(v)))") }
            return "Ollama " + parts.joined(separator: ", ")
        }
        if let l = timings.llamaCpp {
            return "llama.cpp prompt \(l.promptTokens ?? 0) tok in \(NumberText.fixed(l.promptMilliseconds ?? 0, digits: 1)) ms, "
                + "predicted \(l.predictedTokens ?? 0) tok in \(NumberText.fixed(l.predictedMilliseconds ?? 0, digits: 1)) ms "
                + "(\(NumberText.fixed(l.predictedPerSecond ?? 0, digits: 1)) tok/s)"
        }
        if let s = timings.lmStudio {
            return "LM Studio \(NumberText.fixed(s.tokensPerSecond ?? 0, digits: 1)) tok/s, TTFT \(NumberText.fixed(s.timeToFirstTokenSeconds ?? 0, digits: 3)) s, "
                + "generation \(NumberText.fixed(s.generationTimeSeconds ?? 0, digits: 3)) s"
        }
        return nil
    }

    static func resultJSON(_ result: ChatResult) -> JSONValue {
        let t = result.timing
        func ms(_ duration: Duration?) -> JSONValue { duration.map { .number($0.milliseconds) } ?? .null }
        var timing: JSONValue = [
            "ttft_ms": ms(t.timeToFirstToken), "ttfc_ms": ms(t.timeToFirstChunk), "ttfo_ms": ms(t.timeToFirstOutput),
            "time_to_headers_ms": ms(t.timeToHeaders), "e2el_ms": ms(t.endToEndLatency), "total_ms": ms(t.totalDuration),
        ]
        timing.set("tpot_ms", t.tpot.map { .number($0 / 1e6) } ?? .null)
        timing.set("decode_tokens_per_second", t.decodeTokensPerSecond.map { .number($0) } ?? .null)
        timing.set("output_tokens", t.outputTokens.map { .int($0) } ?? .null)
        timing.set("token_source", t.tokenSource.map { .string($0.rawValue) } ?? .null)
        timing.set("chunks_count", .int(t.chunksCount))
        timing.set("icl_ms", .array(t.interChunkGaps.map { .number($0.milliseconds) }))
        var out: JSONValue = ["endpoint": .string(result.endpoint), "model": result.model.map { .string($0) } ?? .null, "content": .string(result.content)]
        if !result.reasoning.isEmpty { out.set("reasoning", .string(result.reasoning)) }
        out.set("finish_reason", result.finishReason.map { .string($0) } ?? .null)
        out.set("timing", timing)
        out.set("attempts", .array(result.attempts.map { .string($0.description) }))
        if let native = nativeSummary(result.providerTimings) { out.set("provider_timings", .string(native)) }
        return out
    }
}
