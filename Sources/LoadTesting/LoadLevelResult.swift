import Foundation
import Reporting

/// What one load level measured, before any statistics: every sample plus the generator's own figures.
public struct LoadLevelResult: Sendable {
    public var mode: LoadMode
    /// Measured requests (warmup excluded), in the order they finished.
    public var samples: [LoadSample]
    /// Warmup requests sent and discarded.
    public var warmupCount: Int
    public var startedAt: Date
    public var finishedAt: Date
    /// Wall seconds of the measured phase, from its start to the last request's end.
    public var wallSeconds: Double
    /// CPU seconds this process used during the measured phase (user + system), if known.
    public var generatorCPUSeconds: Double?
    /// Why the level ended: `requests`, `duration`, `max_error_rate` or `interrupted`.
    public var stopReason: String
    /// Open loop: the rate this process offered (the shard's share), requests/s.
    public var offeredRate: Double?
    /// Concurrency this process ran (the shard's share), closed loop.
    public var concurrency: Int?

    public init(
        mode: LoadMode, samples: [LoadSample], warmupCount: Int, startedAt: Date, finishedAt: Date, wallSeconds: Double,
        generatorCPUSeconds: Double?, stopReason: String, offeredRate: Double?, concurrency: Int?
    ) {
        self.mode = mode
        self.samples = samples
        self.warmupCount = warmupCount
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.wallSeconds = wallSeconds
        self.generatorCPUSeconds = generatorCPUSeconds
        self.stopReason = stopReason
        self.offeredRate = offeredRate
        self.concurrency = concurrency
    }
}
