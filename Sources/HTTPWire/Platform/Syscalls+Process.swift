#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// Additions for tests that stage a helper program (e.g. `openssl s_server`): spawn a child
// with posix_spawn, signal it and reap it without blocking.
//
// Foundation's `Process` is deliberately not used for this: on Linux its `waitUntilExit()` spins
// the caller's run loop (100 % CPU when called on another thread than `run()`, which any `await`
// in between can cause) and blocks a cooperative-pool thread meanwhile. These wrappers never block:
// callers poll ``reapProcess(_:)`` with a sleep between attempts.

extension Syscalls {
    // MARK: - Child status

    /// How a reaped child process ended.
    public enum ChildStatus: Sendable, Hashable, CustomStringConvertible {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal (this number) ended it.
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exited with code \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    // MARK: - Spawning

    /// Starts `path` with `arguments` as a child process and returns its process id.
    ///
    /// The child gets `/dev/null` as standard input and `outputPath` (created or truncated) as
    /// both standard output and standard error, so there is no pipe to drain and no buffer that
    /// can fill up. It inherits no other descriptor of this process (on Darwin through
    /// `POSIX_SPAWN_CLOEXEC_DEFAULT`; on Linux every descriptor listed in `/proc/self/fd` is
    /// closed in the child), so it cannot keep a parallel test's socket alive. `SIGPIPE`,
    /// `SIGTERM`, `SIGINT`, `SIGHUP` and `SIGQUIT` are reset to their default action and the signal
    /// mask is emptied, so ``terminateProcess(_:)`` works even if this process ignores `SIGTERM`.
    ///
    /// The corresponding C function is `posix_spawn`. The child must be reaped with
    /// ``reapProcess(_:)``.
    ///
    /// - Parameters:
    ///   - path: Absolute path of the executable (no `PATH` search).
    ///   - arguments: Arguments after the program name (`argv[1...]`).
    ///   - environment: `NAME=value` entries of the child's environment.
    ///   - outputPath: File receiving the child's standard output and standard error.
    /// - Returns: The child's process id.
    /// - Throws: ``SocketError`` naming the failing call (`posix_spawn` reports `ENOENT`,
    ///   `EACCES`, … for a bad executable).
    public static func spawnProcess(
        path: String, arguments: [String], environment: [String], outputPath: String
    ) throws -> Int32 {
        #if canImport(Darwin)
        var actions: SpawnActions = nil
        var attributes: SpawnAttributes = nil
        #else
        var actions = SpawnActions()
        var attributes = SpawnAttributes()
        #endif
        try check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(&actions))
        defer { posix_spawn_file_actions_destroy(&actions) }
        try check("posix_spawnattr_init", posix_spawnattr_init(&attributes))
        defer { posix_spawnattr_destroy(&attributes) }

        // Descriptors: close what this process has open (Linux), then set up 0, 1 and 2.
        var flags: Int32 = 0
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        for fd in openDescriptors() where fd > 2 {
            // A descriptor closed meanwhile is harmless: glibc and musl ignore EBADF here.
            try check("posix_spawn_file_actions_addclose", posix_spawn_file_actions_addclose(&actions, fd))
        }
        #endif
        try check(
            "posix_spawn_file_actions_addopen(/dev/null)",
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        )
        try check(
            "posix_spawn_file_actions_addopen(\(outputPath))",
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        )
        try check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, 1, 2))

        return try launch(path: path, arguments: arguments, environment: environment, actions: &actions, attributes: &attributes, flags: flags)
    }

    #if canImport(Darwin)
    typealias SpawnActions = posix_spawn_file_actions_t?
    typealias SpawnAttributes = posix_spawnattr_t?
    #else
    typealias SpawnActions = posix_spawn_file_actions_t
    typealias SpawnAttributes = posix_spawnattr_t
    #endif

    /// The common end of every spawn: resets the signals a test process may ignore to their default
    /// action and empties the mask (adding `POSIX_SPAWN_SETSIGDEF` and `POSIX_SPAWN_SETSIGMASK` to
    /// `flags`), sets the flags and calls `posix_spawn` with `actions` and `attributes`.
    static func launch(
        path: String, arguments: [String], environment: [String],
        actions: inout SpawnActions, attributes: inout SpawnAttributes, flags: Int32
    ) throws -> Int32 {
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&defaults, number) }
        var mask = sigset_t()
        sigemptyset(&mask)
        let flags = flags | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        try check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(&attributes, &defaults))
        try check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(&attributes, &mask))
        try check("posix_spawnattr_setflags", posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags)))

        let argv = makeCStringArray([path] + arguments)
        defer { freeCStringArray(argv) }
        let envp = makeCStringArray(environment)
        defer { freeCStringArray(envp) }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SocketError(errno: result, syscall: "posix_spawn(\(path))") }
        return pid
    }

    // MARK: - Signals and reaping

    /// Asks the child to stop (`SIGTERM`). Returns false if it no longer exists.
    ///
    /// The corresponding C function is `kill`.
    @discardableResult
    public static func terminateProcess(_ pid: Int32) -> Bool { pid > 0 && kill(pid, SIGTERM) == 0 }

    /// Stops the child at once (`SIGKILL`). Returns false if it no longer exists.
    ///
    /// The corresponding C function is `kill`.
    @discardableResult
    public static func killProcess(_ pid: Int32) -> Bool { pid > 0 && kill(pid, SIGKILL) == 0 }

    /// Reaps the child if it has ended; never blocks.
    ///
    /// The corresponding C function is `waitpid` with `WNOHANG`, retried on `EINTR`.
    ///
    /// - Returns: How it ended, or nil while it still runs.
    /// - Throws: ``SocketError`` (`ECHILD` when `pid` is not an unreaped child of this process,
    ///   e.g. it was reaped already).
    public static func reapProcess(_ pid: Int32) throws -> ChildStatus? {
        var status: Int32 = 0
        let result = try retryingInterrupts("waitpid") { waitpid(pid, &status, WNOHANG) }
        guard result == pid else { return nil }
        // The POSIX wait-status layout shared by Linux and Darwin (the W* macros are not imported).
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    // MARK: - Helpers

    static func check(_ call: String, _ result: Int32) throws {
        if result != 0 { throw SocketError(errno: result, syscall: call) }
    }

    static func makeCStringArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        array[strings.count] = nil
        return array
    }

    static func freeCStringArray(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 0
        while let string = array[index] {
            free(string)
            index += 1
        }
        array.deallocate()
    }

    #if !canImport(Darwin)
    /// The descriptors open in this process, from `/proc/self/fd` (empty if it cannot be read).
    static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name) { descriptors.append(fd) }
        }
        return descriptors
    }
    #endif
}
