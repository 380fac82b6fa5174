#if canImport(Glibc)
@preconcurrency import Glibc
import CPlatformShim
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// Spawning a program under test (a client someone else wrote) in a process group of its own, with its
// standard output and error on pipes, so that the whole group can be killed at a deadline and
// children that outlive the program cannot keep a run waiting.

extension Syscalls {
    /// Reads up to `capacity` bytes from `fd` into `buffer` (replacing its contents).
    ///
    /// - Returns: bytes read; 0 at end of file.
    public static func readAvailable(_ fd: Int32, into buffer: inout [UInt8], capacity: Int = 16_384) throws -> Int {
        if buffer.count != capacity { buffer = [UInt8](repeating: 0, count: capacity) }
        let n = try retryingInterrupts("read") { buffer.withUnsafeMutableBytes { cRead(fd, $0.baseAddress, capacity) } }
        return Int(n)
    }

    /// Starts `path` as the leader of a new process group (its process id is the group id).
    ///
    /// Standard input is `/dev/null`; standard output and error go to `standardOutput` and
    /// `standardError` (write ends of pipes, say). No other descriptor of this process is inherited,
    /// and signal dispositions and mask are reset as in ``spawnProcess(path:arguments:environment:outputPath:)``.
    ///
    /// The corresponding C function is `posix_spawn` with `POSIX_SPAWN_SETPGROUP`.
    ///
    /// - Parameters:
    ///   - path: Absolute path of the executable (no `PATH` search).
    ///   - arguments: `argv[1...]`.
    ///   - environment: `NAME=value` entries.
    ///   - workingDirectory: Directory the child starts in; nil keeps this process's.
    /// - Throws: ``SocketError`` naming the failing call (`ENOENT`, `EACCES` … for a bad executable or directory).
    public static func spawnProcessGroup(
        path: String, arguments: [String], environment: [String], workingDirectory: String?,
        standardOutput: Int32, standardError: Int32
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

        // The child's ends must block (``makePipe()`` makes both ends non-blocking for this process).
        try configureNonBlocking(standardOutput, false)
        try configureNonBlocking(standardError, false)
        var flags = Int32(POSIX_SPAWN_SETPGROUP)
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        try check("posix_spawn_file_actions_addopen(/dev/null)", posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0))
        try check("posix_spawn_file_actions_adddup2(stdout)", posix_spawn_file_actions_adddup2(&actions, standardOutput, 1))
        try check("posix_spawn_file_actions_adddup2(stderr)", posix_spawn_file_actions_adddup2(&actions, standardError, 2))
        #if !canImport(Darwin)
        for fd in openDescriptors() where fd > 2 {
            try check("posix_spawn_file_actions_addclose", posix_spawn_file_actions_addclose(&actions, fd))
        }
        #endif
        if let workingDirectory {
            try check("chdir(\(workingDirectory))", posix_spawn_file_actions_addchdir_np(&actions, workingDirectory))
        }
        try check("posix_spawnattr_setpgroup", posix_spawnattr_setpgroup(&attributes, 0))
        return try launch(path: path, arguments: arguments, environment: environment, actions: &actions, attributes: &attributes, flags: flags)
    }

    /// Sends `SIGKILL` to every process of the group `groupID`. Returns false when the group is empty.
    ///
    /// The corresponding C function is `kill(-pgid, SIGKILL)`.
    @discardableResult
    public static func killProcessGroup(_ groupID: Int32) -> Bool { groupID > 1 && kill(-groupID, SIGKILL) == 0 }

    /// Whether any process of the group `groupID` still exists (`kill(-pgid, 0)`).
    public static func processGroupExists(_ groupID: Int32) -> Bool { groupID > 1 && kill(-groupID, 0) == 0 }

    /// Whether `path` names an executable regular file (`access(X_OK)` and `stat`).
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}

@inline(__always)
private func cRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
