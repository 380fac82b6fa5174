import HTTPWire
import ProviderClient
import Testing

@Suite("Error classifier") struct ErrorClassifierTests {
    @Test(arguments: [
        (401, #"{"error":{"message":"Incorrect API key provided: sk-abc***wjh3.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#, ProviderError.Code.unauthorized),
        (429, #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#, .quotaExceeded),
        (429, #"{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"tokens","param":null,"code":"rate_limit_exceeded"}}"#, .rateLimited),
        (404, #"{"error":"model 'llava:latest' not found"}"#, .modelNotFound),
        (404, #"{"error":"model \"x\" not found, try pulling it first"}"#, .modelNotFound),
        (404, "404 page not found", .endpointNotFound),
        (405, "405 method not allowed", .endpointNotFound),
        (200, #"{"error":"Unexpected endpoint or method. (POST /chat/completions)"}"#, .endpointNotFound),
        (400, #"{"error":{"message":"Invalid model identifier \"o4-mini\".","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#, .modelNotFound),
        (404, #"{"error":"No models loaded. Please load a model in the developer page or use the 'lms load' command."}"#, .modelNotFound),
        (400, #"{"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}"#, .contextLengthExceeded),
        (400, #"{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}"#, .contextLengthExceeded),
        (503, #"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#, .overloaded),
        (503, #"{"error":"server busy, please try again.  maximum pending requests exceeded"}"#, .overloaded),
        (500, #"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#, .serverError),
        (502, "<html>Bad Gateway</html>", .gatewayError),
        (524, "", .gatewayError),
        (403, "", .forbidden),
        (400, #"{"error":"invalid input type"}"#, .badRequest),
        (422, #"{"detail":[{"loc":["body","model"],"msg":"field required"}]}"#, .badRequest),
        (404, #"{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}"#, .modelNotFound),
        (401, #"{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}"#, .unauthorized),
        (408, "", .requestTimeout),
        (409, "", .conflict),
        (200, #"{"error":"something odd"}"#, .streamError),
    ])
    func classifiesResponses(status: Int, body: String, expected: ProviderError.Code) {
        let parsed = ErrorClassifier.errorBody(from: Array(body.utf8))
        #expect(ErrorClassifier.classify(status: status, body: parsed) == expected)
    }

    @Test func extractsMessageAndCode() {
        let body = ErrorClassifier.errorBody(from: Array(#"{"error":{"message":"m","type":"t","code":"c"}}"#.utf8))
        #expect(body.message == "m" && body.providerCode == "c" && body.type == "t" && body.isStructured)
        let text = ErrorClassifier.errorBody(from: Array("  plain text \n".utf8))
        #expect(text.message == "plain text" && !text.isStructured)
    }

    @Test func transportErrorsMapOneToOne() {
        for code in TransportError.Code.allCases {
            let mapped = ErrorClassifier.classify(TransportError(code, "x"))
            #expect(mapped != .unknown || code == .other, "\(code)")
        }
        #expect(ErrorClassifier.classify(CancellationError()) == .cancelled)
        #expect(ErrorClassifier.classify(FramingError(code: .lineTooLong, limit: 1, streamOffset: 0)) == .malformedStream)
    }

    @Test func retryabilityOfCodes() {
        #expect(ProviderError.Code.connectionRefused.isRetryable)
        #expect(ProviderError.Code.rateLimited.isRetryable)
        #expect(ProviderError.Code.overloaded.isRetryable)
        #expect(!ProviderError.Code.unauthorized.isRetryable)
        #expect(!ProviderError.Code.truncatedStream.isRetryable)
        #expect(!ProviderError.Code.cancelled.isRetryable)
        #expect(ProviderError.Code.allCases.filter(\.isTimeout).count == 4)
    }
}
