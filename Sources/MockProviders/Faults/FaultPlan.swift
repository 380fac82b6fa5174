import Foundation
import HTTPWire

/// The faults installed on one mock server and the counters that schedule them.
///
/// Deciding is done under a lock once per request, so `request=N`, `times=K` and seeded
/// probabilities stay consistent however many connections run at once. The probability draw
/// for a fault depends only on the seed, the fault's id and how many matching requests it has
/// seen, so a run with the same seed and request order applies the same faults.
public final class FaultPlan: Sendable {

    /// One installed fault with its counters.
    public struct Installed: Sendable {
        /// Stable id (1-based, in installation order) used by the control endpoint.
        public var id: Int
        public var spec: FaultSpec
        /// Requests that satisfied the path/model/method filters.
        public var matched: Int
        /// Requests the fault was applied to.
        public var applied: Int

        public var jsonValue: JSONValue {
            .object([("id", .int(id)), ("spec", .string(spec.description)), ("fault", spec.jsonValue), ("matched", .int(matched)), ("applied", .int(applied))])
        }
    }

    /// The installed faults and the next id, under one lock.
    private struct State {
        var installed: [Installed] = []
        var nextID = 1
    }

    private let state = LockedValue(State())
    /// Seed of the probability draws.
    public let seed: UInt64

    public init(seed: UInt64, faults: [FaultSpec] = []) {
        self.seed = seed
        for f in faults { _ = add(f) }
    }

    /// Installs a fault and returns its id.
    @discardableResult
    public func add(_ spec: FaultSpec) -> Int {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.installed.append(Installed(id: id, spec: spec, matched: 0, applied: 0))
            return id
        }
    }

    /// Removes one fault; returns whether it existed.
    @discardableResult
    public func remove(id: Int) -> Bool {
        state.withLock { state in
            let before = state.installed.count
            state.installed.removeAll { $0.id == id }
            return state.installed.count != before
        }
    }

    /// Removes every fault.
    public func removeAll() { state.withLock { $0.installed.removeAll() } }

    /// Sets every counter back to zero (faults stay installed).
    public func resetCounters() {
        state.withLock { state in
            for i in state.installed.indices {
                state.installed[i].matched = 0
                state.installed[i].applied = 0
            }
        }
    }

    /// The installed faults with their counters.
    public var faults: [Installed] { state.withLock { $0.installed } }

    /// Whether any fault is installed (a lock-free fast path is not needed; this is cheap).
    public var isEmpty: Bool { state.withLock { $0.installed.isEmpty } }

    /// The faults that apply to a request, in installation order, counting it.
    public func decide(method: String, path: String, model: String?, testID: String? = nil) -> [FaultSpec] {
        decide(method: method, path: path, model: model, testID: { testID })
    }

    /// ``decide(method:path:model:testID:)`` that asks for the test id only when a fault is installed
    /// (a header lookup the common no-fault request does not need).
    func decide(method: String, path: String, model: String?, testID lookUpTestID: () -> String?) -> [FaultSpec] {
        state.withLock { state in
            if state.installed.isEmpty { return [] }
            let testID = lookUpTestID()
            var chosen: [FaultSpec] = []
            for i in state.installed.indices {
                let spec = state.installed[i].spec
                let s = spec.schedule
                guard s.matches(method: method, path: path, model: model, testID: testID) else { continue }
                state.installed[i].matched += 1
                let n = state.installed[i].matched
                if let r = s.requestNumber, r != n { continue }
                if let t = s.times, state.installed[i].applied >= t { continue }
                if let p = s.probability {
                    var rng = SeededRandom(seed: seed ^ SeededRandom.mix(UInt64(state.installed[i].id)) ^ SeededRandom.mix(UInt64(n) &* 0x1000_0001))
                    if rng.nextUnit() >= p { continue }
                }
                state.installed[i].applied += 1
                chosen.append(spec)
            }
            return chosen
        }
    }
}
