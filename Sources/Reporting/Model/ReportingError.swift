// MARK: - ReportingError

/// Why reports could not be written, read, compared or merged. The ``code`` is stable; the description
/// names the file, directory or scenario ids involved.
public struct ReportingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A required file (`run.json`, `summary.json`) does not exist.
        case missingFile = "missing_file"
        /// A file exists but is not valid JSON of the expected shape.
        case corruptFile = "corrupt_file"
        /// A file was written by a newer, unknown schema version.
        case unsupportedSchema = "unsupported_schema"
        /// The same scenario id appears in more than one shard.
        case duplicateScenario = "duplicate_scenario"
        /// An expected scenario id appears in no shard.
        case missingScenario = "missing_scenario"
        /// Shard totals disagree, a shard index repeats or is missing, or the count differs from the expected one.
        case shardMismatch = "shard_mismatch"
        /// Nothing to merge.
        case noInput = "no_input"
        /// A report file could not be written.
        case writeFailed = "write_failed"
    }

    public var code: Code
    /// The file or directory concerned, if any.
    public var path: String?
    public var detail: String

    public init(_ code: Code, path: String? = nil, _ detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public var description: String {
        if let path { return "\(path): \(detail)" }
        return detail
    }
}
