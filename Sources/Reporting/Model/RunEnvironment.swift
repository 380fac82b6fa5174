import Foundation

// MARK: - RunEnvironment

/// Where the run happened. Base URLs are redacted by the writers (no credentials, no query strings).
public struct RunEnvironment: Sendable, Hashable, Codable {
    /// Host name (default: the current host).
    public var hostname: String
    /// Operating system description (default: `ProcessInfo.operatingSystemVersionString`).
    public var operatingSystem: String
    /// Git revision of the project under test, if known (e.g. `GITHUB_SHA`).
    public var gitSHA: String?
    /// Provider base URLs by provider name (redacted before writing).
    public var baseURLs: [String: String]
    /// Free-form extra properties (model, server version, CI job URL …), written as JUnit properties.
    public var properties: [String: String]

    public init(
        hostname: String = ProcessInfo.processInfo.hostName,
        operatingSystem: String = ProcessInfo.processInfo.operatingSystemVersionString,
        gitSHA: String? = nil,
        baseURLs: [String: String] = [:],
        properties: [String: String] = [:]
    ) {
        self.hostname = hostname
        self.operatingSystem = operatingSystem
        self.gitSHA = gitSHA
        self.baseURLs = baseURLs
        self.properties = properties
    }

    enum CodingKeys: String, CodingKey {
        case hostname
        case operatingSystem = "os"
        case gitSHA = "git_sha"
        case baseURLs = "base_urls"
        case properties
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname) ?? "localhost"
        operatingSystem = try c.decodeIfPresent(String.self, forKey: .operatingSystem) ?? ""
        gitSHA = try c.decodeIfPresent(String.self, forKey: .gitSHA)
        baseURLs = try c.decodeIfPresent([String: String].self, forKey: .baseURLs) ?? [:]
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
    }
}
