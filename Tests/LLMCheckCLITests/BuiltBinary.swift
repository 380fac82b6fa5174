import Foundation
import TestSupport

/// The `llmcheck` executable that `swift build --build-tests` put next to the test bundle, for tests
/// that need a real process (signals, closed pipes).
enum BuiltBinary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `.build/debug/llmcheck` (or the build directory of the running test bundle), if it exists.
    static var path: String? {
        var candidates = [repositoryRoot + "/.build/debug/llmcheck"]
        if let bundle = CommandLine.arguments.first.map({ URL(fileURLWithPath: $0).deletingLastPathComponent() }) {
            candidates.insert(bundle.appendingPathComponent("llmcheck").path, at: 0)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var python: String? { ChildProcess.findExecutable("python3") }
}
