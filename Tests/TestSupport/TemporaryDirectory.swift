import Foundation

/// A fresh directory under the system temporary directory, removed by ``remove()`` or when the
/// value is dropped through ``withTemporaryDirectory(_:)``.
public struct TemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String
    /// The directory's URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// Creates a unique directory named `prefix-<uuid>`.
    public init(prefix: String = "llmcheck-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = (base as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes UTF-8 `text` to `name` and returns its path.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        let target = file(name)
        let parent = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Reads `name` as UTF-8 text.
    public func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(name))), as: UTF8.self)
    }

    /// Deletes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a new temporary directory and deletes it afterwards.
public func withTemporaryDirectory<T>(
    prefix: String = "llmcheck-test", _ body: (TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory)
}
