import Foundation
import HTTPWire

/// What the ladder learned about one target so far; shared by its checks within one run.
/// An actor because concurrent checks (path, policy, auth) read and add to it.
actor TargetState {
    let target: DiagnosisTarget
    let endpoint: Endpoint
    let configuration: DiagnosisConfiguration

    var addresses: [SocketAddress] = []
    var attempts: [ConnectAttempt] = []
    /// The address HTTP probes use (first that connected).
    var workingAddress: SocketAddress?
    var identity: Identity?
    /// Model the generation check uses (from --model, or the first one the server lists).
    var chosenModel: String?
    /// Whether the chosen model was loaded before the generation (Ollama /api/ps); nil if unknown.
    var modelWasLoaded: Bool?
    /// Responses of this run, keyed by request; in-flight requests are shared.
    private var cache: [String: Task<ProbeOutcome, Never>] = [:]

    init(target: DiagnosisTarget, endpoint: Endpoint, configuration: DiagnosisConfiguration) {
        self.target = target
        self.endpoint = endpoint
        self.configuration = configuration
    }

    func setAddresses(_ a: [SocketAddress]) { addresses = a }
    func setAttempts(_ a: [ConnectAttempt], working: SocketAddress?) {
        attempts = a
        workingAddress = working
    }
    func setIdentity(_ i: Identity) { identity = i }
    func setModel(_ name: String?, loaded: Bool?) {
        chosenModel = name
        modelWasLoaded = loaded
    }

    /// The configured key header, if a key is set.
    var authHeaders: [(String, String)] {
        guard let key = configuration.effectiveKey?.value else { return [] }
        return [("Authorization", "Bearer \(key.trimmingCharacters(in: " "))")]
    }

    /// Sends `request` to the target (plain HTTP to the working address, or HTTPS via URLSession),
    /// sharing identical requests made by concurrent checks.
    func send(_ request: ProbeRequest, timeout: Double? = nil) async -> ProbeOutcome {
        let key = "\(request.method) \(request.path) \(request.hostHeader ?? "") "
            + request.headers.map { "\($0.0)=\($0.1)" }.joined(separator: "&") + " \(request.body.count)"
        if let task = cache[key] { return await task.value }
        let endpoint = self.endpoint
        let address = workingAddress
        let connectTimeout = configuration.connectTimeout
        let readTimeout = timeout ?? configuration.readTimeout
        let task = Task<ProbeOutcome, Never> {
            if endpoint.isHTTPS {
                return await ProbeHTTP.sendHTTPS(request, url: endpoint.rootURL(request.path), readTimeout: readTimeout)
            }
            guard let address else { return .transportError("no reachable address") }
            return await ProbeHTTP.send(
                request, to: address, port: endpoint.port, authority: endpoint.authority, connectTimeout: connectTimeout,
                readTimeout: readTimeout
            )
        }
        cache[key] = task
        return await task.value
    }

    /// `GET path` without extra headers.
    func get(_ path: String, headers: [(String, String)] = []) async -> ProbeOutcome {
        await send(ProbeRequest(path: path, headers: headers))
    }
}

/// Caches port-scan fingerprints across targets within one run.
actor ScanCache {
    private var results: [UInt16: Task<ScanHit?, Never>] = [:]

    func fingerprint(port: UInt16, connectTimeout: Double, readTimeout: Double) async -> ScanHit? {
        if let task = results[port] { return await task.value }
        let task = Task<ScanHit?, Never> {
            let loopback = SocketAddress.loopbackIPv4(port: port)
            let attempt = await ProbeNet.connectOnly(loopback, port: port, timeout: connectTimeout)
            guard attempt.outcome == .connected else { return nil }
            let identity = await Identity.probe(
                address: loopback, port: port, authority: "127.0.0.1:\(port)", headers: [], readTimeout: readTimeout,
                connectTimeout: connectTimeout
            )
            return ScanHit(port: port, identity: identity)
        }
        results[port] = task
        return await task.value
    }
}

/// A port that answered during the scan.
struct ScanHit: Sendable {
    var port: UInt16
    var identity: Identity
}
