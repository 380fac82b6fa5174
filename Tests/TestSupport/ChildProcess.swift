import Foundation
import HTTPWire

/// A helper program a test runs beside itself (e.g. `openssl s_server`), started with
/// `posix_spawn` and waited for without ever blocking a thread.
///
/// Why not Foundation's `Process`: on Linux `waitUntilExit()` loops over the *calling* thread's
/// run loop; called on another thread than `run()` (an `await` in between is enough) that run
/// loop has no source, returns at once and the loop spins at 100 % CPU — while occupying a
/// cooperative-pool thread (2 on a 2-core machine), which starves the rest of the test and even
/// `.timeLimit`. Here every wait is a bounded poll of `waitpid(WNOHANG)` with a `Task.sleep`
/// between attempts, output goes to a file (no pipe to drain), and ``stop(grace:)`` escalates
/// from `SIGTERM` to `SIGKILL`.
///
/// ```swift
/// let child = try ChildProcess(executable: "/usr/bin/openssl", arguments: ["version"], outputPath: log)
/// let status = await child.waitForExit(timeout: .seconds(10))
/// ```
public final class ChildProcess: Sendable {
    /// Process id of the child.
    public let pid: Int32
    /// Executable path the child runs.
    public let executable: String
    /// The arguments after the program name.
    public let arguments: [String]
    /// File holding the child's standard output and standard error.
    public let outputPath: String
    /// How the child ended, once reaped; `.some(nil)` when it vanished without a status (ECHILD).
    private let reaped = LockedValue<Syscalls.ChildStatus??>(nil)

    /// Starts `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - executable: Absolute path (see ``findExecutable(_:)``).
    ///   - arguments: Arguments after the program name.
    ///   - outputPath: File receiving standard output and standard error (created or truncated).
    ///   - environment: The child's environment. Default: this process's.
    /// - Throws: ``SocketError`` from `posix_spawn`.
    public init(
        executable: String, arguments: [String], outputPath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.executable = executable
        self.arguments = arguments
        self.outputPath = outputPath
        pid = try Syscalls.spawnProcess(
            path: executable, arguments: arguments, environment: environment.map { "\($0.key)=\($0.value)" },
            outputPath: outputPath
        )
    }

    deinit {
        // Safety net for a test that forgot ``stop(grace:)``: never leave the helper running.
        if !hasEnded {
            Syscalls.killProcess(pid)
            _ = try? Syscalls.reapProcess(pid)
        }
    }

    // MARK: - State

    /// The command line, for messages.
    public var commandLine: String { ([executable] + arguments).joined(separator: " ") }

    /// Everything the child wrote so far (standard output and standard error).
    public var output: String {
        guard let data = FileManager.default.contents(atPath: outputPath) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether the child has ended (reaps it if it just did). Never blocks.
    public var hasEnded: Bool { poll() != nil }

    /// How the child ended, or nil while it runs (or when it vanished without a status).
    public var status: Syscalls.ChildStatus? { poll() ?? nil }

    /// Reaps the child if it ended: `.some(status)` once ended, nil while running.
    private func poll() -> Syscalls.ChildStatus?? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            do {
                guard let status = try Syscalls.reapProcess(pid) else { return nil }
                reaped = .some(status)
            } catch {
                reaped = .some(nil)  // ECHILD: reaped elsewhere; it is gone either way.
            }
            return reaped
        }
    }

    // MARK: - Waiting

    /// Waits (polling every 5 ms) until the child ends, `timeout` passes or the task is cancelled.
    ///
    /// - Returns: Whether it ended.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = MonotonicClock.now() &+ UInt64(timeout.nanoseconds)
        while !hasEnded {
            if MonotonicClock.now() >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Stops the child: `SIGTERM`, up to `grace` for it to exit, then `SIGKILL` and up to 5 s more.
    ///
    /// Runs in an unstructured task, which does not inherit cancellation, so the child is still
    /// waited for (with real sleeps) when the calling test has been cancelled, e.g. by `.timeLimit`.
    ///
    /// - Returns: Whether the child is gone (always true unless the kernel failed to kill it).
    @discardableResult
    public func stop(grace: Duration = .seconds(2)) async -> Bool {
        if hasEnded { return true }
        let task = Task { [self] in
            Syscalls.terminateProcess(pid)
            if await waitForExit(timeout: grace) { return true }
            Syscalls.killProcess(pid)
            return await waitForExit(timeout: .seconds(5))
        }
        return await task.value
    }

    /// Waits for a line of the child's output that `match` accepts, polling every 5 ms.
    ///
    /// - Returns: `match`'s result for the first accepted line.
    /// - Throws: ``ChildProcessError`` if the child ends first or `timeout` passes (with its output);
    ///   `CancellationError` if the task is cancelled.
    public func waitForOutputLine<T>(timeout: Duration, _ match: (Substring) -> T?) async throws -> T {
        let deadline = MonotonicClock.now() &+ UInt64(timeout.nanoseconds)
        while true {
            let text = output
            for line in text.split(whereSeparator: \.isNewline) {
                if let value = match(line) { return value }
            }
            if hasEnded {
                throw ChildProcessError("\(commandLine) \(status.map { "\($0)" } ?? "ended") before it was ready", output: text)
            }
            if MonotonicClock.now() >= deadline {
                throw ChildProcessError("\(commandLine) was not ready within \(timeout)", output: text)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    // MARK: - Locating programs

    /// The absolute path of `name` in `PATH` (or of `name` itself if it contains a `/`), if executable.
    public static func findExecutable(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = (String(directory) as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A helper program failed, ended early or was not ready in time; carries its output.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The child's standard output and standard error (truncated to 4 KB).
    public var output: String

    public init(_ message: String, output: String) {
        self.message = message
        self.output = String(output.suffix(4096))
    }

    public var description: String { output.isEmpty ? message : "\(message). Output:\n\(output)" }
}
