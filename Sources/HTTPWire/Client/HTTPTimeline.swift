/// The instants (``MonotonicInstant``) of one HTTP exchange, from name resolution to
/// the last body byte.
public struct HTTPTimeline: Sendable, Equatable, CustomStringConvertible {
    /// One connection attempt to one address.
    public struct ConnectAttempt: Sendable, Equatable, CustomStringConvertible {
        /// How an attempt ended.
        public enum Outcome: Sendable, Equatable, CustomStringConvertible {
            case success
            /// The socket error's code and errno (`.timedOut` for the per-address connect timeout).
            case failure(SocketError.Code, errno: Int32)

            public var description: String {
                switch self {
                case .success: "connected"
                case .failure(let code, let errno): "\(code.rawValue) (errno \(errno))"
                }
            }
        }

        public var address: SocketAddress
        public var start: MonotonicInstant
        public var end: MonotonicInstant
        public var outcome: Outcome

        public init(address: SocketAddress, start: MonotonicInstant, end: MonotonicInstant, outcome: Outcome) {
            self.address = address
            self.start = start
            self.end = end
            self.outcome = outcome
        }

        /// How long the attempt took.
        public var duration: Duration { start.duration(to: end) }

        public var description: String {
            "\(address) \(outcome) after \(Double(end.nanoseconds &- start.nanoseconds) / 1e6) ms"
        }
    }

    /// One body piece as read from the socket.
    public struct BodyPiece: Sendable, Equatable {
        public var at: MonotonicInstant
        public var byteCount: Int
        public init(at: MonotonicInstant, byteCount: Int) {
            self.at = at
            self.byteCount = byteCount
        }
    }

    /// When the exchange began.
    public var start: MonotonicInstant
    /// `getaddrinfo` start/end; nil when the host was an IP literal or addresses were given.
    public var nameResolutionStart: MonotonicInstant?
    public var nameResolutionEnd: MonotonicInstant?
    /// Every connect attempt in order (the last successful one carries the connection).
    public var connectAttempts: [ConnectAttempt] = []
    /// When the last request byte was handed to the kernel.
    public var requestWritten: MonotonicInstant?
    /// When the final response head was parsed.
    public var headersReceived: MonotonicInstant?
    /// When the first body byte was read.
    public var firstBodyByte: MonotonicInstant?
    /// Body pieces with their arrival times: the first ``maximumRecordedPieces`` only, so an
    /// endless stream cannot grow the timeline without bound (``bodyByteCount`` counts them all).
    public var bodyPieces: [BodyPiece] = []
    /// Pieces read after ``bodyPieces`` was full (counted, not kept).
    public var unrecordedPieceCount = 0
    /// Body bytes of the unrecorded pieces.
    public var unrecordedByteCount = 0
    /// How many body pieces a timeline keeps. 100 000 (1.6 MB).
    public static let maximumRecordedPieces = 100_000
    /// When the exchange ended (complete, failed or cancelled).
    public var end: MonotonicInstant?
    /// Whether the exchange ran on a kept-alive connection from an ``HTTPConnectionPool`` (no
    /// connect: ``connectAttempts`` is empty).
    public var isReusedConnection = false
    /// Whether the client stopped reading an error body at ``HTTPClientOptions/maximumErrorBodyBytes``.
    public var isBodyCapped = false

    public init(start: MonotonicInstant = .now()) {
        self.start = start
    }

    /// Total decoded body bytes.
    public var bodyByteCount: Int { bodyPieces.reduce(unrecordedByteCount) { $0 + $1.byteCount } }

    /// Records one body piece (or only counts it once ``maximumRecordedPieces`` are kept).
    public mutating func recordBodyPiece(_ byteCount: Int, at: MonotonicInstant) {
        if firstBodyByte == nil { firstBodyByte = at }
        if bodyPieces.count < Self.maximumRecordedPieces {
            bodyPieces.append(BodyPiece(at: at, byteCount: byteCount))
        } else {
            unrecordedPieceCount += 1
            unrecordedByteCount += byteCount
        }
    }

    /// The address of the successful attempt, if any.
    public var connectedAddress: SocketAddress? {
        connectAttempts.last { $0.outcome == .success }?.address
    }

    /// The time from ``start`` to `instant` (nil stays nil).
    public func offset(_ instant: MonotonicInstant?) -> Duration? { instant.map { start.duration(to: $0) } }

    /// One line per phase with milliseconds since ``start``, e.g. for `--verbose` output:
    ///
    /// ```text
    /// resolve      0.21 ms
    /// connect      127.0.0.1:11434 connected after 0.08 ms (at 0.30 ms)
    /// request      0.35 ms
    /// head         12.80 ms
    /// first byte   12.80 ms
    /// body         42 pieces, 5123 bytes
    /// end          950.12 ms
    /// ```
    public var description: String {
        func ms(_ instant: MonotonicInstant?) -> String {
            guard let instant else { return "-" }
            let value = Double(instant.nanoseconds &- start.nanoseconds) / 1e6
            return "\((value * 100).rounded() / 100) ms"
        }
        var lines: [String] = []
        if nameResolutionStart != nil {
            let took = (nameResolutionEnd ?? start).nanoseconds &- (nameResolutionStart ?? start).nanoseconds
            lines.append("resolve      \((Double(took) / 1e4).rounded() / 100) ms")
        }
        for attempt in connectAttempts {
            lines.append("connect      \(attempt) (at \(ms(attempt.end)))")
        }
        lines.append("request      \(ms(requestWritten))")
        lines.append("head         \(ms(headersReceived))")
        lines.append("first byte   \(ms(firstBodyByte))")
        lines.append("body         \(bodyPieces.count + unrecordedPieceCount) pieces, \(bodyByteCount) bytes\(isBodyCapped ? " (capped)" : "")")
        lines.append("end          \(ms(end))")
        return lines.joined(separator: "\n")
    }
}
