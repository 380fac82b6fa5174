import Foundation

/// What a command may use from the outside world; tests substitute every part.
public struct CommandContext: Sendable {
    public var output: OutputSink
    /// The process environment (tests pass their own).
    public var environment: [String: String]
    /// Directory that relative paths are resolved against.
    public var currentDirectory: String

    public init(output: OutputSink, environment: [String: String], currentDirectory: String) {
        self.output = output
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// The real process context.
    public static func standard() -> CommandContext {
        CommandContext(
            output: .standard(),
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath
        )
    }

    /// `path` made absolute against ``currentDirectory``.
    public func resolve(path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst(1) }
        return (currentDirectory as NSString).appendingPathComponent(path)
    }
}
