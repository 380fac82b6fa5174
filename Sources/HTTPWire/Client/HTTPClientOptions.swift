/// Settings of ``RawHTTPClient`` / ``HTTPClientConnection``.
public struct HTTPClientOptions: Sendable, Equatable {
    /// Connect / headers / idle / total timeouts. Default ``RequestTimeouts/default``.
    public var timeouts: RequestTimeouts
    /// Largest body accepted (any status); more fails with `.tooLarge`. Default nil (no limit).
    public var maximumBodyBytes: Int?
    /// For status ≥ 400: how much of the body is read before stopping (the rest is dropped and
    /// ``HTTPTimeline/isBodyCapped`` set), so error bodies are kept without risking memory.
    /// Default 1 MiB.
    public var maximumErrorBodyBytes: Int
    /// Largest response head accepted. Default 256 KiB.
    public var maximumHeadBytes: Int
    /// Bytes asked of each `recv`. Default 64 KiB.
    public var readBufferSize: Int
    /// Body bytes read ahead of a slow consumer before the socket reader waits (backpressure in
    /// ``RawHTTPClient/stream(_:)``). Default 1 MiB.
    public var maximumBufferedBytes: Int

    public init(
        timeouts: RequestTimeouts = .default,
        maximumBodyBytes: Int? = nil,
        maximumErrorBodyBytes: Int = 1 << 20,
        maximumHeadBytes: Int = 256 * 1024,
        readBufferSize: Int = 64 * 1024,
        maximumBufferedBytes: Int = 1 << 20
    ) {
        self.timeouts = timeouts
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumErrorBodyBytes = maximumErrorBodyBytes
        self.maximumHeadBytes = maximumHeadBytes
        self.readBufferSize = readBufferSize
        self.maximumBufferedBytes = maximumBufferedBytes
    }
}
