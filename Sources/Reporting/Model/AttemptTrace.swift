// MARK: - AttemptTrace

/// One attempt of a request (the first send or a retry).
public struct AttemptTrace: Sendable, Hashable, Codable {
    /// 1-based attempt number.
    public var attempt: Int
    /// Start, ns relative to scenario start.
    public var startNs: Int64
    /// End, ns relative to scenario start.
    public var endNs: Int64
    public var status: Int?
    public var errorCode: String?
    /// Backoff waited before this attempt (0 for the first).
    public var delayBeforeMs: Double

    public init(attempt: Int, startNs: Int64, endNs: Int64, status: Int? = nil, errorCode: String? = nil, delayBeforeMs: Double = 0) {
        self.attempt = attempt
        self.startNs = startNs
        self.endNs = endNs
        self.status = status
        self.errorCode = errorCode
        self.delayBeforeMs = delayBeforeMs
    }

    enum CodingKeys: String, CodingKey {
        case attempt
        case startNs = "start_ns"
        case endNs = "end_ns"
        case status
        case errorCode = "error_code"
        case delayBeforeMs = "delay_before_ms"
    }
}
