import HTTPWire

/// The toxics installed on a proxy (start-up `--toxic` and `/__llmcheck/toxics`), with stable ids.
public final class ToxicPlan: Sendable {
    public struct Installed: Sendable {
        public var id: Int
        public var spec: ToxicSpec
        public var jsonValue: JSONValue {
            guard case .object(var pairs) = spec.jsonValue else { return spec.jsonValue }
            pairs.insert(("id", .int(id)), at: 0)
            return .object(pairs)
        }
    }

    private struct State {
        var installed: [Installed] = []
        var nextID = 1
    }

    private let state = LockedValue(State())
    let seed: UInt64

    public init(seed: UInt64, toxics: [ToxicSpec] = []) {
        self.seed = seed
        for t in toxics { add(t) }
    }

    @discardableResult
    public func add(_ spec: ToxicSpec) -> Int {
        state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            s.installed.append(Installed(id: id, spec: spec))
            return id
        }
    }

    @discardableResult
    public func remove(id: Int) -> Bool {
        state.withLock { s in
            let before = s.installed.count
            s.installed.removeAll { $0.id == id }
            return before != s.installed.count
        }
    }

    public func removeAll() { state.withLock { $0.installed.removeAll() } }
    public var toxics: [Installed] { state.withLock { $0.installed } }

    /// The toxics request `number` gets: each with its `toxicity` probability, drawn from the seed,
    /// the toxic's id and the request number (the same run gets the same toxics).
    func decide(requestNumber: Int) -> [ToxicSpec] {
        let installed = toxics
        var chosen: [ToxicSpec] = []
        for t in installed {
            if t.spec.toxicity < 1 {
                var rng = SeededRandom(seed: seed ^ SeededRandom.mix(UInt64(t.id) &* 0x9E37) ^ SeededRandom.mix(UInt64(max(0, requestNumber))))
                if rng.nextUnit() >= t.spec.toxicity { continue }
            }
            chosen.append(t.spec)
        }
        return chosen
    }
}
