import HTTPWire

/// LM Studio behaviours that vary by version and settings; each can be switched.
public struct LMStudioOptions: Sendable, Hashable {
    /// A request naming a downloaded but unloaded model loads it (JIT loading). Default true.
    /// When false, such requests fail, and with nothing loaded they get "No models loaded".
    public var isJITLoadingEnabled: Bool
    /// Unknown paths and methods get HTTP 200 with `{"error":"Unexpected endpoint or method. (GET /foo)"}`
    /// as real LM Studio does. When false they get a 404 JSON error. Default true.
    public var returns200ForUnknownEndpoints: Bool
    /// With exactly one model loaded, an unknown model id is silently served by it (0.3.14
    /// behaviour). Default false (newer builds answer 400 `model_not_found`).
    public var servesUnknownModelWhenOneLoaded: Bool
    /// The server setting "Enable CORS" (Express `cors()`): every answer carries
    /// `Access-Control-Allow-Origin: *` and preflights get 204. Default false, as in LM Studio,
    /// where preflights then hit the "Unexpected endpoint" answer.
    public var isCORSEnabled: Bool = false

    public init(isJITLoadingEnabled: Bool = true, returns200ForUnknownEndpoints: Bool = true, servesUnknownModelWhenOneLoaded: Bool = false) {
        self.isJITLoadingEnabled = isJITLoadingEnabled
        self.returns200ForUnknownEndpoints = returns200ForUnknownEndpoints
        self.servesUnknownModelWhenOneLoaded = servesUnknownModelWhenOneLoaded
    }
}
