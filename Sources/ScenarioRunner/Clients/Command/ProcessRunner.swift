import Foundation
import HTTPWire

// MARK: - ProcessRun

/// What one run of a command under test did: how it ended, what it printed, how long it took.
public struct ProcessRun: Sendable, Hashable {
    /// How the process ended.
    public enum Ending: Sendable, Hashable, CustomStringConvertible {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal it did not send itself ended it (not our deadline kill).
        case signalled(Int32)
        /// It was still running at the deadline; its whole process group was killed.
        case killedAtDeadline
        /// It could not be started at all (missing, not executable, bad working directory).
        case couldNotStart(String)

        public var description: String {
            switch self {
            case .exited(let code): "exited \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            case .killedAtDeadline: "still running at the deadline: killed (process group)"
            case .couldNotStart(let why): "could not start: \(why)"
            }
        }

        /// `exit 0`.
        public var isSuccess: Bool { self == .exited(0) }
    }

    /// One captured stream (standard output or error).
    public struct Capture: Sendable, Hashable {
        /// The first bytes, up to the capture limit.
        public var kept: [UInt8]
        /// Every byte the process wrote (also those not kept).
        public var totalBytes: Int

        public init(kept: [UInt8] = [], totalBytes: Int = 0) {
            self.kept = kept
            self.totalBytes = totalBytes
        }

        /// Whether bytes were dropped because the stream exceeded the capture limit.
        public var isCapped: Bool { totalBytes > kept.count }
        /// The kept bytes as text; invalid UTF-8 becomes U+FFFD.
        public var text: String { String(decoding: kept, as: UTF8.self) }
        /// Whether the kept bytes are valid UTF-8.
        public var isValidUTF8: Bool { String(validating: kept, as: UTF8.self) != nil }

        /// The last `count` characters of ``text``, with a note when bytes were dropped or invalid.
        public func tail(_ count: Int = 400) -> String {
            var s = text
            if s.count > count { s = "…" + String(s.suffix(count)) }
            if isCapped { s += "\n[\(totalBytes - kept.count) more bytes not kept: output capped at \(kept.count) bytes]" }
            if !isValidUTF8 { s += "\n[output was not valid UTF-8; invalid bytes shown as \u{FFFD}]" }
            return s
        }
    }

    public var ending: Ending
    public var standardOutput: Capture
    public var standardError: Capture
    /// When the process was started and when it ended (or was given up on).
    public var startedAt: MonotonicInstant
    public var endedAt: MonotonicInstant
    /// Processes of its group were still alive after it exited (and were killed).
    public var leftChildrenRunning: Bool

    public init(ending: Ending, standardOutput: Capture = Capture(), standardError: Capture = Capture(), startedAt: MonotonicInstant, endedAt: MonotonicInstant, leftChildrenRunning: Bool = false) {
        self.ending = ending
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.leftChildrenRunning = leftChildrenRunning
    }

    /// Wall time in milliseconds.
    public var milliseconds: Double { startedAt.duration(to: endedAt).milliseconds }
}

// MARK: - ProcessRunner

/// Runs a command in a process group of its own, captures its output (capped), and kills the whole
/// group at the deadline or when the awaiting task is cancelled. Blocking work runs on a dedicated thread.
public struct ProcessRunner: Sendable {
    /// Bytes kept per stream. Default 1 MiB.
    public var captureLimit: Int
    /// How long after the process exited its remaining output is still read (children holding the pipes
    /// are killed first). Default 200 ms.
    public var drainMilliseconds: Int

    public init(captureLimit: Int = 1 << 20, drainMilliseconds: Int = 200) {
        self.captureLimit = max(0, captureLimit)
        self.drainMilliseconds = drainMilliseconds
    }

    /// Runs `argv` with exactly `environment` (`NAME=value`), in `workingDirectory`, for at most `timeout`.
    public func run(argv: [String], environment: [String: String], workingDirectory: String?, timeout: Duration) async -> ProcessRun {
        let started = MonotonicInstant.now()
        guard let program = argv.first, !program.isEmpty else {
            return ProcessRun(ending: .couldNotStart("empty command (no argv)"), startedAt: started, endedAt: started)
        }
        let path: String
        switch Self.resolve(program, searchPath: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") {
        case .success(let p): path = p
        case .failure(let why): return ProcessRun(ending: .couldNotStart(why.description), startedAt: started, endedAt: .now())
        }
        if let workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                return ProcessRun(ending: .couldNotStart("working directory \(workingDirectory) does not exist"), startedAt: started, endedAt: .now())
            }
        }
        let group = LockedValue<GroupState>(GroupState())
        let limit = captureLimit
        let drain = drainMilliseconds
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let deadline = started + max(.zero, timeout)
        return await withTaskCancellationHandler {
            do {
                return try await runOnDedicatedThread(name: "llmcheck-command") {
                    Self.supervise(path: path, argv: argv, env: env, cwd: workingDirectory, deadline: deadline, limit: limit, drainMilliseconds: drain, group: group, started: started)
                }
            } catch {
                return ProcessRun(ending: .couldNotStart("\(error)"), startedAt: started, endedAt: .now())
            }
        } onCancel: {
            group.withLock { state in
                state.cancelled = true
                if let pid = state.pid { Syscalls.killProcessGroup(pid) }
            }
        }
    }

    struct GroupState: Sendable {
        var pid: Int32?
        var cancelled = false
    }

    /// `program` as an absolute path: searched in `searchPath` when it holds no `/`.
    static func resolve(_ program: String, searchPath: String) -> Result<String, ResolveError> {
        if program.contains("/") {
            guard FileManager.default.fileExists(atPath: program) else { return .failure(ResolveError("\(program): no such file")) }
            guard Syscalls.isExecutableFile(program) else { return .failure(ResolveError("\(program): not an executable file (check its permissions)")) }
            return .success(program.hasPrefix("/") ? program : FileManager.default.currentDirectoryPath + "/" + program)
        }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if Syscalls.isExecutableFile(candidate) { return .success(candidate) }
        }
        return .failure(ResolveError("\(program): command not found in PATH"))
    }

    struct ResolveError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The blocking part: spawn, read both pipes, reap, kill at the deadline.
    static func supervise(
        path: String, argv: [String], env: [String], cwd: String?, deadline: MonotonicInstant, limit: Int, drainMilliseconds: Int,
        group: LockedValue<GroupState>, started: MonotonicInstant
    ) -> ProcessRun {
        let out: (read: Int32, write: Int32)
        let err: (read: Int32, write: Int32)
        do {
            out = try Syscalls.makePipe()
            do { err = try Syscalls.makePipe() } catch {
                Syscalls.closeDescriptor(out.read)
                Syscalls.closeDescriptor(out.write)
                throw error
            }
        } catch {
            return ProcessRun(ending: .couldNotStart("\(error)"), startedAt: started, endedAt: .now())
        }
        defer {
            Syscalls.closeDescriptor(out.read)
            Syscalls.closeDescriptor(err.read)
        }
        let pid: Int32
        do {
            pid = try Syscalls.spawnProcessGroup(
                path: path, arguments: Array(argv.dropFirst()), environment: env, workingDirectory: cwd,
                standardOutput: out.write, standardError: err.write
            )
        } catch {
            Syscalls.closeDescriptor(out.write)
            Syscalls.closeDescriptor(err.write)
            return ProcessRun(ending: .couldNotStart("\(error)"), startedAt: started, endedAt: .now())
        }
        Syscalls.closeDescriptor(out.write)
        Syscalls.closeDescriptor(err.write)
        let cancelledEarly = group.withLock { state in
            state.pid = pid
            return state.cancelled
        }
        if cancelledEarly { Syscalls.killProcessGroup(pid) }

        var captures = [ProcessRun.Capture(), ProcessRun.Capture()]
        var open = [true, true]
        let fds = [out.read, err.read]
        var buffer: [UInt8] = []
        var status: Syscalls.ChildStatus?
        var killedAtDeadline = false
        var leftChildren = false
        var exitedAt: MonotonicInstant?
        var drainUntil: MonotonicInstant?
        while true {
            if status == nil, let s = try? Syscalls.reapProcess(pid) {
                status = s
                let now = MonotonicInstant.now()
                exitedAt = now
                if Syscalls.processGroupExists(pid) {
                    leftChildren = true
                    Syscalls.killProcessGroup(pid)
                }
                drainUntil = now + .milliseconds(drainMilliseconds)
            }
            if status != nil, !open[0], !open[1] { break }
            let now = MonotonicInstant.now()
            if let drainUntil, now >= drainUntil { break }
            if status == nil, now >= deadline, !killedAtDeadline {
                killedAtDeadline = true
                Syscalls.killProcessGroup(pid)
            }
            var entries = fds.indices.filter { open[$0] }.map { Syscalls.PollEntry(fd: fds[$0], events: .readable) }
            let wait = Int32(status == nil && !killedAtDeadline ? min(20, max(1, MonotonicInstant.pollMilliseconds(until: deadline))) : 5)
            if entries.isEmpty {
                usleep(useconds_t(wait) * 1000)
                continue
            }
            _ = try? Syscalls.pollEntries(&entries, timeoutMilliseconds: wait)
            for entry in entries where !entry.returnedEvents.isEmpty {
                let index = entry.fd == fds[0] ? 0 : 1
                let n = (try? Syscalls.readAvailable(entry.fd, into: &buffer)) ?? 0
                if n <= 0 {
                    open[index] = false
                    continue
                }
                captures[index].totalBytes += n
                let room = limit - captures[index].kept.count
                if room > 0 { captures[index].kept += buffer.prefix(min(room, n)) }
            }
        }
        if status == nil {
            // Killed at the deadline (or cancelled) and not reaped yet: SIGKILL cannot be ignored, so this is short.
            Syscalls.killProcessGroup(pid)
            for _ in 0..<2000 {
                if let s = try? Syscalls.reapProcess(pid) { status = s; break }
                usleep(1000)
            }
        }
        let cancelled = group.withLock { $0.cancelled }
        let ending: ProcessRun.Ending
        if killedAtDeadline || cancelled {
            ending = .killedAtDeadline
        } else {
            switch status {
            case .exited(let code): ending = .exited(code)
            case .signalled(let signal): ending = .signalled(signal)
            case nil: ending = .killedAtDeadline
            }
        }
        return ProcessRun(
            ending: ending, standardOutput: captures[0], standardError: captures[1], startedAt: started,
            endedAt: killedAtDeadline ? .now() : exitedAt ?? .now(), leftChildrenRunning: leftChildren
        )
    }
}
