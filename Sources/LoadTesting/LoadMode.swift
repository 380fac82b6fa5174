/// How requests are offered to the server.
public enum LoadMode: Sendable, Hashable, CustomStringConvertible {
    /// Closed loop: `concurrency` workers, each sending its next request as soon as the previous one ended.
    case closedLoop(concurrency: Int)
    /// Open loop: requests start on a schedule of `rate` per second drawn from `arrival`, whether or not
    /// earlier ones have finished.
    case openLoop(rate: Double, arrival: ArrivalProcess)

    public var description: String {
        switch self {
        case .closedLoop(let concurrency): "concurrency \(concurrency)"
        case .openLoop(let rate, let arrival): "rate \(LoadFormat.number(rate))/s \(arrival)"
        }
    }

    /// The level as a number for sweep charts (concurrency or rate).
    public var level: Double {
        switch self {
        case .closedLoop(let concurrency): Double(concurrency)
        case .openLoop(let rate, _): rate
        }
    }
}

/// The inter-arrival distribution of the open loop.
public enum ArrivalProcess: Sendable, Hashable, CustomStringConvertible {
    /// Exponential gaps (a Poisson process): mean 1/rate.
    case poisson
    /// Gamma-distributed gaps with shape `burstiness` and mean 1/rate (vLLM's `--burstiness`):
    /// below 1 burstier than Poisson, 1 is Poisson, above 1 more regular.
    case gamma(burstiness: Double)
    /// Every gap exactly 1/rate.
    case constant

    public var description: String {
        switch self {
        case .poisson: "poisson"
        case .gamma(let b): "gamma(burstiness \(LoadFormat.number(b)))"
        case .constant: "constant"
        }
    }
}
