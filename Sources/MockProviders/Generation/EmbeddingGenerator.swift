import HTTPWire

/// Deterministic, L2-normalised embedding vectors: the same text, model and seed always give the
/// same vector.
public struct EmbeddingGenerator: Sendable {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// A unit vector of `dimensions` float32 values for `text`.
    public func embed(_ text: String, model: String, dimensions: Int) -> [Float] {
        let n = max(1, dimensions)
        var rng = SeededRandom(seed: seed, mixing: model, text)
        var values = [Float](repeating: 0, count: n)
        var sum: Double = 0
        for i in 0..<n {
            let v = rng.nextUnit() * 2 - 1
            values[i] = Float(v)
            sum += v * v
        }
        let norm = Float(sum.squareRoot())
        if norm > 0 { for i in 0..<n { values[i] /= norm } }
        return values
    }
}
