import Foundation

// MARK: - ScenarioLoader

/// Finds scenario files under the given paths and parses them.
///
/// A broken file does not stop loading: it becomes one ``ScenarioLoadError`` in ``Result/errors``
/// and every other file is still loaded, so the suite can run and report the broken file as an error result.
public struct ScenarioLoader: Sendable {
    /// What loading produced.
    public struct Result: Sendable {
        /// Valid scenarios, sorted by id.
        public var scenarios: [Scenario]
        /// One error per broken file (or duplicate id), sorted by file.
        public var errors: [ScenarioLoadError]
        /// Number of `.json` files read.
        public var fileCount: Int
    }

    public var parser: ScenarioParser

    public init(parser: ScenarioParser = ScenarioParser()) {
        self.parser = parser
    }

    /// Loads every `*.json` file under `paths` (files or directories, searched recursively; hidden entries skipped).
    ///
    /// - Parameter resolve: turns a path as given into an absolute one (the CLI resolves against its directory).
    public func load(paths: [String], resolve: (String) -> String = { $0 }) -> Result {
        var scenarios: [Scenario] = []
        var errors: [ScenarioLoadError] = []
        var files: [(shown: String, absolute: String, capability: String)] = []
        for path in paths {
            let absolute = resolve(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
                errors.append(ScenarioLoadError(code: .unreadable, file: path, keyPath: "", message: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                for relative in Self.jsonFiles(under: absolute) {
                    let folder = (relative as NSString).deletingLastPathComponent
                    let capability = folder.isEmpty ? "general" : folder.replacingOccurrences(of: "/", with: ".")
                    files.append((Self.join(path, relative), Self.join(absolute, relative), capability))
                }
            } else {
                let folder = ((absolute as NSString).deletingLastPathComponent as NSString).lastPathComponent
                files.append((path, absolute, folder.isEmpty ? "general" : folder))
            }
        }
        var seenFiles: Set<String> = []
        var idOwner: [String: String] = [:]
        for file in files where seenFiles.insert(file.absolute).inserted {
            guard let data = FileManager.default.contents(atPath: file.absolute) else {
                errors.append(ScenarioLoadError(code: .unreadable, file: file.shown, keyPath: "", message: "cannot read the file"))
                continue
            }
            // Every problem of the file at once (each printed once), not just the first.
            let all = parser.parseAll(Array(data), file: file.shown, defaultCapability: Self.capabilityComponent(file.capability))
            errors += all.errors
            let parsed = all.scenarios
            var fileErrors: [ScenarioLoadError] = []
            for scenario in parsed {
                if let owner = idOwner[scenario.id] {
                    let path = scenario.indexInFile.map { "[\($0)].id" } ?? "id"
                    fileErrors.append(ScenarioLoadError(
                        code: .duplicateID, file: file.shown, keyPath: path,
                        message: "scenario id \"\(scenario.id)\" is already used by \(owner)", scenarioID: scenario.id
                    ))
                }
            }
            if fileErrors.isEmpty {
                for scenario in parsed { idOwner[scenario.id] = file.shown }
                scenarios += parsed
            } else {
                errors += fileErrors
            }
        }
        return Result(
            scenarios: scenarios.sorted { $0.id < $1.id },
            errors: errors.sorted { ($0.file, $0.keyPath) < ($1.file, $1.keyPath) },
            fileCount: seenFiles.count
        )
    }

    /// Relative paths of the `.json` files below `directory`, sorted, hidden entries skipped.
    static func jsonFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let next = enumerator.nextObject() as? String {
            let components = next.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) { continue }
            if next.hasSuffix(".json") { out.append(next) }
        }
        return out.sorted()
    }

    static func join(_ base: String, _ relative: String) -> String {
        base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    static func capabilityComponent(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        let mapped = String(text.lowercased().map { allowed.contains($0) ? $0 : "-" })
        return mapped.isEmpty ? "general" : mapped
    }
}
