import HTTPWire

/// Who may use `/__llmcheck/`: the gate every control request passes before ``ControlEndpoint``
/// acts on it. Documented in `MockServers/README.md` ("Control endpoint security").
///
/// - `GET /__llmcheck/health` is always open (scripts wait on it).
/// - Every other control request must carry an allowed `Host` (the DNS-rebinding guard of
///   ``HostPolicy``, unless ``MockConfiguration/checksHost`` is off) and no foreign `Origin`
///   (only the mock's own origin, `http://<Host>`, is accepted).
/// - A state change (any method but GET/HEAD) must also carry the mock's control token
///   (``MockConfiguration/controlToken``) in ``tokenHeader`` and a JSON `Content-Type`
///   (`application/json` or `…+json`): a browser page cannot send either without a CORS preflight,
///   and the control endpoint answers no preflight.
struct ControlAccess {
    /// The request header carrying the control token.
    static let tokenHeader = "X-LLMCheck-Control-Token"

    /// Why a control request was refused; the raw value is the stable `code` of the JSON answer.
    enum Refusal: String, Sendable, Error {
        case hostNotAllowed = "control_host_not_allowed"
        case foreignOrigin = "control_foreign_origin"
        case missingToken = "control_token_missing"
        case wrongToken = "control_token_wrong"
        case notJSON = "control_content_type_not_json"

        var status: HTTPStatus {
            switch self {
            case .hostNotAllowed, .foreignOrigin: .forbidden
            case .missingToken, .wrongToken: .unauthorized
            case .notJSON: HTTPStatus(code: 415)
            }
        }

        func message(host: String?, origin: String?) -> String {
            switch self {
            case .hostNotAllowed:
                "the control endpoint refuses Host '\(host ?? "")' (DNS-rebinding guard: use localhost, a private address or the machine name; serve --no-host-check turns it off)"
            case .foreignOrigin:
                "the control endpoint refuses requests from the web origin '\(origin ?? "")'"
            case .missingToken:
                "changing the mock needs its control token in the \(ControlAccess.tokenHeader) header (printed by llmcheck serve at start)"
            case .wrongToken:
                "the \(ControlAccess.tokenHeader) header does not match this mock's control token"
            case .notJSON:
                "changing the mock needs Content-Type: application/json"
            }
        }
    }

    let configuration: MockConfiguration

    /// The refusal for `request`, or nil when it may proceed.
    func refusal(for request: HTTPRequest, isHealth: Bool) -> Refusal? {
        if isHealth, request.method == .get || request.method == .head { return nil }
        let headers = request.headers
        let host = headers["Host"]
        if configuration.checksHost {
            if let host, !HostPolicy.isAllowedHost(host) { return .hostNotAllowed }
            if headers.values(for: "Host").count > 1 { return .hostNotAllowed }
        }
        if let origin = headers["Origin"], !(host.map { origin == "http://" + $0 || origin == "https://" + $0 } ?? false) {
            return .foreignOrigin
        }
        guard request.method != .get, request.method != .head else { return nil }
        guard let given = headers[ControlAccess.tokenHeader] else { return .missingToken }
        guard ControlAccess.constantTimeEquals(given.trimmingSpaces(), configuration.controlToken) else { return .wrongToken }
        guard ControlAccess.isJSONContentType(headers["Content-Type"]) else { return .notJSON }
        return nil
    }

    /// `application/json` or `application/<x>+json`, with or without parameters.
    static func isJSONContentType(_ value: String?) -> Bool {
        guard let value else { return false }
        let type = (value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? "").lowercased()
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// Equality whose time does not depend on where the first difference is.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        if x.count != y.count { difference |= 1 }
        for i in 0..<min(x.count, y.count) { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    /// A fresh random control token: `llmc-` and 32 hex digits (128 bits).
    static func generateToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        var out = "llmc-"
        for _ in 0..<2 {
            var word = rng.next() as UInt64
            for _ in 0..<16 {
                out.append(hex[Int(word & 0xF)])
                word >>= 4
            }
        }
        return out
    }
}
