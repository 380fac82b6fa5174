import HTTPWire

// MARK: - RequestOutcome

/// What the client under test reported for one request of a step, in the runner's neutral form.
public struct RequestOutcome: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case success
        case error
        case cancelled
    }

    /// One attempt from the client's own attempt log.
    public struct Attempt: Sendable, Hashable {
        /// 1-based attempt number.
        public var number: Int
        /// Server the attempt went to, when known.
        public var server: String?
        /// When the attempt started.
        public var startedAt: MonotonicInstant
        /// When it ended, if known.
        public var endedAt: MonotonicInstant?
        public var status: Int?
        /// The client's error code for a failed attempt.
        public var errorCode: String?
        /// The delay the client slept before this attempt, in ms.
        public var delayBeforeMilliseconds: Double?

        public init(number: Int, server: String? = nil, startedAt: MonotonicInstant, endedAt: MonotonicInstant? = nil, status: Int? = nil, errorCode: String? = nil, delayBeforeMilliseconds: Double? = nil) {
            self.number = number
            self.server = server
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.status = status
            self.errorCode = errorCode
            self.delayBeforeMilliseconds = delayBeforeMilliseconds
        }
    }

    /// Per-request instants; nil when the event did not happen.
    public struct Timing: Sendable, Hashable {
        public var send: MonotonicInstant
        public var headers: MonotonicInstant?
        public var firstChunk: MonotonicInstant?
        public var firstToken: MonotonicInstant?
        public var lastToken: MonotonicInstant?
        public var end: MonotonicInstant?
        /// Gaps between consecutive content chunks, ms.
        public var interChunkMilliseconds: [Double]

        public init(send: MonotonicInstant, headers: MonotonicInstant? = nil, firstChunk: MonotonicInstant? = nil, firstToken: MonotonicInstant? = nil, lastToken: MonotonicInstant? = nil, end: MonotonicInstant? = nil, interChunkMilliseconds: [Double] = []) {
            self.send = send
            self.headers = headers
            self.firstChunk = firstChunk
            self.firstToken = firstToken
            self.lastToken = lastToken
            self.end = end
            self.interChunkMilliseconds = interChunkMilliseconds
        }

        static func ms(_ from: MonotonicInstant, _ to: MonotonicInstant?) -> Double? {
            guard let to, to >= from else { return nil }
            return from.duration(to: to).milliseconds
        }

        public var ttftMilliseconds: Double? { Self.ms(send, firstToken) }
        public var ttfcMilliseconds: Double? { Self.ms(send, firstChunk) }
        public var e2elMilliseconds: Double? { Self.ms(send, lastToken ?? end) }
    }

    /// Harness request id (`s0.r0`): step index and request index in the step.
    public var requestID: String
    public var kind: Kind
    public var errorCode: String?
    public var errorMessage: String?
    /// HTTP status of the last response seen, if any.
    public var status: Int?
    /// Answer text (chat/generate), concatenated.
    public var content: String
    /// Content chunks received.
    public var chunks: Int
    /// Output tokens reported by the server, if any.
    public var outputTokens: Int?
    public var models: [String]
    /// Server that produced the answer (failover), when known.
    public var servedBy: String?
    /// Server name → personality found by discovery.
    public var discovered: [String: String]
    public var embeddingDimensions: Int?
    public var timing: Timing?
    public var attempts: [Attempt]
    /// Model requested.
    public var model: String?
    /// Server addressed first.
    public var server: String?
    /// The program's run, for a command client (exit status, output, wall time).
    public var process: ProcessRun?

    public init(
        requestID: String, kind: Kind, errorCode: String? = nil, errorMessage: String? = nil, status: Int? = nil,
        content: String = "", chunks: Int = 0, outputTokens: Int? = nil, models: [String] = [], servedBy: String? = nil,
        discovered: [String: String] = [:], embeddingDimensions: Int? = nil, timing: Timing? = nil,
        attempts: [Attempt] = [], model: String? = nil, server: String? = nil
    ) {
        self.requestID = requestID
        self.kind = kind
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.status = status
        self.content = content
        self.chunks = chunks
        self.outputTokens = outputTokens
        self.models = models
        self.servedBy = servedBy
        self.discovered = discovered
        self.embeddingDimensions = embeddingDimensions
        self.timing = timing
        self.attempts = attempts
        self.model = model
        self.server = server
    }

    /// An error outcome with no response.
    public static func failure(_ requestID: String, code: String, message: String) -> RequestOutcome {
        RequestOutcome(requestID: requestID, kind: .error, errorCode: code, errorMessage: message)
    }
}
