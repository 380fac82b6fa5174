extension LoadMode: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, concurrency, rate, arrival, burstiness
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "concurrency":
            self = .closedLoop(concurrency: try c.decode(Int.self, forKey: .concurrency))
        case "rate":
            let rate = try c.decode(Double.self, forKey: .rate)
            let arrival: ArrivalProcess = switch try c.decodeIfPresent(String.self, forKey: .arrival) ?? "poisson" {
            case "constant": .constant
            case "gamma": .gamma(burstiness: try c.decodeIfPresent(Double.self, forKey: .burstiness) ?? 1)
            default: .poisson
            }
            self = .openLoop(rate: rate, arrival: arrival)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown load mode '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .closedLoop(let concurrency):
            try c.encode("concurrency", forKey: .kind)
            try c.encode(concurrency, forKey: .concurrency)
        case .openLoop(let rate, let arrival):
            try c.encode("rate", forKey: .kind)
            try c.encode(rate, forKey: .rate)
            switch arrival {
            case .poisson: try c.encode("poisson", forKey: .arrival)
            case .constant: try c.encode("constant", forKey: .arrival)
            case .gamma(let b):
                try c.encode("gamma", forKey: .arrival)
                try c.encode(b, forKey: .burstiness)
            }
        }
    }
}
