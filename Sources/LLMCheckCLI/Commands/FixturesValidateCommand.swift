import Foundation
import MockProviders

/// `llmcheck fixtures validate`: check fixture files and name every problem.
public enum FixturesValidateCommand: Command {
    public static let spec = CommandSpec(
        name: "fixtures validate",
        abstract: "Check fixture files and name every problem.",
        discussion: """
            Each PATH is a fixture file or a directory (its *.json files and those of its ollama/, lmstudio/
            and openai/ subdirectories). Problems are printed one per line as FILE: FIELD: PROBLEM, e.g.
              MockServers/ollama/chat.json: exchanges[2].response.chunks[4].offset_ms: must be a non-negative number
            The format is documented in MockServers/README.md.

            EXIT CODES: 0 all valid, 65 a fixture is invalid, 64 no fixture found.
            """,
        positionals: [PositionalSpec(name: "path", help: "Fixture files or directories.", isVariadic: true)]
    )

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard !arguments.positionals.isEmpty else { throw UsageError("name at least one fixture file or directory") }
        var files: [(shown: String, path: String)] = []
        for given in arguments.positionals {
            let path = context.resolve(path: given)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UsageError("no such file or directory: \(given)")
            }
            if isDirectory.boolValue {
                var found = FixtureLoader.fixtureFiles(at: path)
                for provider in MockProviderKind.allCases {
                    found += FixtureLoader.fixtureFiles(at: (path as NSString).appendingPathComponent(provider.rawValue))
                }
                let prefix = given.hasSuffix("/") ? String(given.dropLast()) : given
                files += found.map { (prefix + String($0.dropFirst(path.count)), $0) }
            } else {
                files.append((given, path))
            }
        }
        guard !files.isEmpty else { throw UsageError("no .json fixture files found in \(arguments.positionals.joined(separator: ", "))") }
        var bad = 0
        var exchanges = 0
        for file in files {
            do {
                let fixture = try FixtureLoader.load(path: file.path, displayName: file.shown)
                exchanges += fixture.exchanges.count
            } catch {
                bad += 1
                for problem in error.problems { context.output.error(problem.description) }
            }
        }
        if bad > 0 {
            context.output.line("\(bad) of \(files.count) fixture files invalid")
            return .dataError
        }
        context.output.line("\(files.count) fixture files valid (\(exchanges) exchanges)")
        return .success
    }
}
