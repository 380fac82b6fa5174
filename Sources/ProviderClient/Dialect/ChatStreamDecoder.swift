import Foundation
import HTTPWire

/// Turns a response body (NDJSON, SSE or a single JSON object) into chat deltas, accumulating the
/// final answer and checking that the stream ended with its terminator.
///
/// Errors are thrown as ``ProviderError``s without endpoint/attempt context (the client adds it).
/// Public so that diagnose's own stream probe reads streams with the same rules as the client.
public struct ChatStreamDecoder: Sendable {
    public enum Framing: Sendable {
        case ndjson
        case sse
        case json
    }

    /// One decoded data event.
    public struct Item: Sendable {
        public var delta: ChatDelta
        /// Whether the event carried content or a tool-call piece (counts for TTFT/ICL).
        public var hasContent: Bool { !delta.content.isEmpty || !delta.reasoning.isEmpty || !delta.toolCalls.isEmpty }
        public var hasOutput: Bool { !delta.content.isEmpty || !delta.toolCalls.isEmpty }

        public init(delta: ChatDelta) { self.delta = delta }
    }

    public let framing: Framing
    public let requiresTerminator: Bool
    private var sse = SSEParser()
    private var ndjson = NDJSONFramer()
    private var jsonBody: [UInt8] = []
    private let maximumJSONBody: Int

    private(set) var model: String?
    public private(set) var content = ""
    private(set) var reasoning = ""
    private(set) var finishReason: String?
    private(set) var usage: TokenUsage?
    private(set) var providerTimings = ProviderTimings()
    public private(set) var sawTerminator = false
    private(set) var sawFinish = false
    private var completeToolCalls: [ToolCall] = []
    private var partialToolCalls: [Int: (id: String?, name: String, arguments: String)] = [:]
    private var ollamaToolIndex = 0

    public init(framing: Framing, requiresTerminator: Bool = true, maximumJSONBody: Int = 64 * 1024 * 1024) {
        self.framing = framing
        self.requiresTerminator = requiresTerminator
        self.maximumJSONBody = maximumJSONBody
    }

    /// Picks the framing from the response `Content-Type`, falling back to `fallback`.
    ///
    /// Runs once per response, so it searches bytes: Foundation's `String.contains` bridges to
    /// NSString and was 4–6 % of `llmcheck load`'s CPU per non-streamed request.
    public static func framing(contentType: String?, fallback: Framing) -> Framing? {
        guard let contentType else { return fallback }
        let type = Array(contentType.lowercased().utf8)
        func has(_ word: String) -> Bool {
            let needle = Array(word.utf8)
            guard needle.count <= type.count else { return false }
            for start in 0...(type.count - needle.count) where type[start] == needle[0] {
                if type[start..<start + needle.count].elementsEqual(needle) { return true }
            }
            return false
        }
        if has("text/event-stream") { return .sse }
        if has("ndjson") || has("jsonl") || has("json-seq") { return .ndjson }
        if has("json") { return .json }
        if has("text/html") || has("xml") { return nil }
        return fallback
    }

    var toolCalls: [ToolCall] {
        completeToolCalls + partialToolCalls.sorted { $0.key < $1.key }.map { ToolCall(id: $0.value.id, name: $0.value.name, argumentsText: $0.value.arguments) }
    }

    // MARK: - Feeding

    public mutating func consume(_ bytes: [UInt8]) throws(ProviderError) -> [Item] {
        var items: [Item] = []
        do {
            switch framing {
            case .sse:
                for event in try sse.consume(bytes) { try handle(event, into: &items) }
            case .ndjson:
                for line in try ndjson.consume(bytes) { try handleObjectLine(line, into: &items) }
            case .json:
                jsonBody.append(contentsOf: bytes)
                if jsonBody.count > maximumJSONBody {
                    throw ProviderError(.malformedResponse, "response body larger than \(maximumJSONBody) bytes")
                }
            }
        } catch let error as FramingError {
            throw ProviderError(.malformedStream, error.description)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.malformedStream, "\(error)")
        }
        return items
    }

    /// Ends the body; throws `.truncatedStream` if the terminator never came.
    public mutating func finish() throws(ProviderError) -> [Item] {
        var items: [Item] = []
        do {
            switch framing {
            case .sse:
                for event in try sse.finish() { try handle(event, into: &items) }
            case .ndjson:
                for line in try ndjson.finish() { try handleObjectLine(line, into: &items) }
            case .json:
                let json: JSONValue
                do {
                    json = try JSONValue.parse(jsonBody)
                } catch {
                    throw ProviderError(.malformedResponse, "the body is not JSON (\(error)): \(Self.snippet(jsonBody))")
                }
                if let item = try handleWholeResponse(json) { items.append(item) }
                sawTerminator = true
            }
        } catch let error as FramingError {
            throw ProviderError(.malformedStream, error.description)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.malformedStream, "\(error)")
        }
        if requiresTerminator && !sawTerminator {
            let expected = framing == .ndjson ? "a final object with \"done\":true" : "data: [DONE]"
            var message = "the stream ended without \(expected)"
            if sse.discardedIncompleteEvent { message += "; its last event had no terminating blank line" }
            if framing == .sse, sawFinish { message += " (a finish_reason was seen)" }
            throw ProviderError(.truncatedStream, message)
        }
        return items
    }

    // MARK: - SSE

    private mutating func handle(_ event: SSEEvent, into items: inout [Item]) throws {
        if sawTerminator { return }  // openai-python stops reading at [DONE]
        if event.isDoneSentinel {
            sawTerminator = true
            return
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(event.data)
        } catch {
            if event.type == "error" {
                throw ProviderError(.streamError, "error event: \(event.data.prefix(300))", bodySnippet: String(event.data.prefix(1024)))
            }
            throw ProviderError(.malformedStream, "SSE data is not JSON (\(error)): \(event.data.prefix(200))", bodySnippet: String(event.data.prefix(1024)))
        }
        if let body = ErrorClassifier.errorBody(from: json), json["choices"] == nil || event.type == "error" {
            throw Self.streamError(body, raw: event.data)
        }
        if event.type == "error" {
            throw ProviderError(.streamError, "error event: \(event.data.prefix(300))", bodySnippet: String(event.data.prefix(1024)))
        }
        if let item = handleOpenAIChunk(json) { items.append(item) }
    }

    private mutating func handleOpenAIChunk(_ json: JSONValue) -> Item? {
        if let model = json["model"]?.stringValue { self.model = model }
        if let usage = json["usage"], case .object = usage { self.usage = Self.usage(from: usage) }
        providerTimings.absorb(json)
        guard let choice = json["choices"]?[0] else { return nil }
        var delta = ChatDelta()
        let source = choice["delta"] ?? choice["message"] ?? [:]
        if let text = source["content"]?.stringValue { delta.content = text }
        if let text = choice["text"]?.stringValue { delta.content += text }
        if let text = source["reasoning_content"]?.stringValue ?? source["reasoning"]?.stringValue { delta.reasoning = text }
        for (position, call) in (source["tool_calls"]?.arrayValue ?? []).enumerated() {
            let index = call["index"]?.intValue ?? position
            let function = call["function"] ?? [:]
            let fragment: String
            switch function["arguments"] {
            case .string(let text)?: fragment = text
            case let value? where !value.isNull: fragment = value.serialized()
            default: fragment = ""
            }
            let piece = ToolCallDelta(index: index, id: call["id"]?.stringValue, name: function["name"]?.stringValue, argumentsFragment: fragment)
            var partial = partialToolCalls[index] ?? (id: nil, name: "", arguments: "")
            if let id = piece.id { partial.id = id }
            if let name = piece.name { partial.name += name }
            partial.arguments += fragment
            partialToolCalls[index] = partial
            delta.toolCalls.append(piece)
        }
        if let reason = choice["finish_reason"]?.stringValue {
            finishReason = reason
            sawFinish = true
        }
        content += delta.content
        reasoning += delta.reasoning
        return Item(delta: delta)
    }

    // MARK: - NDJSON (Ollama)

    private mutating func handleObjectLine(_ line: [UInt8], into items: inout [Item]) throws {
        if sawTerminator { return }
        let json: JSONValue
        do {
            json = try JSONValue.parse(line)
        } catch {
            throw ProviderError(.malformedStream, "NDJSON line is not JSON (\(error)): \(Self.snippet(line))", bodySnippet: Self.snippet(line, limit: 1024))
        }
        if let body = ErrorClassifier.errorBody(from: json) { throw Self.streamError(body, raw: String(decoding: line.prefix(1024), as: UTF8.self)) }
        if json["choices"] != nil {
            if let item = handleOpenAIChunk(json) { items.append(item) }
            return
        }
        if let item = handleOllamaObject(json) { items.append(item) }
    }

    private mutating func handleOllamaObject(_ json: JSONValue) -> Item? {
        if let model = json["model"]?.stringValue { self.model = model }
        var delta = ChatDelta()
        if let message = json["message"] {
            delta.content = message["content"]?.stringValue ?? ""
            delta.reasoning = message["thinking"]?.stringValue ?? ""
            for call in message["tool_calls"]?.arrayValue ?? [] {
                guard let parsed = ToolCall.parse(call) else { continue }
                completeToolCalls.append(parsed)
                delta.toolCalls.append(ToolCallDelta(index: ollamaToolIndex, id: parsed.id, name: parsed.name, argumentsFragment: parsed.argumentsText))
                ollamaToolIndex += 1
            }
        } else {
            delta.content = json["response"]?.stringValue ?? ""
            delta.reasoning = json["thinking"]?.stringValue ?? ""
        }
        content += delta.content
        reasoning += delta.reasoning
        if json["done"]?.boolValue == true {
            sawTerminator = true
            sawFinish = true
            finishReason = json["done_reason"]?.stringValue ?? finishReason
            providerTimings.absorb(json)
            let prompt = json["prompt_eval_count"]?.intValue
            let eval = json["eval_count"]?.intValue
            if prompt != nil || eval != nil {
                usage = TokenUsage(promptTokens: prompt, completionTokens: eval, totalTokens: (prompt ?? 0) + (eval ?? 0))
            }
        }
        return Item(delta: delta)
    }

    // MARK: - Whole responses

    /// Decodes a non-streaming body (either dialect); returns the whole answer as one item.
    private mutating func handleWholeResponse(_ json: JSONValue) throws -> Item? {
        if let body = ErrorClassifier.errorBody(from: json) { throw Self.streamError(body, raw: json.serialized()) }
        if json["choices"] != nil {
            let item = handleOpenAIChunk(json)
            sawFinish = true
            return item
        }
        if json["message"] != nil || json["response"] != nil || json["done"] != nil {
            var copy = json
            if copy["done"] == nil { copy.set("done", true) }
            return handleOllamaObject(copy)
        }
        throw ProviderError(.malformedResponse, "unrecognised response shape: \(json.serialized().prefix(200))")
    }

    // MARK: - Helpers

    static func usage(from json: JSONValue) -> TokenUsage {
        TokenUsage(
            promptTokens: json["prompt_tokens"]?.intValue ?? json["input_tokens"]?.intValue,
            completionTokens: json["completion_tokens"]?.intValue ?? json["output_tokens"]?.intValue,
            totalTokens: json["total_tokens"]?.intValue)
    }

    static func streamError(_ body: ErrorClassifier.ErrorBody, raw: String) -> ProviderError {
        let code = ErrorClassifier.classify(status: 200, body: body)
        return ProviderError(
            code, body.message.isEmpty ? "the provider reported an error in the stream" : body.message,
            bodySnippet: String(raw.prefix(1024)), providerCode: body.providerCode)
    }

    static func snippet(_ bytes: [UInt8], limit: Int = 200) -> String {
        String(decoding: bytes.prefix(limit), as: UTF8.self)
    }
}
