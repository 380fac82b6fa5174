import Foundation
import HTTPWire

/// The models one mock serves, with LM Studio's mutable loaded / not-loaded state.
final class MockModelRegistry: Sendable {
    private let models: LockedValue<[MockModel]>
    let provider: MockProviderKind
    let lmStudio: LMStudioOptions

    init(models: [MockModel], provider: MockProviderKind, lmStudio: LMStudioOptions) {
        self.models = LockedValue(models)
        self.provider = provider
        self.lmStudio = lmStudio
    }

    func all() -> [MockModel] { models.current }

    func loaded() -> [MockModel] { models.withLock { $0.filter(\.isLoaded) } }

    /// The model named `name` by the provider's lookup rules.
    func find(_ name: String) -> MockModel? {
        models.withLock { models in
            switch provider {
            case .ollama: models.first { OllamaNames.same($0.name, name) }
            case .lmstudio: models.first { $0.name.caseInsensitiveEquals(name) }
            case .openai: models.first { $0.name == name }
            }
        }
    }

    /// Marks a model loaded (LM Studio JIT loading).
    func markLoaded(_ name: String) {
        models.withLock { models in
            for i in models.indices where models[i].name == name { models[i].isLoaded = true }
        }
    }

    /// LM Studio's model selection: JIT loading, "No models loaded", and the invalid-identifier error.
    func resolveLMStudio(_ name: String, request: MockRequest, writer: any HTTPResponseWriter, responder: OpenAICompatibleResponder) throws -> MockModel? {
        let loadedNow = loaded()
        if let m = find(name) {
            if m.isLoaded { return m }
            if lmStudio.isJITLoadingEnabled {
                markLoaded(m.name)
                var loadedModel = m
                loadedModel.isLoaded = true
                return loadedModel
            }
            if loadedNow.isEmpty {
                try writeNoModelsLoaded(request: request, writer: writer, responder: responder)
                return nil
            }
        } else if loadedNow.count == 1, lmStudio.servesUnknownModelWhenOneLoaded, let only = loadedNow.first {
            return only
        } else if loadedNow.isEmpty, !lmStudio.isJITLoadingEnabled {
            try writeNoModelsLoaded(request: request, writer: writer, responder: responder)
            return nil
        }
        let examples = all().prefix(3).map(\.name).joined(separator: ", ")
        try responder.writeError(writer, request: request, status: 400, message: "Invalid model identifier \"\(name)\". Please specify a valid downloaded model (e.g., \(examples)).", param: "model", code: "model_not_found")
        return nil
    }

    private func writeNoModelsLoaded(request: MockRequest, writer: any HTTPResponseWriter, responder: OpenAICompatibleResponder) throws {
        let body: JSONValue = ["error": "No models loaded. Please load a model in the developer page or use the 'lms load' command."]
        try Respond.json(writer, status: .badRequest, body, headers: responder.responseHeaders(request))
    }
}
