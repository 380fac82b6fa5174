import Foundation
import HTTPWire

/// Polls a set of providers and publishes every status change as an `AsyncSequence`.
///
/// ```swift
/// let monitor = HealthMonitor(clients: [ollama, lmstudio], interval: .seconds(5))
/// Task { for await change in await monitor.changes() { print(change) } }
/// await monitor.start()
/// ```
public actor HealthMonitor {
    /// The health of one provider.
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        case unknown
        /// Answered the health probe; round trip in ns.
        case healthy(latency: Duration)
        case unhealthy(ProviderError.Code)

        public var isHealthy: Bool { if case .healthy = self { true } else { false } }

        /// Equality by kind and code, ignoring latency (so latency jitter is not a change).
        func sameState(as other: Status) -> Bool {
            switch (self, other) {
            case (.unknown, .unknown), (.healthy, .healthy): true
            case (.unhealthy(let a), .unhealthy(let b)): a == b
            default: false
            }
        }

        public var description: String {
            switch self {
            case .unknown: "unknown"
            case .healthy(let latency): String(format: "healthy (%.1f ms)", latency.milliseconds)
            case .unhealthy(let code): "unhealthy (\(code.rawValue))"
            }
        }
    }

    /// One status change.
    public struct Change: Sendable, CustomStringConvertible {
        public var index: Int
        public var endpoint: String
        public var previous: Status
        public var current: Status
        public var at: Date
        public var description: String { "\(endpoint): \(previous) → \(current)" }
    }

    public let clients: [ProviderClient]
    private let interval: Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private var statuses: [Status]
    private var continuations: [UUID: AsyncStream<Change>.Continuation] = [:]
    private var loop: Task<Void, Never>?

    /// - Parameters:
    ///   - interval: time between rounds. Default 5 s.
    ///   - sleep: how to wait between rounds (tests inject a virtual clock).
    public init(clients: [ProviderClient], interval: Duration = .seconds(5), sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.clients = clients
        self.interval = interval
        self.sleep = sleep
        self.statuses = Array(repeating: .unknown, count: clients.count)
    }

    /// The current status of every provider, in order.
    public var currentStatuses: [Status] { statuses }

    /// The status of provider `index`.
    public func status(of index: Int) -> Status { statuses.indices.contains(index) ? statuses[index] : .unknown }

    /// A new stream of status changes (every subscriber gets every change from now on).
    public func changes() -> AsyncStream<Change> {
        let (stream, continuation) = AsyncStream.makeStream(of: Change.self)
        let id = UUID()
        continuations[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeSubscriber(id) }
        }
        return stream
    }

    private func removeSubscriber(_ id: UUID) { continuations[id] = nil }

    /// Checks every provider once, concurrently, and publishes changes.
    public func checkNow() async {
        let results = await withTaskGroup(of: (Int, Status).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    do { return (index, .healthy(latency: try await client.checkHealth())) } catch { return (index, .unhealthy(ErrorClassifier.classify(error))) }
                }
            }
            var out: [(Int, Status)] = []
            for await result in group { out.append(result) }
            return out.sorted { $0.0 < $1.0 }
        }
        for (index, status) in results {
            let previous = statuses[index]
            statuses[index] = status
            if !previous.sameState(as: status) {
                let change = Change(index: index, endpoint: clients[index].endpoint.description, previous: previous, current: status, at: Date())
                for continuation in continuations.values { continuation.yield(change) }
            }
        }
    }

    /// Starts polling every ``interval`` until ``stop()``.
    public func start() {
        guard loop == nil else { return }
        loop = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.checkNow()
                do { try await self.sleep(self.interval) } catch { return }
            }
        }
    }

    /// Stops polling and finishes every change stream.
    public func stop() {
        loop?.cancel()
        loop = nil
        for continuation in continuations.values { continuation.finish() }
        continuations.removeAll()
    }
}
