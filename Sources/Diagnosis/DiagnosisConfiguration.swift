import Foundation
import HTTPWire
import ProviderClient
/// The provider family an app is configured for.
extension ProviderKind {
    /// diagnose's name for the kind: `ollama`, `lmstudio`, `openai` (its `--provider` values and
    /// the `provider` field of its JSON report).
    public var diagnoseName: String { self == .openaiCompatible ? "openai" : rawValue }

    /// The port a local server of this kind listens on by default; nil for OpenAI-compatible
    /// servers, where diagnose lets the scheme decide (80/443) rather than assume llama-server's 8080.
    public var localDefaultPort: UInt16? { self == .openaiCompatible ? nil : defaultPort }
}

/// Inputs of one `diagnose` run.
public struct DiagnosisConfiguration: Sendable {
    /// URLs given on the command line; empty means "what the environment configures, plus default ports".
    public var urls: [String]
    /// Provider the app is configured for; nil = guess from URL/env.
    public var provider: ProviderKind?
    /// Model the app uses; nil skips model checks.
    public var model: String?
    /// API key (flag); nil falls back to the environment.
    public var apiKey: String?
    /// Origin the app sends (browser apps / extensions); nil = native app.
    public var origin: String?
    /// Capabilities the app needs from the model (`tools`, `vision`, `embedding`, `thinking`, `completion`).
    public var requiredCapabilities: [String]
    /// Host name → addresses overrides, like curl's --resolve. Default empty.
    public var resolveOverrides: [String: [String]]
    /// Ports scanned on loopback when the configured port refuses; empty disables the scan.
    /// Default: 11434, 11435, 1234, 8080, 8000, 5000, 5001, 8081, 3000.
    public var scanPorts: [UInt16]
    /// TCP connect timeout per address. Default 3 s.
    public var connectTimeout: Double
    /// Read timeout for cheap requests (and the app's timeout for --deep). Default 10 s.
    public var readTimeout: Double
    /// Budget for the --deep generation. Default 300 s.
    public var generationTimeout: Double
    /// Run one tiny streamed generation (--deep). Default false.
    public var deep: Bool
    /// Process environment (tests pass their own).
    public var environment: [String: String]
    /// Platform whose fixes are shown. Default: the running one.
    public var platform: Platform
    /// Where runtime-context files are read from (`/` in production; tests point at a fixture directory).
    public var fileSystemRoot: String
    /// Where this process runs (container, WSL, native). Default nil: detected from the files under
    /// ``fileSystemRoot``; tests pass a value to stage a container without one.
    public var runtime: RuntimeContext?

    public static let defaultScanPorts: [UInt16] = [11434, 11435, 1234, 8080, 8000, 5000, 5001, 8081, 3000]

    public init(
        urls: [String] = [],
        provider: ProviderKind? = nil,
        model: String? = nil,
        apiKey: String? = nil,
        origin: String? = nil,
        requiredCapabilities: [String] = [],
        resolveOverrides: [String: [String]] = [:],
        scanPorts: [UInt16] = DiagnosisConfiguration.defaultScanPorts,
        connectTimeout: Double = 3,
        readTimeout: Double = 10,
        generationTimeout: Double = 300,
        deep: Bool = false,
        environment: [String: String] = [:],
        platform: Platform = .current,
        fileSystemRoot: String = "/",
        runtime: RuntimeContext? = nil
    ) {
        self.urls = urls
        self.provider = provider
        self.model = model
        self.apiKey = apiKey
        self.origin = origin
        self.requiredCapabilities = requiredCapabilities
        self.resolveOverrides = resolveOverrides
        self.scanPorts = scanPorts
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.generationTimeout = generationTimeout
        self.deep = deep
        self.environment = environment
        self.platform = platform
        self.fileSystemRoot = fileSystemRoot
        self.runtime = runtime
    }

    /// The key in use and where it came from (flag > OPENAI_API_KEY > LM_API_TOKEN).
    public var effectiveKey: (value: String, source: String)? {
        if let apiKey, !apiKey.isEmpty { return (apiKey, "--api-key") }
        for name in ["OPENAI_API_KEY", "LM_API_TOKEN"] {
            if let v = environment[name], !v.isEmpty { return (v, name) }
        }
        return nil
    }

    /// Parses `host=addr[,addr…]` entries of `--resolve`.
    ///
    /// - Throws: ``DiagnosisInputError`` naming the bad entry.
    public static func parseResolve(_ entries: [String]) throws(DiagnosisInputError) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for entry in entries {
            guard let eq = entry.firstIndex(of: "=") else {
                throw DiagnosisInputError("--resolve expects host=address[,address…], got '\(entry)' (missing '=')")
            }
            let host = String(entry[..<eq]).lowercased()
            let list = entry[entry.index(after: eq)...].split(separator: ",").map {
                var a = String($0).trimmingCharacters(in: " ")
                if a.hasPrefix("["), a.hasSuffix("]") { a = String(a.dropFirst().dropLast()) }
                return a
            }
            guard !host.isEmpty else { throw DiagnosisInputError("--resolve entry '\(entry)' has an empty host name") }
            guard !list.isEmpty else { throw DiagnosisInputError("--resolve entry '\(entry)' has no address after '='") }
            for address in list where ProbeNet.parseNumeric(address) == nil {
                throw DiagnosisInputError("--resolve entry '\(entry)': '\(address)' is not an IPv4 or IPv6 address")
            }
            result[host] = list
        }
        return result
    }

    /// Parses a port list (`11434,1234,8000-8002`): `diagnose --scan-ports` and `discover --ports`.
    ///
    /// - Parameter option: The option named in error messages.
    public static func parsePorts(_ text: String, option: String = "--scan-ports") throws(DiagnosisInputError) -> [UInt16] {
        var ports: [UInt16] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: " ")
            if let dash = item.firstIndex(of: "-") {
                guard let lo = UInt16(item[..<dash]), let hi = UInt16(item[item.index(after: dash)...]), lo >= 1, lo <= hi,
                    hi - lo < 1024
                else { throw DiagnosisInputError("\(option): '\(item)' is not a port range like 8000-8010") }
                ports += Array(lo...hi)
            } else {
                guard let p = UInt16(item), p >= 1 else {
                    throw DiagnosisInputError("\(option): '\(item)' is not a port number (1-65535)")
                }
                ports.append(p)
            }
        }
        guard !ports.isEmpty else { throw DiagnosisInputError("\(option) expects a list such as 11434,1234,8000-8002") }
        return ports
    }
}

/// Bad input to `diagnose` (reported as a usage error).
public struct DiagnosisInputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set || s.first == "\t" { s = s.dropFirst() }
        while s.last == set || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
