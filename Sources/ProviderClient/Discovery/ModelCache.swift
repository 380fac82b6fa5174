import Foundation
import HTTPWire

/// Where a model list came from.
public struct ModelListing: Sendable {
    public enum Source: String, Sendable, Hashable {
        /// Fetched from the server just now.
        case live
        /// From the cache, within its TTL.
        case cache
        /// From an expired cache, because the server could not be reached.
        case staleCache = "stale-cache"
        /// The static fallback list, because the server could not be reached and nothing was cached.
        case fallback
    }

    public var models: [ModelInfo]
    public var source: Source
    /// When the list was fetched from the server (nil for the fallback).
    public var fetchedAt: Date?
    /// The error that forced a stale or fallback answer.
    public var error: ProviderError?
}

/// A model list cached with a time-to-live (5 min for local providers, 1 h for remote ones).
actor ModelCache {
    private let ttl: Duration
    private var models: [ModelInfo]?
    private var fetchedAt: Date?
    private var fetchedMonotonic = MonotonicInstant(nanoseconds: 0)
    private let clock: @Sendable () -> MonotonicInstant

    init(ttl: Duration, clock: @escaping @Sendable () -> MonotonicInstant = { .now() }) {
        self.ttl = ttl
        self.clock = clock
    }

    func store(_ models: [ModelInfo]) {
        self.models = models
        fetchedAt = Date()
        fetchedMonotonic = clock()
    }

    func fresh() -> ModelListing? {
        guard let models, clock() < fetchedMonotonic + ttl else { return nil }
        return ModelListing(models: models, source: .cache, fetchedAt: fetchedAt, error: nil)
    }

    func any() -> ModelListing? {
        guard let models else { return nil }
        return ModelListing(models: models, source: .staleCache, fetchedAt: fetchedAt, error: nil)
    }

    func invalidate() {
        models = nil
        fetchedAt = nil
    }
}
